/**
 * How PostgreSQL keeps a sync job's reason: one text column, read and written in the encoding earlier
 * versions used, and text this version cannot read shown as it was recorded instead of breaking a listing.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { InMemoryContentStore } from '../../src/adapters/memory/in-memory-content-store.ts';
import { openTestPglite, type TestDatabase } from '../../src/adapters/postgres/testing/test-databases.ts';
import { getSyncStatus } from '../../src/application/sync/get-sync-status.ts';
import { newSyncJob, runNextSyncJob } from '../../src/application/sync/run-sync-job.ts';
import type { SyncReason } from '../../src/domain/sync/sync-reason.ts';
import { buildApp } from '../../src/entrypoints/http/app.ts';
import { client, register } from '../support/http.ts';
import { depsFor } from '../support/sync-helpers.ts';

describe('sync job reasons in PostgreSQL', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestPglite(inject('pgliteDump'));
  });
  afterAll(() => test.close());
  beforeEach(() => test.reset());

  const stored = async (id: string) => {
    const result = await test.connection.db.execute(sql`select reason from sync_jobs where id = ${id}`);
    return (result as unknown as { rows: { reason: string }[] }).rows[0]?.reason;
  };
  const recordAs = (id: string, text: string) =>
    test.connection.db.execute(sql`update sync_jobs set reason = ${text} where id = ${id}`);

  it.each<[SyncReason, string]>([
    [{ kind: 'webhook' }, 'webhook'],
    [{ kind: 'poll' }, 'poll'],
    [{ kind: 'manual' }, 'manual'],
    [{ kind: 'namespace', namespace: 'platform' }, 'namespace:platform'],
  ])('stores %o as %s, the text earlier versions wrote and read', async (reason, text) => {
    const job = newSyncJob(reason, new Date());
    await test.database.sync.enqueue(job);
    expect(await stored(job.id)).toBe(text);
    await recordAs(job.id, text);
    expect((await test.database.sync.findJob(job.id))?.reason).toEqual(reason);
  });

  it.each([['schedule'], ['namespace:'], ['']])(
    'reads %j, which it does not know, as an unknown reason kept as recorded',
    async (text) => {
      const job = newSyncJob({ kind: 'manual' }, new Date());
      await test.database.sync.enqueue(job);
      await recordAs(job.id, text);
      const unknown = { kind: 'unknown', recorded: text };
      expect((await test.database.sync.findJob(job.id))?.reason).toEqual(unknown);
      expect((await test.database.sync.listJobs('queued', 10)).map((j) => j.reason)).toEqual([unknown]);
      expect((await test.database.sync.claim('w1', new Date(), new Date(Date.now() + 60_000)))?.reason).toEqual(
        unknown,
      );
    },
  );

  it('runs a job of an unknown reason as a sync, and the sync status shows the reason as recorded', async () => {
    const deps = depsFor(test.database, new InMemoryContentStore());
    const job = newSyncJob({ kind: 'manual' }, new Date(), {}, 1);
    await deps.db.sync.enqueue(job);
    await recordAs(job.id, 'schedule');
    expect(await runNextSyncJob(deps, 'w1')).toMatchObject({ job: { reason: { kind: 'unknown' } }, result: {} });
    const failed = newSyncJob({ kind: 'manual' }, new Date(), {}, 1);
    await deps.db.sync.enqueue(failed);
    await deps.db.sync.claim('w1', new Date(), new Date(Date.now() + 60_000));
    await deps.db.sync.fail(failed.id, 'UnavailableError: GitHub is down', new Date(), null);
    await recordAs(failed.id, 'from-a-newer-atlas');

    const app = await buildApp(deps);
    try {
      const admin = await register(app, 'ada');
      const status = await client(app).get('/api/v1/sync/status', admin);
      expect(status.status, status.raw).toBe(200);
      expect(status.body.failedJobs).toEqual([expect.objectContaining({ reason: 'from-a-newer-atlas' })]);
      const user = await deps.db.users.findByUsername('ada');
      expect((await getSyncStatus(deps, { user: user!, tokenId: null, ip: null })).failedJobs[0]?.reason).toEqual({
        kind: 'unknown',
        recorded: 'from-a-newer-atlas',
      });
    } finally {
      await app.close();
    }
  });
});
