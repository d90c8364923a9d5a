import { beforeEach, describe, expect, it } from 'vitest';
import type { ContentStore } from '../../domain/content/content-store.ts';
import { StaleRevisionError } from '../../domain/errors.ts';
import type { Database } from '../../domain/repositories.ts';
import { buildUser } from '../../domain/testing/builders.ts';
import type { AtlasDeps } from '../deps.ts';
import { syncCatalog } from './sync-catalog.ts';
import { commitFiles, seedNamespaces, skillMd, syncDeps } from './testing/sync-fixtures.ts';

/** The folders sync read, by wrapping the content store: how the tests see that work follows the change. */
function countingReads(content: ContentStore): { content: ContentStore; read: string[] } {
  const read: string[] = [];
  const counting = new Proxy(content, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property !== 'readItem') return typeof value === 'function' ? value.bind(target) : value;
      return (folder: string, at?: string) => {
        read.push(folder);
        return target.readItem(folder, at);
      };
    },
  });
  return { content: counting, read };
}

/** A database on which another process advances the synced commit just before each transaction. */
function racingDatabase(db: Database): { db: Database; races: () => number } {
  let races = 0;
  const racing = new Proxy(db, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property !== 'transaction') return typeof value === 'function' ? value.bind(target) : value;
      return async (work: Parameters<Database['transaction']>[0]) => {
        const { lastSyncedSha } = await target.sync.getState();
        await target.sync.advance(lastSyncedSha, `${races++}`.padStart(40, 'e'), new Date());
        return target.transaction(work);
      };
    },
  });
  return { db: racing, races: () => races };
}

