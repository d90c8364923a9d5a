import { beforeEach, describe, expect, it } from 'vitest';
import { buildItem, buildUser } from '../../domain/testing/builders.ts';
import type { AtlasDeps } from '../deps.ts';
import { syncCatalog } from './sync-catalog.ts';
import { commitFiles, type ManualClock, seedNamespaces, skillMd, syncDeps } from './testing/sync-fixtures.ts';
import { verifyCatalog } from './verify-catalog.ts';

describe('verifyCatalog', () => {
  let deps: AtlasDeps & { clock: ManualClock };
  let head: string;

  beforeEach(async () => {
    deps = syncDeps();
    await seedNamespaces(deps.db);
    head = await commitFiles(deps.content, {
      'skills/alice/one/SKILL.md': skillMd('one'),
      'skills/alice/two/SKILL.md': skillMd('two'),
    });
    await syncCatalog(deps);
  });
  const row = (folder: string) => deps.db.items.findByGitPath(folder);

  /** Drift of each kind, made behind sync's back. */
  const drift = async () => {
    const one = (await row('skills/alice/one'))!;
    await deps.db.items.update({ ...one, status: 'deleted' });
    const two = (await row('skills/alice/two'))!;
    await deps.db.items.update({ ...two, treeSha: 'f'.repeat(40), tags: ['kept'] });
    await deps.db.items.insert(buildItem('skill/alice/ghost'));
    return { one, two };
  };

  it('finds no drift after a sync, and records its report with the time it ran', async () => {
    const report = await verifyCatalog(deps);
    expect(report).toEqual({
      head,
      checkedAt: deps.clock.now().toISOString(),
      folders: 2,
      items: 2,
      drift: { gitOnly: [], dbOnly: [], stale: [] },
      driftCount: 0,
    });
    expect(await deps.db.sync.getState()).toMatchObject({
      lastVerifiedAt: deps.clock.now(),
      lastVerifyReport: { driftCount: 0, head },
    });
  });

  it('reports each kind of drift by folder and changes nothing', async () => {
    await drift();
    const before = await deps.db.items.listPointers();
    const report = await verifyCatalog(deps);
    expect(report.drift).toEqual({
      gitOnly: ['skills/alice/one'],
      dbOnly: ['skills/alice/ghost'],
      stale: ['skills/alice/two'],
    });
    expect(report.driftCount).toBe(3);
    expect(report.repaired).toBeUndefined();
    expect(await deps.db.items.listPointers()).toEqual(before);
  });

  it('repairs the drift it finds as sync would, keeping what the database owns, and marks the head synced', async () => {
    const { one, two } = await drift();
    await commitFiles(deps.content, { 'skills/bob/three/SKILL.md': skillMd('three') });
    const report = await verifyCatalog(deps, { repair: true });
    expect(report.repaired).toEqual({ added: 1, updated: 2, removed: 1, moved: 0, invalid: 0 });
    expect(await row('skills/alice/one')).toMatchObject({ id: one.id, status: 'active' });
    expect(await row('skills/alice/two')).toMatchObject({ id: two.id, treeSha: two.treeSha, tags: ['kept'] });
    expect(await row('skills/alice/ghost')).toMatchObject({ status: 'deleted' });
    expect(await row('skills/bob/three')).toMatchObject({ status: 'active' });
    expect((await deps.db.sync.getState()).lastSyncedSha).toBe(await deps.content.head());
    expect((await verifyCatalog(deps)).driftCount).toBe(0);
  });

  it('rereads invalid items when it repairs, since what made them invalid may be fixed', async () => {
    await commitFiles(deps.content, { 'skills/carol/helper/SKILL.md': skillMd('helper') });
    await syncCatalog(deps);
    await deps.db.users.insert(buildUser({ username: 'carol' }));
    expect((await verifyCatalog(deps)).driftCount).toBe(0);
    expect(await row('skills/carol/helper')).toMatchObject({ status: 'invalid' });

    await verifyCatalog(deps, { repair: true });
    expect(await row('skills/carol/helper')).toMatchObject({ status: 'active', problems: [] });
  });
  it("keeps what the database owns of a folder moved behind sync's back, as sync does", async () => {
    const teamId = (await deps.db.teams.findBySlug('platform'))!.id;
    const before = (await row('skills/alice/one'))!;
    await deps.db.items.update({ ...before, tags: ['kept'], usageCount: 7, visibility: 'team' });
    await commitFiles(deps.content, { 'skills/platform/one/SKILL.md': skillMd('one') }, ['skills/alice/one']);

    const report = await verifyCatalog(deps, { repair: true });
    expect(report.drift).toEqual({ gitOnly: ['skills/platform/one'], dbOnly: ['skills/alice/one'], stale: [] });
    expect(report.repaired).toEqual({ added: 0, updated: 0, removed: 0, moved: 1, invalid: 0 });
    expect(await row('skills/platform/one')).toMatchObject({
      id: before.id,
      namespace: 'platform',
      tags: ['kept'],
      usageCount: 7,
      visibility: 'team',
      teamId,
      ownerUserId: before.ownerUserId,
      status: 'active',
    });
    expect(await row('skills/alice/one')).toBeUndefined();
    expect((await verifyCatalog(deps)).driftCount).toBe(0);
  });

  it("repairs in sync's order, so a folder takes a server name its holder gave up behind sync's back", async () => {
    const server = (name: string) =>
      JSON.stringify({
        name,
        description: 'Forecasts.',
        version: '1.0.0',
        remotes: [{ type: 'sse', url: 'https://example.com/sse' }],
      });
    await commitFiles(deps.content, { 'mcp/bob/weather/server.json': server('io.github.acme/weather') });
    await syncCatalog(deps);
    // Pushed by hand and never synced: bob's server takes another name, and alice's the one it gave up.
    await commitFiles(deps.content, {
      'mcp/bob/weather/server.json': server('io.github.bob/weather'),
      'mcp/alice/weather/server.json': server('io.github.acme/weather'),
    });
    const report = await verifyCatalog(deps, { repair: true });
    expect(report.repaired).toMatchObject({ added: 1, updated: 1, invalid: 0 });
    expect(await row('mcp/bob/weather')).toMatchObject({ status: 'active', serverName: 'io.github.bob/weather' });
    expect(await row('mcp/alice/weather')).toMatchObject({ status: 'active', serverName: 'io.github.acme/weather' });
  });
});
