import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { databaseContract } from '../../domain/repositories.contract.ts';
import { openPostgres } from './connection.ts';
import { MIGRATIONS_FOLDER, runMigrations } from './migrate.ts';
import { describeWithServer } from './testing/server-database.ts';
import { dropServerDatabase, openTestServer, type TestDatabase, withDatabase } from './testing/test-databases.ts';

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

describeWithServer('migrations on a PostgreSQL server', (server) => {
  it('two instances migrating at once apply each migration exactly once (advisory lock)', async () => {
    const name = `atlas_mig_${Date.now().toString(36)}`;
    const admin = await openPostgres(server.url, { max: 1 });
    await admin.db.execute(sql.raw(`create database ${name}`));
    await admin.close();
    const [a, b] = [
      await openPostgres(withDatabase(server.url, name)),
      await openPostgres(withDatabase(server.url, name)),
    ];
    try {
      await Promise.all([runMigrations(a), runMigrations(b)]);
      const applied = await a.db.execute(sql`select count(*)::int as n from public.atlas_migrations`);
      const journal = JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')) as {
        entries: unknown[];
      };
      expect((applied as unknown as { rows: { n: number }[] }).rows[0]?.n).toBe(journal.entries.length);
      await runMigrations(a);
    } finally {
      await a.close();
      await b.close();
      await dropServerDatabase(server.url, name);
    }
  });
});
