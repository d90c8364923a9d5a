import { beforeEach, describe, expect, it } from 'vitest';
import { type Actor, anonymous } from '../../domain/accounts/actor.ts';
import { parseItemRef } from '../../domain/catalog/item-ref.ts';
import { ForbiddenError, UnauthenticatedError } from '../../domain/errors.ts';
import type { AtlasDeps } from '../deps.ts';
import { queueSync } from './queue-sync.ts';
import { runNextSyncJob } from './run-sync-job.ts';
import { syncCatalog } from './sync-catalog.ts';
import { actorOf, commitFiles, type ManualClock, seedNamespaces, skillMd, syncDeps } from './testing/sync-fixtures.ts';

describe('queueSync', () => {
  let deps: AtlasDeps & { clock: ManualClock };
  let admin: Actor;
  let bob: Actor;
  const queued = () => deps.db.sync.listJobs('queued', 10);
  const woken = () =>
    Promise.race([
      deps.jobSignal.wait(5_000).then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 50)),
    ]);

  beforeEach(async () => {
    deps = syncDeps();
    const seeded = await seedNamespaces(deps.db);
    admin = seeded.admin;
    bob = actorOf(seeded.bob);
    await commitFiles(deps.content, { 'skills/alice/pdf-tools/SKILL.md': skillMd('pdf-tools') });
    await syncCatalog(deps);
  });

  it('lets only administrators queue a sync', async () => {
    await commitFiles(deps.content, { 'skills/bob/notes/SKILL.md': skillMd('notes') });
    await expect(queueSync(deps, anonymous())).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(queueSync(deps, bob)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await queued()).toEqual([]);
  });

  it('queues nothing when the catalog is at the head', async () => {
    expect(await queueSync(deps, admin)).toEqual({ outcome: 'up-to-date', head: await deps.content.head() });
    expect(await queued()).toEqual([]);
    expect(await woken()).toBe(false);
  });

  it('queues a manual job for the head, audits it and wakes the worker, which then syncs the catalog', async () => {
    const head = await commitFiles(deps.content, { 'skills/bob/notes/SKILL.md': skillMd('notes') });
    const result = await queueSync(deps, admin);
    expect(result).toMatchObject({ outcome: 'queued', head });
    const jobs = await queued();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ reason: { kind: 'manual' }, afterSha: head, status: 'queued' });
    expect(await woken()).toBe(true);
    const audit = await deps.db.audit.list({ action: 'sync.queue' }, { limit: 10 });
    expect(audit.items.map((e) => [e.actorName, e.target])).toEqual([['alice', head]]);

    const ran = await runNextSyncJob(deps, 'worker-1');
    expect(ran && 'result' in ran).toBe(true);
    expect((await deps.db.sync.getState()).lastSyncedSha).toBe(head);
    expect(await deps.db.items.findByRef(parseItemRef('skill/bob/notes'))).toBeDefined();
  });

  it('adds nothing while a job waits in the queue, and ignores the cooldown after a failed job', async () => {
    await commitFiles(deps.content, { 'skills/bob/notes/SKILL.md': skillMd('notes') });
    const first = await queueSync(deps, admin);
    const second = await queueSync(deps, admin);
    expect(second.outcome).toBe('already-queued');
    expect(second.outcome === 'already-queued' && second.job.id).toBe(first.outcome === 'queued' && first.job.id);
    expect(await queued()).toHaveLength(1);

    // The waiting job fails for good: a person may still ask again at once.
    const [job] = await queued();
    await deps.db.sync.claim('w1', deps.clock.now(), new Date(deps.clock.now().getTime() + 60_000));
    await deps.db.sync.fail(job!.id, 'UnavailableError: GitHub is down', deps.clock.now(), null);
    expect((await queueSync(deps, admin)).outcome).toBe('queued');
    expect(await queued()).toHaveLength(1);
  });
});
