import { beforeEach, describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../domain/errors.ts';
import { buildUser } from '../../domain/testing/builders.ts';
import type { AtlasDeps } from '../deps.ts';
import { JOB_LEASE_MS, newSyncJob, runNextSyncJob } from './run-sync-job.ts';
import { syncCatalog } from './sync-catalog.ts';
import {
  commitFiles,
  FailingContentStore,
  type ManualClock,
  seedNamespaces,
  skillMd,
  syncDeps,
} from './testing/sync-fixtures.ts';

describe('runNextSyncJob', () => {
  let deps: AtlasDeps & { clock: ManualClock };
  let content: FailingContentStore;
  let head: string;

  beforeEach(async () => {
    const base = syncDeps();
    content = new FailingContentStore(base.content);
    deps = { ...base, content };
    await seedNamespaces(deps.db);
    head = await commitFiles(content, { 'skills/alice/pdf-tools/SKILL.md': skillMd('pdf-tools') });
  });
  const enqueue = async (job = newSyncJob({ kind: 'webhook' }, deps.clock.now())) => {
    await deps.db.sync.enqueue(job);
    return job;
  };

  it('finds nothing to do when no job is due', async () => {
    expect(await runNextSyncJob(deps, 'w1')).toBeUndefined();
    await enqueue(
      newSyncJob({ kind: 'manual' }, deps.clock.now(), { runAfter: new Date(deps.clock.now().getTime() + 1) }),
    );
    expect(await runNextSyncJob(deps, 'w1')).toBeUndefined();
  });

  it('brings the catalog to the head and marks the job done', async () => {
    const job = await enqueue();
    const outcome = await runNextSyncJob(deps, 'w1');
    expect(outcome).toMatchObject({ job: { id: job.id }, result: { to: head, changed: true, folders: 1 } });
    expect(await deps.db.sync.findJob(job.id)).toMatchObject({ status: 'done', attempts: 1, lockedBy: null });
    expect((await deps.db.sync.getState()).lastSyncedSha).toBe(head);
    expect(await deps.db.items.findByGitPath('skills/alice/pdf-tools')).toMatchObject({ status: 'active' });
  });

  it('takes the oldest due job first', async () => {
    const later = await enqueue(newSyncJob({ kind: 'poll' }, new Date(deps.clock.now().getTime() - 1000)));
    const older = await enqueue(newSyncJob({ kind: 'webhook' }, new Date(deps.clock.now().getTime() - 2000)));
    expect((await runNextSyncJob(deps, 'w1'))?.job.id).toBe(older.id);
    expect((await runNextSyncJob(deps, 'w1'))?.job.id).toBe(later.id);
  });

  it('queues a failed job again after a backoff of about a second, and does not run it sooner', async () => {
    const job = await enqueue();
    content.failNext(1);
    const failed = await runNextSyncJob(deps, 'w1');
    expect(failed).toMatchObject({ error: 'UnavailableError: GitHub is down' });
    const retryAt = (failed as { retryAt: Date }).retryAt;
    const wait = retryAt.getTime() - deps.clock.now().getTime();
    expect(wait).toBeGreaterThanOrEqual(500);
    expect(wait).toBeLessThanOrEqual(1500);
    expect(await deps.db.sync.findJob(job.id)).toMatchObject({
      status: 'queued',
      attempts: 1,
      runAfter: retryAt,
      lastError: 'UnavailableError: GitHub is down',
    });

    deps.clock.set(new Date(retryAt.getTime() - 1));
    expect(await runNextSyncJob(deps, 'w1')).toBeUndefined();
    deps.clock.set(retryAt);
    expect(await runNextSyncJob(deps, 'w1')).toMatchObject({ result: { to: head } });
    expect(await deps.db.sync.findJob(job.id)).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('parks a job as failed with its last error after its last attempt, and never runs it again', async () => {
    const job = await enqueue(newSyncJob({ kind: 'webhook' }, deps.clock.now(), {}, 2));
    content.failNext(100);
    const first = await runNextSyncJob(deps, 'w1');
    deps.clock.set((first as { retryAt: Date }).retryAt);
    expect(await runNextSyncJob(deps, 'w1')).toMatchObject({ retryAt: null });
    expect(await deps.db.sync.findJob(job.id)).toMatchObject({
      status: 'failed',
      attempts: 2,
      lastError: 'UnavailableError: GitHub is down',
    });
    content.failNext(0);
    deps.clock.advance(24 * 3600_000);
    expect(await runNextSyncJob(deps, 'w1')).toBeUndefined();
    expect((await deps.db.sync.getState()).lastSyncedSha).toBeNull();
  });

  it('retries no sooner than a rate limit allows', async () => {
    const job = await enqueue();
    const allowedAt = new Date(deps.clock.now().getTime() + 600_000);
    content.failNext(1, () => new RateLimitedError('GitHub asks to wait', allowedAt));
    await runNextSyncJob(deps, 'w1');
    expect((await deps.db.sync.findJob(job.id))?.runAfter).toEqual(allowedAt);
  });

  it('takes over a running job whose lease passed: its worker died', async () => {
    const job = await enqueue();
    await deps.db.sync.claim('dead', deps.clock.now(), new Date(deps.clock.now().getTime() + JOB_LEASE_MS));
    expect(await runNextSyncJob(deps, 'w1')).toBeUndefined();
    deps.clock.advance(JOB_LEASE_MS);
    expect(await runNextSyncJob(deps, 'w1')).toMatchObject({ job: { id: job.id, lockedBy: 'w1', attempts: 2 } });
    expect(await deps.db.sync.findJob(job.id)).toMatchObject({ status: 'done' });
  });

  it('rereads the invalid folders of the namespace a namespace job names, though git did not change', async () => {
    await commitFiles(content, { 'skills/carol/helper/SKILL.md': skillMd('helper') });
    await syncCatalog(deps);
    expect(await deps.db.items.findByGitPath('skills/carol/helper')).toMatchObject({ status: 'invalid' });
    await deps.db.users.insert(buildUser({ username: 'carol' }));

    await enqueue(newSyncJob({ kind: 'manual' }, deps.clock.now()));
    expect(await runNextSyncJob(deps, 'w1')).toMatchObject({ result: { changed: false } });
    expect(await deps.db.items.findByGitPath('skills/carol/helper')).toMatchObject({ status: 'invalid' });

    await enqueue(newSyncJob({ kind: 'namespace', namespace: 'carol' }, deps.clock.now()));
    expect(await runNextSyncJob(deps, 'w1')).toMatchObject({ result: { changed: true, folders: 1 } });
    expect(await deps.db.items.findByGitPath('skills/carol/helper')).toMatchObject({ status: 'active', problems: [] });
  });

  it('runs a job whose reason it cannot read as a sync to the head', async () => {
    const job = await enqueue(newSyncJob({ kind: 'unknown', recorded: 'schedule' }, deps.clock.now()));
    expect(await runNextSyncJob(deps, 'w1')).toMatchObject({ result: { to: head } });
    expect(await deps.db.sync.findJob(job.id)).toMatchObject({ status: 'done' });
  });
});