describe('syncCatalog', () => {
  let deps: AtlasDeps;
  let teamId: string;

  beforeEach(async () => {
    deps = syncDeps();
    ({ teamId } = await seedNamespaces(deps.db));
  });
  const row = (folder: string) => deps.db.items.findByGitPath(folder);

  it('reads only the folders that changed since the last synced commit', async () => {
    await commitFiles(deps.content, {
      'skills/alice/one/SKILL.md': skillMd('one'),
      'skills/alice/two/SKILL.md': skillMd('two'),
      'skills/bob/three/SKILL.md': skillMd('three'),
    });
    const first = await syncCatalog(deps);
    const untouched = await row('skills/alice/two');
    const head = await commitFiles(deps.content, { 'skills/alice/one/SKILL.md': skillMd('one', 'Changed.') });
    const counting = countingReads(deps.content);

    const result = await syncCatalog({ ...deps, content: counting.content });
    expect(result).toMatchObject({ from: first.to, to: head, changed: true, folders: 1 });
    expect(counting.read).toEqual(['skills/alice/one']);
    expect(await row('skills/alice/one')).toMatchObject({ description: 'Changed.', commitSha: head });
    expect(await row('skills/alice/two')).toEqual(untouched);
    expect((await deps.db.sync.getState()).lastSyncedSha).toBe(head);
  });

  it('does nothing when the catalog is at the head', async () => {
    const head = await commitFiles(deps.content, { 'skills/alice/one/SKILL.md': skillMd('one') });
    await syncCatalog(deps);
    expect(await syncCatalog(deps)).toMatchObject({ from: head, to: head, changed: false, folders: 0 });
  });

  it('skips a folder whose row already has that tree, as after its own publish, and only advances', async () => {
    const head = await commitFiles(deps.content, { 'skills/alice/one/SKILL.md': skillMd('one') });
    const tree = (await deps.content.listItems(head))[0]!.treeSha;
    await syncCatalog(deps);
    // Atlas's own commit: the row already records the new tree, written by the publish.
    const next = await commitFiles(deps.content, { 'skills/alice/one/SKILL.md': skillMd('one', 'Published.') });
    const published = (await deps.content.listItems(next))[0]!.treeSha;
    const before = (await row('skills/alice/one'))!;
    await deps.db.items.update({ ...before, treeSha: published, description: 'Published.' });
    expect(published).not.toBe(tree);

    const result = await syncCatalog(deps);
    expect(result).toMatchObject({ to: next, changed: true, folders: 0 });
    expect(await row('skills/alice/one')).toMatchObject({ commitSha: before.commitSha, treeSha: published });
  });

  it('keeps the row of a folder moved unchanged, handing it to the team it moved to', async () => {
    await commitFiles(deps.content, { 'skills/alice/one/SKILL.md': skillMd('one') });
    await syncCatalog(deps);
    const before = (await row('skills/alice/one'))!;
    await deps.db.items.update({ ...before, tags: ['kept'] });
    await commitFiles(deps.content, { 'skills/platform/one/SKILL.md': skillMd('one') }, ['skills/alice/one']);

    const result = await syncCatalog(deps);
    expect(result.counts).toEqual({ added: 0, updated: 0, removed: 0, moved: 1, invalid: 0 });
    expect(await row('skills/platform/one')).toMatchObject({
      id: before.id,
      namespace: 'platform',
      tags: ['kept'],
      teamId,
      ownerUserId: before.ownerUserId,
    });
    expect(await row('skills/alice/one')).toBeUndefined();
  });

  it('records an invalid folder with its problems while the rest of the change applies', async () => {
    const head = await commitFiles(deps.content, {
      'skills/alice/good/SKILL.md': skillMd('good'),
      'skills/alice/broken/SKILL.md': '---\nname: broken\n---\n',
    });
    const result = await syncCatalog(deps);
    expect(result.counts).toMatchObject({ added: 1, invalid: 1 });
    expect(await row('skills/alice/good')).toMatchObject({ status: 'active' });
    expect(await row('skills/alice/broken')).toMatchObject({
      status: 'invalid',
      problems: [{ path: 'SKILL.md#/description', message: 'is required' }],
    });
    expect((await deps.db.sync.getState()).lastSyncedSha).toBe(head);
  });

  it('compares git with the whole catalog when the synced commit is not in the history', async () => {
    await commitFiles(deps.content, { 'skills/alice/one/SKILL.md': skillMd('one') });
    await deps.db.items.insert({
      ...(await firstSyncedRow(deps, 'skills/alice/one')),
      id: '01900000-0000-7000-8000-000000000001',
      name: 'ghost',
      gitPath: 'skills/alice/ghost',
    });
    // A force push: the synced commit is one git no longer has.
    await deps.db.sync.advance(await deps.content.head(), 'f'.repeat(40), new Date());

    const result = await syncCatalog(deps);
    expect(result).toMatchObject({ from: 'f'.repeat(40), to: await deps.content.head(), changed: true });
    expect(await row('skills/alice/ghost')).toMatchObject({ status: 'deleted' });
    expect(await row('skills/alice/one')).toMatchObject({ status: 'active' });
  });

  it('rereads the invalid folders of a namespace it is asked to revisit, though git did not change', async () => {
    await commitFiles(deps.content, {
      'skills/carol/helper/SKILL.md': skillMd('helper'),
      'skills/dave/other/SKILL.md': skillMd('other'),
    });
    await syncCatalog(deps);
    await deps.db.users.insert(buildUser({ username: 'carol' }));
    await deps.db.users.insert(buildUser({ username: 'dave' }));

    const result = await syncCatalog(deps, { revisitNamespace: 'carol' });
    expect(result).toMatchObject({ changed: true, folders: 1 });
    expect(await row('skills/carol/helper')).toMatchObject({ status: 'active' });
    expect(await row('skills/dave/other')).toMatchObject({ status: 'invalid' });
  });

  it('starts over from where a concurrent sync left the catalog, and gives up after five tries', async () => {
    await commitFiles(deps.content, { 'skills/alice/one/SKILL.md': skillMd('one') });
    const racing = racingDatabase(deps.db);
    await expect(syncCatalog({ ...deps, db: racing.db })).rejects.toBeInstanceOf(StaleRevisionError);
    expect(racing.races()).toBe(5);
    expect(await row('skills/alice/one')).toBeUndefined();
  });
});

