import { afterAll, beforeAll, inject } from 'vitest';
import { openTestPglite, type TestDatabase } from '../../../test/databases.ts';
import { databaseContract } from '../../domain/repositories.contract.ts';

let test: TestDatabase;
beforeAll(async () => {
  test = await openTestPglite(inject('pgliteDump'));
});
afterAll(() => test.close());

databaseContract('PGlite', async () => {
  await test.reset();
  return test.database;
});
