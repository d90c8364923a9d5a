import { afterAll, beforeAll, inject } from 'vitest';
import { databaseContract } from '../../domain/repositories.contract.ts';
import { openTestPgliteThread, type TestDatabase } from './testing/test-databases.ts';

let test: TestDatabase;
beforeAll(async () => {
  test = await openTestPgliteThread(inject('pgliteDump'));
});
afterAll(() => test.close());

databaseContract('PGlite in its own thread', async () => {
  await test.reset();
  return test.database;
});
