import { afterAll, beforeAll } from 'vitest';
import { openTestServer, type TestDatabase } from '../../../test/databases.ts';
import { describeWithServer } from '../../../test/server-database.ts';
import { databaseContract } from '../../domain/repositories.contract.ts';

describeWithServer('PostgreSQL server', (server) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestServer(server.url, server.template);
  });
  afterAll(() => test.close());

  databaseContract('PostgreSQL server', async () => {
    await test.reset();
    return test.database;
  });
});
