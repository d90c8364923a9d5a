import { afterAll, beforeAll, inject } from 'vitest';
import { locksContract } from '../../domain/locks.contract.ts';
import { databaseContract } from '../../domain/repositories.contract.ts';
import { openTestPglite, type TestDatabase } from './testing/test-databases.ts';

let test: TestDatabase;
beforeAll(async () => {
  test = await openTestPglite(inject('pgliteDump'));
});
afterAll(() => test.close());

databaseContract('PGlite', async () => {
  await test.reset();
  return test.database;
});

locksContract('PGlite', async () => test.database.locks);
