import { beforeEach, describe, expect, it } from 'vitest';
import type { User } from '../../domain/accounts/user.ts';
import { DEFAULT_CONTENT_LIMITS } from '../../domain/content/content-limits.ts';
import type { AtlasDeps } from '../deps.ts';
import { applyFolderState, emptyCounts, type FolderState, readFolderState } from './reconcile-folder.ts';
import { commitFiles, seedNamespaces, skillMd, syncDeps } from './testing/sync-fixtures.ts';

describe('readFolderState', () => {
  let deps: AtlasDeps;
  let head: string;

  beforeEach(async () => {
    deps = { ...syncDeps(), limits: { ...DEFAULT_CONTENT_LIMITS, maxFileBytes: 1024 * 1024 } };
    await seedNamespaces(deps.db);
    head = await commitFiles(deps.content, {
      'skills/alice/good/SKILL.md': skillMd('good'),
      'skills/alice/broken/SKILL.md': '---\nname: broken\n---\n',
      'skills/alice/Bad.Name/SKILL.md': skillMd('bad-name'),
      'skills/nobody/helper/SKILL.md': skillMd('helper'),
      'skills/alice/big/SKILL.md': skillMd('big'),
      'skills/alice/big/data.bin': new Uint8Array(1.5 * 1024 * 1024),
    });
  });
  const problemsOf = async (folder: string) => {
    const state = await readFolderState(deps, folder, head);
    return state.present ? state.problems.map((p) => `${p.path}: ${p.message}`) : undefined;
  };

  it('reads a valid folder as the fields of an item, with its tree', async () => {
    const state = await readFolderState(deps, 'skills/alice/good', head);
    const [tree] = (await deps.content.listItems(head)).filter((t) => t.folder === 'skills/alice/good');
    expect(state).toMatchObject({ present: true, treeSha: tree?.treeSha, problems: [] });
    expect(state.present && state.fields).toMatchObject({ description: 'The good skill.' });
  });

  it('reads a folder git does not hold as absent', async () => {
    expect(await readFolderState(deps, 'skills/alice/missing', head)).toEqual({
      folder: 'skills/alice/missing',
      present: false,
    });
  });

  it('keeps what is wrong with a folder as problems, never throwing, and gives no fields', async () => {
    expect(await problemsOf('skills/alice/broken')).toEqual(['SKILL.md#/description: is required']);
    expect(await problemsOf('skills/alice/Bad.Name')).toContainEqual(
      expect.stringMatching(/is not a valid item folder/),
    );
    expect(await problemsOf('skills/nobody/helper')).toEqual([
      expect.stringMatching(/no user or team is named "nobody"; create it, then sync again/),
    ]);
    expect(await problemsOf('skills/alice/big')).toEqual([
      expect.stringMatching(/^data\.bin: is 1\.5 MB; the limit is 1 MB a file$/),
    ]);
    const broken = await readFolderState(deps, 'skills/alice/broken', head);
    expect(broken.present && broken.fields).toBeUndefined();
  });
});

