import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { broadcastContract } from '../../domain/broadcast.contract.ts';
import { PostgresBroadcast } from './postgres-broadcast.ts';
import { describeWithServer } from './testing/server-database.ts';
import { openTestServer, type TestDatabase } from './testing/test-databases.ts';

const arrival = { timeout: 5_000, interval: 20 };

describeWithServer('PostgresBroadcast', (server) => {
  let test: TestDatabase & { url: string };
  // One pool per instance, as two processes would have.
  let pools: [pg.Pool, pg.Pool];
  const open = (pool: pg.Pool) => PostgresBroadcast.open(test.url, pool);

  beforeAll(async () => {
    test = await openTestServer(server.url, server.template);
    pools = [new pg.Pool({ connectionString: test.url, max: 2 }), new pg.Pool({ connectionString: test.url, max: 2 })];
  });
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    await test.close();
  });

  broadcastContract('PostgreSQL server', async () => ({
    sender: await open(pools[0]),
    receiver: await open(pools[1]),
  }));

  it('delivers nothing to an instance once it is closed', async () => {
    const [sender, closed] = [await open(pools[0]), await open(pools[1])];
    const witness: string[] = [];
    const late: string[] = [];
    closed.subscribe('closing', (message) => late.push(message));
    await closed.close();
    sender.subscribe('closing', (message) => witness.push(message));
    await sender.publish('closing', 'after close');
    await vi.waitFor(() => expect(witness).toEqual(['after close']), arrival);
    expect(late).toEqual([]);
    await sender.close();
  });

  it('listens again after the server drops its listening connection', async () => {
    const broadcast = await open(pools[0]);
    const received: string[] = [];
    broadcast.subscribe('reconnect', (message) => received.push(message));
    const { rows } = (await test.connection.db.execute(
      sql`select pg_terminate_backend(pid) as gone from pg_stat_activity
          where datname = current_database() and query ilike 'listen %'`,
    )) as unknown as { rows: { gone: boolean }[] };
    expect(rows.some((r) => r.gone)).toBe(true);
    // Messages sent while it reconnects are lost (the port allows it): keep sending until one arrives.
    await vi.waitFor(
      async () => {
        await broadcast.publish('reconnect', 'are you there');
        expect(received).toContain('are you there');
      },
      { timeout: 10_000, interval: 200 },
    );
    await broadcast.close();
  });
});
