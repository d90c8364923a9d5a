import { beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../domain/accounts/actor.ts';
import { anonymous } from '../../domain/accounts/actor.ts';
import { ForbiddenError, UnauthenticatedError } from '../../domain/errors.ts';
import { buildItem } from '../../domain/testing/builders.ts';
import type { AtlasDeps } from '../deps.ts';
import { getSyncStatus } from './get-sync-status.ts';
import { newSyncJob } from './run-sync-job.ts';
import { runVerify } from './run-verify.ts';
import { syncCatalog } from './sync-catalog.ts';
import { actorOf, commitFiles, type ManualClock, seedNamespaces, skillMd, syncDeps } from './testing/sync-fixtures.ts';

describe('getSyncStatus', () => {
  let deps: AtlasDeps & { clock: ManualClock };
  let admin: Actor;
  let bob: Actor;

  beforeEach(async () => {
    deps = syncDeps();
    const seeded = await seedNamespaces(deps.db);
    admin = seeded.admin;
    bob = actorOf(seeded.bob);
  });

  it('shows only administrators where sync stands', async () => {
    await expect(getSyncStatus(deps, anonymous())).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(getSyncStatus(deps, bob)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(runVerify(deps, {}, bob)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await deps.db.sync.getState()).lastVerifiedAt).toBeNull();
  });

  it('counts the lag from the last sync while behind, and none once caught up', async () => {
    await commitFiles(deps.content, { 'skills/alice/one/SKILL.md': skillMd('one') });
    await syncCatalog(deps);
    const synced = await getSyncStatus(deps, admin);
    expect(synced).toMatchObject({ behind: false, lagSeconds: 0, lastSyncedSha: synced.head });

    const head = await commitFiles(deps.content, { 'skills/alice/two/SKILL.md': skillMd('two') });
    deps.clock.advance(90_000);
    expect(await getSyncStatus(deps, admin)).toMatchObject({ head, behind: true, lagSeconds: 90 });
  });

  it('shows the queue, the failed jobs with their errors, the invalid items and the last verify', async () => {
    await commitFiles(deps.content, { 'skills/alice/broken/SKILL.md': '---\nname: broken\n---\n' });
    await syncCatalog(deps);
    const failed = newSyncJob({ kind: 'namespace', namespace: 'carol' }, deps.clock.now(), {}, 1);
    await deps.db.sync.enqueue(failed);
    await deps.db.sync.claim('w1', deps.clock.now(), new Date(deps.clock.now().getTime() + 60_000));
    await deps.db.sync.fail(failed.id, 'UnavailableError: GitHub is down', deps.clock.now(), null);
    await deps.db.sync.enqueue(newSyncJob({ kind: 'poll' }, deps.clock.now()));
    await runVerify(deps, {}, admin);

    const status = await getSyncStatus(deps, admin);
    expect(status.queue).toEqual({ queued: 1, running: 0, failed: 1 });
    expect(status.failedJobs).toEqual([
      expect.objectContaining({
        id: failed.id,
        reason: { kind: 'namespace', namespace: 'carol' },
        lastError: 'UnavailableError: GitHub is down',
      }),
    ]);
    expect(status.invalidItems.map((item) => item.gitPath)).toEqual(['skills/alice/broken']);
    expect(status.lastVerify).toEqual({
      at: deps.clock.now(),
      report: expect.objectContaining({ driftCount: 0 }),
    });
  });
});

describe('runVerify', () => {
  it('lets an administrator repair drift', async () => {
    const deps = syncDeps();
    const { admin, alice } = await seedNamespaces(deps.db);
    await deps.db.items.insert(buildItem('skill/alice/ghost', { ownerUserId: alice.id }));
    const report = await runVerify(deps, { repair: true }, admin);
    expect(report).toMatchObject({ driftCount: 1, repaired: { removed: 1 } });
    expect(await deps.db.items.findByGitPath('skills/alice/ghost')).toMatchObject({ status: 'deleted' });
  });
});