describe('applyFolderState', () => {
  let deps: AtlasDeps;
  let alice: User;
  let teamId: string;
  const commit = 'c'.repeat(40);
  const now = new Date(Date.UTC(2030, 0, 2));

  beforeEach(async () => {
    deps = syncDeps();
    ({ alice, teamId } = await seedNamespaces(deps.db));
  });
  const stateOf = async (files: Record<string, string>, folder: string): Promise<FolderState> =>
    readFolderState(deps, folder, await commitFiles(deps.content, files));
  const apply = async (state: FolderState, counts = emptyCounts()) => {
    await applyFolderState(deps.db, state, commit, now, counts);
    return counts;
  };
  const row = (folder: string) => deps.db.items.findByGitPath(folder);

  it('records a new folder as an item owned by its namespace, visible to the org, with a version', async () => {
    const counts = await apply(await stateOf({ 'skills/alice/one/SKILL.md': skillMd('one') }, 'skills/alice/one'));
    expect(counts).toMatchObject({ added: 1 });
    const item = await row('skills/alice/one');
    expect(item).toMatchObject({ ownerUserId: alice.id, teamId: null, visibility: 'org', status: 'active' });
    expect(item).toMatchObject({ commitSha: commit, createdAt: now });
    expect((await deps.db.items.listVersions(item!.id)).map((v) => v.commitSha)).toEqual([commit]);

    await apply(await stateOf({ 'mcp/platform/vault/server.json': VAULT }, 'mcp/platform/vault'));
    expect(await row('mcp/platform/vault')).toMatchObject({ teamId, ownerUserId: null });
  });

  it('lets the git-owned fields follow a change while tags, visibility and owner stay', async () => {
    await apply(await stateOf({ 'skills/alice/one/SKILL.md': skillMd('one') }, 'skills/alice/one'));
    const before = (await row('skills/alice/one'))!;
    await deps.db.items.update({ ...before, tags: ['kept'], visibility: 'team' });
    const counts = await apply(
      await stateOf({ 'skills/alice/one/SKILL.md': skillMd('one', 'Changed.') }, 'skills/alice/one'),
    );
    expect(counts).toMatchObject({ updated: 1, added: 0 });
    expect(await row('skills/alice/one')).toMatchObject({
      id: before.id,
      description: 'Changed.',
      tags: ['kept'],
      visibility: 'team',
      ownerUserId: alice.id,
    });
  });

  it('marks an item deleted when its folder is gone from git, keeping the row, once', async () => {
    await apply(await stateOf({ 'skills/alice/one/SKILL.md': skillMd('one') }, 'skills/alice/one'));
    const gone: FolderState = { folder: 'skills/alice/one', present: false };
    expect(await apply(gone)).toMatchObject({ removed: 1 });
    expect(await row('skills/alice/one')).toMatchObject({ status: 'deleted', commitSha: commit });
    expect(await apply(gone)).toMatchObject({ removed: 0 });
    expect(await apply({ folder: 'skills/alice/never', present: false })).toMatchObject({ removed: 0 });
  });

  it('cuts the history of a deleted item whose folder comes back: it is a new item', async () => {
    await apply(await stateOf({ 'skills/alice/one/SKILL.md': skillMd('one') }, 'skills/alice/one'));
    expect((await row('skills/alice/one'))?.historySince).toBeNull();
    await apply({ folder: 'skills/alice/one', present: false });
    await apply(await stateOf({ 'skills/alice/one/SKILL.md': skillMd('one', 'Another skill.') }, 'skills/alice/one'));
    const back = (await row('skills/alice/one'))!;
    expect(back.status).toBe('active');
    expect(back.historySince).toBeInstanceOf(Date);
  });

  it('records an invalid folder as invalid with its problems and no version, and revives it once fixed', async () => {
    const broken = await stateOf({ 'skills/alice/one/SKILL.md': '---\nname: one\n---\n' }, 'skills/alice/one');
    expect(await apply(broken)).toMatchObject({ invalid: 1, added: 0 });
    const invalid = (await row('skills/alice/one'))!;
    expect(invalid).toMatchObject({ status: 'invalid', statusMessage: 'invalid in git' });
    expect(invalid.problems).toEqual([{ path: 'SKILL.md#/description', message: 'is required' }]);
    expect(await deps.db.items.listVersions(invalid.id)).toEqual([]);

    await apply(await stateOf({ 'skills/alice/one/SKILL.md': skillMd('one') }, 'skills/alice/one'));
    expect(await row('skills/alice/one')).toMatchObject({
      id: invalid.id,
      status: 'active',
      problems: [],
      statusMessage: null,
    });
  });
});

const VAULT = JSON.stringify({
  name: 'io.github.acme/vault',
  description: 'Reads secrets from the vault.',
  version: '1.0.0',
  remotes: [{ type: 'streamable-http', url: 'https://vault.example.com/mcp' }],
});
