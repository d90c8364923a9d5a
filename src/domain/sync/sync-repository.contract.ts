import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../ids.ts';
import type { Database } from '../repositories.ts';
import { buildItem, tick } from '../testing/builders.ts';
import type { SyncJob } from './sync-job.ts';
import { SYNC_REASON_KINDS, type SyncReason } from './sync-reason.ts';

export function buildJob(overrides: Partial<SyncJob> = {}): SyncJob {
  const now = overrides.createdAt ?? tick();
  return {
    id: newId(now.getTime()),
    reason: { kind: 'webhook' },
    deliveryId: null,
    afterSha: null,
    status: 'queued',
    attempts: 0,
    maxAttempts: 5,
    runAfter: now,
    lockedBy: null,
    lockedUntil: null,
    lastError: null,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

export function syncRepositoryContract(name: string, open: () => Promise<Database>) {
  describe(`SyncRepository contract: ${name}`, () => {
    let db: Database;
    beforeEach(async () => {
      db = await open();
    });
    const later = (ms: number) => new Date(Date.now() + ms);

    it('stores a delivery once and enqueues its job once', async () => {
      const delivery = {
        deliveryId: 'd-1',
        event: 'push',
        outcome: 'queued' as const,
        afterSha: 'a'.repeat(40),
        receivedAt: tick(),
      };
      const job = buildJob({ deliveryId: 'd-1' });
      expect(await db.sync.recordDelivery(delivery, job)).toBe(true);
      expect(await db.sync.recordDelivery(delivery, buildJob({ deliveryId: 'd-1' }))).toBe(false);
      expect(await db.sync.findDelivery('d-1')).toEqual(delivery);
      expect(await db.sync.findDelivery('d-2')).toBeUndefined();
      expect(await db.sync.countJobs('queued')).toBe(1);
      const both = await Promise.all([
        db.sync.recordDelivery({ ...delivery, deliveryId: 'd-3' }, buildJob()),
        db.sync.recordDelivery({ ...delivery, deliveryId: 'd-3' }, buildJob()),
      ]);
      expect(both.filter(Boolean)).toHaveLength(1);
      expect(await db.sync.countJobs('queued')).toBe(2);
    });

    it('gives each due job to one claimer, oldest first, counting attempts', async () => {
      const first = buildJob();
      const second = buildJob();
      const notYet = buildJob({ runAfter: later(60_000) });
      for (const job of [second, first, notYet]) await db.sync.enqueue(job);
      const claims = await Promise.all([
        db.sync.claim('w1', new Date(), later(30_000)),
        db.sync.claim('w2', new Date(), later(30_000)),
        db.sync.claim('w3', new Date(), later(30_000)),
      ]);
      const ids = claims.map((c) => c?.id).filter(Boolean);
      expect([...ids].sort()).toEqual([first.id, second.id].sort());
      expect(claims.filter((c) => c === undefined)).toHaveLength(1);
      expect(claims.find((c) => c?.id === first.id)).toMatchObject({ status: 'running', attempts: 1 });
    });

    it('retries a failed job after its backoff, parks it as failed at the end, and takes over an expired lease', async () => {
      const job = buildJob();
      await db.sync.enqueue(job);
      await db.sync.claim('w1', new Date(), later(30_000));
      await db.sync.fail(job.id, 'GitHub answered 502', new Date(), later(60_000));
      expect(await db.sync.claim('w1', new Date(), later(30_000))).toBeUndefined();
      const retried = await db.sync.claim('w1', later(61_000), later(90_000));
      expect(retried).toMatchObject({ id: job.id, attempts: 2, lastError: 'GitHub answered 502' });
      // The worker died holding it: once the lease has passed, another worker takes it.
      const takenOver = await db.sync.claim('w2', later(91_000), later(120_000));
      expect(takenOver).toMatchObject({ id: job.id, attempts: 3, lockedBy: 'w2' });
      await db.sync.fail(job.id, 'still broken', new Date(), null);
      expect(await db.sync.findJob(job.id)).toMatchObject({ status: 'failed', lastError: 'still broken' });
      expect((await db.sync.listJobs('failed', 10)).map((j) => j.id)).toEqual([job.id]);
      expect(await db.sync.claim('w3', later(500_000), later(600_000))).toBeUndefined();
    });

    it('keeps the reason of every kind, with its namespace', async () => {
      const reasons: SyncReason[] = SYNC_REASON_KINDS.map((kind) =>
        kind === 'namespace' ? { kind, namespace: 'platform' } : { kind },
      );
      const jobs = reasons.map((reason) => buildJob({ reason }));
      for (const job of jobs) await db.sync.enqueue(job);
      for (const job of jobs) expect((await db.sync.findJob(job.id))?.reason).toEqual(job.reason);
      const listed = await db.sync.listJobs('queued', 10);
      expect(listed.map((j) => j.reason)).toEqual(expect.arrayContaining(reasons));
      const claimed = await db.sync.claim('w1', later(1000), later(30_000));
      expect(claimed?.reason).toEqual(jobs.find((j) => j.id === claimed?.id)?.reason);
      const delivered = buildJob({ deliveryId: 'd-reason' });
      await db.sync.recordDelivery(
        { deliveryId: 'd-reason', event: 'push', outcome: 'queued', afterSha: null, receivedAt: tick() },
        delivered,
      );
      expect((await db.sync.findJob(delivered.id))?.reason).toEqual({ kind: 'webhook' });
    });

    it('completes a job', async () => {
      const job = buildJob();
      await db.sync.enqueue(job);
      await db.sync.claim('w1', new Date(), later(1000));
      await db.sync.complete(job.id, new Date());
      expect(await db.sync.findJob(job.id)).toMatchObject({ status: 'done', lockedBy: null });
      expect(await db.sync.countJobs('running')).toBe(0);
    });

    it('advances the synced commit by compare-and-swap', async () => {
      expect(await db.sync.getState()).toMatchObject({ lastSyncedSha: null });
      const [a, b, c] = ['a', 'b', 'c'].map((x) => x.repeat(40));
      const firsts = await Promise.all([db.sync.advance(null, a!, tick()), db.sync.advance(null, b!, tick())]);
      expect(firsts.filter(Boolean)).toHaveLength(1);
      const winner = (await db.sync.getState()).lastSyncedSha!;
      expect(await db.sync.advance(winner === a ? b! : a!, c!, tick())).toBe(false);
      expect(await db.sync.advance(winner, c!, tick())).toBe(true);
      expect((await db.sync.getState()).lastSyncedSha).toBe(c);
      await db.sync.recordVerify({ drift: 0 }, tick());
      expect(await db.sync.getState()).toMatchObject({ lastSyncedSha: c, lastVerifyReport: { drift: 0 } });
    });

    it('rolls a sync back with its transaction', async () => {
      await expect(
        db.transaction(async (tx) => {
          await tx.sync.advance(null, 'd'.repeat(40), tick());
          throw new Error('crash');
        }),
      ).rejects.toThrow('crash');
      expect((await db.sync.getState()).lastSyncedSha).toBeNull();
    });

    it('lists the pointers of every item that should be in git', async () => {
      await db.items.insert(buildItem('skill/x/b', { treeSha: '1'.repeat(40) }));
      await db.items.insert(buildItem('skill/x/a', { status: 'invalid' }));
      await db.items.insert(buildItem('skill/x/c', { status: 'deleted' }));
      expect((await db.items.listPointers()).map((p) => [p.gitPath, p.status])).toEqual([
        ['skills/x/a', 'invalid'],
        ['skills/x/b', 'active'],
      ]);
    });

    it('lets one holder lead at a time, and the next one after release', async () => {
      const first = await db.locks.lead('poller');
      const second = await db.locks.lead('poller');
      expect([first.held, second.held]).toEqual([true, false]);
      expect(await db.locks.tryRun('poller', async () => undefined)).toBe(false);
      await first.release();
      const third = await db.locks.lead('poller');
      expect(third.held).toBe(true);
      await third.release();
      let ran = false;
      expect(
        await db.locks.tryRun('poller', async () => {
          ran = true;
        }),
      ).toBe(true);
      expect(ran).toBe(true);
    });
  });
}
