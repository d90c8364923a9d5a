import { afterAll, beforeAll, describe, inject } from 'vitest';
import { InMemoryDatabase } from '../../src/adapters/memory/in-memory-database.ts';
import { describeWithServer } from '../../src/adapters/postgres/testing/server-database.ts';
import {
  openTestPglite,
  openTestServer,
  type TestDatabase,
} from '../../src/adapters/postgres/testing/test-databases.ts';
import type { Database } from '../../src/domain/repositories.ts';

/**
 * Runs `body` three times: on the in-memory database, on PGlite and (when configured) on the
 * PostgreSQL server. `open()` empties the suite's database and returns it: the same instance
 * every time, so an app built around it once sees every reset.
 */
export function describeEachDatabase(title: string, body: (open: () => Promise<Database>) => void): void {
  describe(`${title} [in-memory]`, () => {
    const database = new InMemoryDatabase();
    body(async () => {
      database.clear();
      return database;
    });
  });

  describe(`${title} [PGlite]`, () => {
    let test: TestDatabase;
    beforeAll(async () => {
      test = await openTestPglite(inject('pgliteDump'));
    });
    afterAll(() => test.close());
    body(async () => {
      await test.reset();
      return test.database;
    });
  });

  describeWithServer(`${title} [PostgreSQL server]`, (server) => {
    let test: TestDatabase;
    beforeAll(async () => {
      test = await openTestServer(server.url, server.template);
    });
    afterAll(() => test.close());
    body(async () => {
      await test.reset();
      return test.database;
    });
  });
}
