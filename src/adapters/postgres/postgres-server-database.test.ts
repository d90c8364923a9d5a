import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { locksContract } from '../../domain/locks.contract.ts';
import { databaseContract } from '../../domain/repositories.contract.ts';
import { type Connection, openPostgres } from './connection.ts';
import { MIGRATIONS_FOLDER, runMigrations } from './migrate.ts';
import { describeWithServer } from './testing/server-database.ts';
import { dropServerDatabase, openTestServer, type TestDatabase, withDatabase } from './testing/test-databases.ts';

describeWithServer('PostgreSQL server', (server) => {
  let test: TestDatabase & { url: string };
  beforeAll(async () => {
    test = await openTestServer(server.url, server.template);
  });
  afterAll(() => test.close());

  databaseContract('PostgreSQL server', async () => {
    await test.reset();
    return test.database;
  });

  locksContract('PostgreSQL server', async () => test.database.locks);

  describe('advisory locks between processes', () => {
    let other: Connection;
    beforeAll(async () => {
      other = await openPostgres(test.url, { max: 2 });
    });
    afterAll(() => other.close());

    it('refuses a lock another process holds, and hands it over once released', async () => {
      const here = test.database.locks;
      const leader = await other.locks.lead('poller');
      expect(leader.held).toBe(true);
      expect((await here.lead('poller')).held).toBe(false);
      expect(await here.tryRun('poller', async () => {})).toBe(false);
      await leader.release();
      const next = await here.lead('poller');
      expect(next.held).toBe(true);
      expect(await other.locks.tryRun('poller', async () => {})).toBe(false);
      await next.release();
    });

    it('frees the lock of a leader whose connection dies, which stops claiming it and can still close', async () => {
      const here = test.database.locks;
      const dying = await openPostgres(test.url, { max: 1 });
      const leader = await dying.locks.lead('dying');
      expect(leader.held).toBe(true);
      await test.connection.db.execute(
        sql`select pg_terminate_backend(pid) from pg_locks
            where locktype = 'advisory' and granted
              and database = (select oid from pg_database where datname = current_database())`,
      );
      await vi.waitFor(() => expect(leader.held).toBe(false), { timeout: 5_000, interval: 20 });
      const next = await here.lead('dying');
      expect(next.held).toBe(true);
      await next.release();
      // The broken client went back to its pool, so closing does not wait for it for ever.
      await leader.release();
      await expect(Promise.race([dying.close().then(() => 'closed'), sleep(5_000).then(() => 'hung')])).resolves.toBe(
        'closed',
      );
    });
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