describe('syncCatalog and server names', () => {
  let deps: AtlasDeps;
  const WEATHER = 'io.github.acme/weather';
  const server = (name = WEATHER, description = 'Forecasts.') =>
    JSON.stringify({ name, description, version: '1.0.0', remotes: [{ type: 'sse', url: 'https://example.com/sse' }] });
  const row = (folder: string) => deps.db.items.findByGitPath(folder);
  const takenBy = (ref: string) => ({
    path: 'server.json#/name',
    message: `server name "${WEATHER}" is already declared by ${ref}; give this server another name, or make it a version of that item`,
  });

  beforeEach(async () => {
    deps = syncDeps();
    await seedNamespaces(deps.db);
  });

  it('gives a name two new folders declare to the first by path, recording the other as invalid, and finishes', async () => {
    const head = await commitFiles(deps.content, {
      'mcp/platform/weather/server.json': server(),
      'mcp/bob/weather/server.json': server(),
      'mcp/alice/weather/server.json': server(),
      'skills/alice/one/SKILL.md': skillMd('one'),
    });
    const result = await syncCatalog(deps);
    expect(result.counts).toEqual({ added: 2, updated: 0, removed: 0, moved: 0, invalid: 2 });
    expect(await row('mcp/alice/weather')).toMatchObject({ status: 'active', serverName: WEATHER });
    for (const folder of ['mcp/bob/weather', 'mcp/platform/weather']) {
      expect(await row(folder)).toMatchObject({
        status: 'invalid',
        serverName: null,
        problems: [takenBy('mcp/alice/weather')],
      });
    }
    expect((await deps.db.sync.getState()).lastSyncedSha).toBe(head);
  });

  it('keeps a name with the item that holds it when a folder pushed later declares it too', async () => {
    await commitFiles(deps.content, { 'mcp/bob/weather/server.json': server() });
    await syncCatalog(deps);
    const head = await commitFiles(deps.content, { 'mcp/alice/weather/server.json': server() });
    const result = await syncCatalog(deps);
    expect(result.counts).toMatchObject({ added: 0, invalid: 1 });
    expect(await row('mcp/bob/weather')).toMatchObject({ status: 'active', serverName: WEATHER });
    expect(await row('mcp/alice/weather')).toMatchObject({ status: 'invalid', problems: [takenBy('mcp/bob/weather')] });
    expect((await deps.db.sync.getState()).lastSyncedSha).toBe(head);

    // A change to the holder keeps the name with it; the invalid folder fixed by hand becomes an item.
    await commitFiles(deps.content, {
      'mcp/bob/weather/server.json': server(WEATHER, 'Better forecasts.'),
      'mcp/alice/weather/server.json': server('io.github.alice/weather'),
    });
    await syncCatalog(deps);
    expect(await row('mcp/bob/weather')).toMatchObject({ status: 'active', description: 'Better forecasts.' });
    expect(await row('mcp/alice/weather')).toMatchObject({ status: 'active', serverName: 'io.github.alice/weather' });
  });

  it('lets a folder take a name its holder gives up in the same push, by deleting or renaming it', async () => {
    await commitFiles(deps.content, {
      'mcp/bob/weather/server.json': server(),
      'mcp/bob/radar/server.json': server('io.github.acme/radar'),
    });
    await syncCatalog(deps);
    await commitFiles(
      deps.content,
      {
        // Other content than the deleted folder's, so that it is not taken for that folder moved.
        'mcp/alice/weather/server.json': server(WEATHER, 'Forecasts, now by alice.'),
        'mcp/alice/radar/server.json': server('io.github.acme/radar'),
        'mcp/bob/radar/server.json': server('io.github.bob/radar'),
      },
      ['mcp/bob/weather'],
    );
    const result = await syncCatalog(deps);
    expect(result.counts).toMatchObject({ added: 2, updated: 1, removed: 1, invalid: 0 });
    expect(await row('mcp/bob/weather')).toMatchObject({ status: 'deleted' });
    expect(await row('mcp/alice/weather')).toMatchObject({ status: 'active', serverName: WEATHER });
    expect(await row('mcp/alice/radar')).toMatchObject({ status: 'active', serverName: 'io.github.acme/radar' });
    expect(await row('mcp/bob/radar')).toMatchObject({ status: 'active', serverName: 'io.github.bob/radar' });
  });
});

async function firstSyncedRow(deps: AtlasDeps, folder: string) {
  await syncCatalog(deps);
  return (await deps.db.items.findByGitPath(folder))!;
}
