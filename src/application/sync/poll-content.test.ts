import { beforeEach, describe, expect, it } from 'vitest';
import type { AtlasDeps } from '../deps.ts';
import { FAILURE_COOLDOWN_MS, pollContent } from './poll-content.ts';
import { newSyncJob } from './run-sync-job.ts';
import { syncCatalog } from './sync-catalog.ts';
import { commitFiles, type ManualClock, seedNamespaces, skillMd, syncDeps } from './testing/sync-fixtures.ts';
import { verifyCatalog } from './verify-catalog.ts';

const HOUR = 3600_000;

describe('pollContent', () => {
  let deps: AtlasDeps & { clock: ManualClock };
  let startedAt: Date;
  const poll = (verifyEveryMs = 0) => pollContent(deps, { verifyEveryMs, verifySince: startedAt });
  const queue = async () => [
    ...(await deps.db.sync.listJobs('queued', 10)),
    ...(await deps.db.sync.listJobs('running', 10)),
  ];
  const woken = () =>
    Promise.race([
      deps.jobSignal.wait(5_000).then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 50)),
    ]);
  /** A job that ran out of attempts now. */
  const parkFailedJob = async () => {
    const job = newSyncJob({ kind: 'webhook' }, deps.clock.now(), {}, 1);
    await deps.db.sync.enqueue(job);
    await deps.db.sync.claim('w1', deps.clock.now(), new Date(deps.clock.now().getTime() + 60_000));
    await deps.db.sync.fail(job.id, 'UnavailableError: GitHub is down', deps.clock.now(), null);
  };

  beforeEach(async () => {
    deps = syncDeps();
    startedAt = deps.clock.now();
    await seedNamespaces(deps.db);
    await commitFiles(deps.content, { 'skills/alice/pdf-tools/SKILL.md': skillMd('pdf-tools') });
    await syncCatalog(deps);
  });

  it('queues nothing when the branch head is the last synced commit', async () => {
    const result = await poll();
    expect(result).toEqual({ outcome: 'up-to-date', head: await deps.content.head() });
    expect(await queue()).toEqual([]);
    expect(await woken()).toBe(false);
  });

  it('queues one poll job for the new head when the branch moved, and wakes the worker', async () => {
    const head = await commitFiles(deps.content, { 'skills/bob/notes/SKILL.md': skillMd('notes') });
    const result = await poll();
    expect(result).toMatchObject({ outcome: 'queued', head });
    const jobs = await queue();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ reason: { kind: 'poll' }, afterSha: head, status: 'queued', maxAttempts: 5 });
    expect(jobs[0]?.runAfter).toEqual(deps.clock.now());
    expect(await woken()).toBe(true);
  });

  it('queues nothing more while a sync is queued, and nothing while one is running', async () => {
    await commitFiles(deps.content, { 'skills/bob/notes/SKILL.md': skillMd('notes') });
    expect((await poll()).outcome).toBe('queued');
    expect((await poll()).outcome).toBe('busy');
    expect(await queue()).toHaveLength(1);

    await deps.db.sync.claim('w1', deps.clock.now(), new Date(deps.clock.now().getTime() + 60_000));
    expect((await poll()).outcome).toBe('busy');
    expect(await deps.db.sync.countJobs('queued')).toBe(0);
    expect(await deps.db.sync.countJobs('running')).toBe(1);
  });

  it('queues nothing for five minutes after a job failed for good, then queues again', async () => {
    const head = await commitFiles(deps.content, { 'skills/bob/notes/SKILL.md': skillMd('notes') });
    await parkFailedJob();
    const parkedAt = deps.clock.now().getTime();

    deps.clock.advance(FAILURE_COOLDOWN_MS - 1);
    expect(await poll()).toEqual({ outcome: 'cooling-down', until: new Date(parkedAt + FAILURE_COOLDOWN_MS), head });
    expect(await queue()).toEqual([]);

    deps.clock.advance(1);
    expect(await poll()).toMatchObject({ outcome: 'queued', head });
    expect(await queue()).toHaveLength(1);
  });

  it('is not held back by a failure when the catalog is up to date', async () => {
    await parkFailedJob();
    expect((await poll()).outcome).toBe('up-to-date');
  });

  it('verifies once the interval has passed since the poller started, and again one interval later', async () => {
    deps.clock.advance(6 * HOUR - 1);
    expect((await poll(6 * HOUR)).verify).toBeUndefined();
    expect((await deps.db.sync.getState()).lastVerifiedAt).toBeNull();

    deps.clock.advance(1);
    const first = await poll(6 * HOUR);
    expect(first.verify).toMatchObject({ driftCount: 0, folders: 1, items: 1, head: await deps.content.head() });
    expect(await deps.db.sync.getState()).toMatchObject({
      lastVerifiedAt: deps.clock.now(),
      lastVerifyReport: { driftCount: 0 },
    });

    deps.clock.advance(HOUR);
    expect((await poll(6 * HOUR)).verify).toBeUndefined();
    deps.clock.advance(5 * HOUR);
    expect((await poll(6 * HOUR)).verify).toBeDefined();
  });

  it('counts the schedule from the last verify, even one run on demand', async () => {
    deps.clock.advance(5 * HOUR);
    await verifyCatalog(deps);
    deps.clock.advance(HOUR);
    expect((await poll(6 * HOUR)).verify).toBeUndefined();
    deps.clock.advance(5 * HOUR);
    expect((await poll(6 * HOUR)).verify).toBeDefined();
  });

  it('reports drift in the scheduled verify while it queues the sync that repairs it', async () => {
    await commitFiles(deps.content, { 'skills/bob/notes/SKILL.md': skillMd('notes') });
    deps.clock.advance(HOUR);
    const result = await poll(HOUR);
    expect(result.outcome).toBe('queued');
    expect(result.verify?.drift).toEqual({ gitOnly: ['skills/bob/notes'], dbOnly: [], stale: [] });
  });

  it('never verifies when the interval is 0', async () => {
    deps.clock.advance(1000 * HOUR);
    expect((await poll(0)).verify).toBeUndefined();
    expect((await deps.db.sync.getState()).lastVerifiedAt).toBeNull();
  });
});
