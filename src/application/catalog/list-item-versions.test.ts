import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import {
  catalogWorld,
  commitByHand,
  markSynced,
  ref,
  skillFiles,
  skillMd,
  text,
  textFile,
  toolFiles,
  toolJson,
} from '../testing/use-case-helpers.ts';
import { deleteItem } from './delete-item.ts';
import { getItemVersion, listItemVersions } from './list-item-versions.ts';
import { patchItem } from './patch-item.ts';
import { publishItem } from './publish-item.ts';
import { readItemFile, readItemFiles } from './read-item-file.ts';
import { updateItem } from './update-item.ts';

const PDF = ref('skill/alice/pdf-tools');

async function withHistory() {
  const world = await catalogWorld();
  const { deps, alice, mark } = world;
  const beforePublish = await deps.content.head();
  const v1 = await publishItem(
    deps,
    { namespace: 'alice', files: skillFiles('pdf-tools', { version: '1.0.0' }) },
    alice,
  );
  const v2 = await updateItem(
    deps,
    { ref: PDF, files: skillFiles('pdf-tools', { version: '1.1.0', script: 'echo v2\n' }), ifMatch: v1.treeSha },
    alice,
  );
  return { ...world, beforePublish, v1, v2, mark };
}

describe('listItemVersions', () => {
  it('lists the commits that changed the item, newest first, each with the version it declared', async () => {
    const { deps, otto, v1, v2 } = await withHistory();
    const page = await listItemVersions(deps, { ref: PDF, limit: 10 }, otto);
    expect(page.items.map((e) => [e.commitSha, e.treeSha, e.version])).toEqual([
      [v2.commitSha, v2.treeSha, '1.1.0'],
      [v1.commitSha, v1.treeSha, '1.0.0'],
    ]);
    expect(page.items[0]).toMatchObject({
      message: expect.stringMatching(/^Update skill\/alice\/pdf-tools/),
      author: { name: 'alice', email: 'alice@example.com' },
      date: expect.any(Date),
    });
    expect(page.nextCursor).toBeUndefined();
  });

  it('reads the version from git for commits the catalog never recorded, and none from a manifest that does not parse', async () => {
    const { deps, otto, v2 } = await withHistory();
    const byHand = await commitByHand(
      deps.content,
      'skills/alice/pdf-tools',
      skillFiles('pdf-tools', { version: '2.0.0', script: 'echo hand\n' }),
    );
    const broken = await commitByHand(deps.content, 'skills/alice/pdf-tools', [textFile('SKILL.md', 'no frontmatter')]);
    const page = await listItemVersions(deps, { ref: PDF, limit: 10 }, otto);
    expect(page.items.map((e) => [e.commitSha, e.version])).toEqual([
      [broken, null],
      [byHand, '2.0.0'],
      [v2.commitSha, '1.1.0'],
      [expect.any(String), '1.0.0'],
    ]);
  });

  it('keeps the history of a deleted item, its delete first without a tree or version', async () => {
    const { deps, alice, otto, v2 } = await withHistory();
    const deleted = await deleteItem(deps, { ref: PDF }, alice);
    const page = await listItemVersions(deps, { ref: PDF, limit: 10 }, otto);
    expect(page.items.map((e) => [e.commitSha, e.treeSha, e.version])).toEqual([
      [deleted.commitSha, null, null],
      [v2.commitSha, v2.treeSha, '1.1.0'],
      [expect.any(String), expect.any(String), '1.0.0'],
    ]);
  });

  it('pages through the history with the cursor it issues', async () => {
    const { deps, otto, v1, v2 } = await withHistory();
    const first = await listItemVersions(deps, { ref: PDF, limit: 1 }, otto);
    expect(first.items.map((e) => e.commitSha)).toEqual([v2.commitSha]);
    expect(first.nextCursor).toBeDefined();
    const second = await listItemVersions(deps, { ref: PDF, limit: 1, cursor: first.nextCursor }, otto);
    expect(second.items.map((e) => e.commitSha)).toEqual([v1.commitSha]);
    expect(second.nextCursor).toBeUndefined();
  });

  it('refuses a cursor it did not issue with ValidationError at cursor', async () => {
    const { deps, otto } = await withHistory();
    const error = await listItemVersions(deps, { ref: PDF, limit: 10, cursor: 'page-2' }, otto).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((p) => p.path)).toEqual(['cursor']);
  });

  it('answers an item the actor may not read, or a missing one, with NotFoundError', async () => {
    const { deps, mia, otto } = await withHistory();
    await publishItem(deps, { namespace: 'platform', files: skillFiles('secret'), visibility: 'team' }, mia);
    await expect(listItemVersions(deps, { ref: ref('skill/platform/secret'), limit: 10 }, otto)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(listItemVersions(deps, { ref: ref('skill/alice/missing'), limit: 10 }, otto)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe('getItemVersion', () => {
  it('returns the manifest, version and files of the item at one commit', async () => {
    const { deps, otto, v1 } = await withHistory();
    const at = await getItemVersion(deps, { ref: PDF, commitSha: v1.commitSha }, otto);
    expect(at).toMatchObject({ commitSha: v1.commitSha, treeSha: v1.treeSha, version: '1.0.0' });
    expect(at.manifest).toMatchObject({ name: 'pdf-tools', metadata: { version: '1.0.0' } });
    expect(at.files.map((f) => f.path)).toEqual(['SKILL.md', 'scripts/run.sh']);
  });

  it('reads an old version of a deleted item', async () => {
    const { deps, alice, otto, v2 } = await withHistory();
    await deleteItem(deps, { ref: PDF }, alice);
    expect((await getItemVersion(deps, { ref: PDF, commitSha: v2.commitSha }, otto)).version).toBe('1.1.0');
  });

  it('lists the files of a commit whose manifest does not parse, without a manifest', async () => {
    const { deps, otto } = await withHistory();
    const broken = await commitByHand(deps.content, 'skills/alice/pdf-tools', [
      textFile('SKILL.md', skillMd('Bad_Name')),
    ]);
    const at = await getItemVersion(deps, { ref: PDF, commitSha: broken }, otto);
    expect(at).toMatchObject({ manifest: null, version: null });
    expect(at.files.map((f) => f.path)).toEqual(['SKILL.md']);
  });

  it('refuses a commit that is not a full SHA with ValidationError at commit', async () => {
    const { deps, otto, v1 } = await withHistory();
    const error = await getItemVersion(deps, { ref: PDF, commitSha: v1.commitSha.slice(0, 12) }, otto).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((p) => p.path)).toEqual(['commit']);
  });

  it('answers a commit where the item did not exist, or an unknown commit, with NotFoundError', async () => {
    const { deps, otto, beforePublish } = await withHistory();
    await expect(getItemVersion(deps, { ref: PDF, commitSha: beforePublish }, otto)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(getItemVersion(deps, { ref: PDF, commitSha: '0'.repeat(40) }, otto)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('answers an item the actor may not read with NotFoundError, whatever the commit', async () => {
    const { deps, mia, otto } = await withHistory();
    const secret = await publishItem(
      deps,
      { namespace: 'platform', files: skillFiles('secret'), visibility: 'team' },
      mia,
    );
    await expect(
      getItemVersion(deps, { ref: ref('skill/platform/secret'), commitSha: secret.commitSha }, otto),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('history of a reused name or a widened item', () => {
  const DIARY = ref('skill/alice/diary');
  const secretFiles = () => skillFiles('diary', { description: 'Only alice may read this.', version: '1.0.0' });
  const openFiles = () => skillFiles('diary', { description: 'For everyone.', version: '2.0.0' });

  /** alice's team-only diary, deleted, and its name published again for the whole org. */
  async function reused() {
    const world = await catalogWorld();
    const { deps, alice, clock } = world;
    const old = await publishItem(deps, { namespace: 'alice', files: secretFiles(), visibility: 'team' }, alice);
    clock.advance(1000);
    const deleted = await deleteItem(deps, { ref: DIARY }, alice);
    clock.advance(1000);
    const fresh = await publishItem(deps, { namespace: 'alice', files: openFiles(), visibility: 'org' }, alice);
    clock.advance(1000);
    return { ...world, old, deleted, fresh };
  }

  it('cuts the history of a name published again at the reuse, for every reader', async () => {
    const { deps, alice, otto, admin, fresh } = await reused();
    for (const actor of [otto, alice, admin]) {
      const page = await listItemVersions(deps, { ref: DIARY, limit: 10 }, actor);
      expect(page.items.map((e) => [e.commitSha, e.version])).toEqual([[fresh.commitSha, '2.0.0']]);
      expect(page.nextCursor).toBeUndefined();
    }
    const byPage = await listItemVersions(deps, { ref: DIARY, limit: 1 }, otto);
    expect(byPage).toEqual({ items: [expect.objectContaining({ commitSha: fresh.commitSha })] });
  });

  it('answers the earlier item’s commits with NotFoundError on every read, and ignores a cursor into them', async () => {
    const { deps, alice, otto, old, deleted } = await reused();
    for (const actor of [otto, alice]) {
      for (const commitSha of [old.commitSha, deleted.commitSha]) {
        await expect(getItemVersion(deps, { ref: DIARY, commitSha }, actor)).rejects.toBeInstanceOf(NotFoundError);
        await expect(readItemFile(deps, { ref: DIARY, path: 'SKILL.md', at: commitSha }, actor)).rejects.toBeInstanceOf(
          NotFoundError,
        );
        await expect(readItemFiles(deps, { ref: DIARY, at: commitSha }, actor)).rejects.toBeInstanceOf(NotFoundError);
      }
    }
    expect(await listItemVersions(deps, { ref: DIARY, limit: 10, cursor: old.commitSha }, otto)).toEqual({
      items: [],
    });
  });

  it('keeps what the new item wrote, deletes and commits by hand included, readable', async () => {
    const { deps, alice, otto, fresh } = await reused();
    const byHand = await commitByHand(deps.content, 'skills/alice/diary', [
      ...openFiles(),
      textFile('NOTES.md', 'by hand\n'),
    ]);
    await markSynced(deps);
    const gone = await deleteItem(deps, { ref: DIARY }, alice);
    const page = await listItemVersions(deps, { ref: DIARY, limit: 10 }, otto);
    expect(page.items.map((e) => e.commitSha)).toEqual([gone.commitSha, byHand, fresh.commitSha]);
    expect(text(await readItemFile(deps, { ref: DIARY, path: 'NOTES.md', at: byHand }, otto))).toBe('by hand\n');
    expect((await getItemVersion(deps, { ref: DIARY, commitSha: fresh.commitSha }, otto)).version).toBe('2.0.0');
  });

  it('shows versions written while an item was team-only only to those who could read them then', async () => {
    const { deps, alice, otto, mark, clock } = await catalogWorld();
    const v1 = await publishItem(deps, { namespace: 'alice', files: secretFiles(), visibility: 'team' }, alice);
    const v2 = await updateItem(
      deps,
      { ref: DIARY, files: skillFiles('diary', { version: '1.1.0' }), ifMatch: v1.treeSha },
      alice,
    );
    clock.advance(1000);
    await patchItem(deps, { ref: DIARY, visibility: 'org' }, alice);
    const v3 = await updateItem(deps, { ref: DIARY, files: openFiles(), ifMatch: v2.treeSha }, alice);

    const seen = async (actor: typeof otto) =>
      (await listItemVersions(deps, { ref: DIARY, limit: 10 }, actor)).items.map((e) => e.commitSha);
    expect(await seen(alice)).toEqual([v3.commitSha, v2.commitSha, v1.commitSha]);
    expect(await seen(otto)).toEqual([v3.commitSha]);
    expect(await seen(mark)).toEqual([v3.commitSha]);
    const paged = await listItemVersions(deps, { ref: DIARY, limit: 1 }, otto);
    expect(paged.items.map((e) => e.commitSha)).toEqual([v3.commitSha]);
    for (const old of [v1.commitSha, v2.commitSha]) {
      await expect(getItemVersion(deps, { ref: DIARY, commitSha: old }, otto)).rejects.toBeInstanceOf(NotFoundError);
      await expect(readItemFile(deps, { ref: DIARY, path: 'SKILL.md', at: old }, otto)).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(readItemFiles(deps, { ref: DIARY, at: old }, otto)).rejects.toBeInstanceOf(NotFoundError);
      expect((await getItemVersion(deps, { ref: DIARY, commitSha: old }, alice)).commitSha).toBe(old);
    }
    // A commit elsewhere in the repository shows the folder as the last version before it left it.
    const elsewhere = await commitByHand(deps.content, 'skills/otto/other', skillFiles('other'));
    expect((await readItemFiles(deps, { ref: DIARY, at: elsewhere }, otto)).treeSha).toBe(v3.treeSha);
  });

  it('follows the version an unrecorded commit came after: a commit elsewhere never reopens a team-only one', async () => {
    const { deps, alice, otto } = await catalogWorld();
    const v1 = await publishItem(deps, { namespace: 'alice', files: secretFiles(), visibility: 'team' }, alice);
    const elsewhere = await commitByHand(deps.content, 'skills/otto/other', skillFiles('other'));
    await markSynced(deps);
    await patchItem(deps, { ref: DIARY, visibility: 'org' }, alice);
    await updateItem(deps, { ref: DIARY, files: openFiles(), ifMatch: v1.treeSha }, alice);
    await expect(readItemFiles(deps, { ref: DIARY, at: elsewhere }, otto)).rejects.toBeInstanceOf(NotFoundError);
    expect((await readItemFiles(deps, { ref: DIARY, at: elsewhere }, alice)).treeSha).toBe(v1.treeSha);
  });
});

describe('manifests of older versions', () => {
  it('returns the manifest recorded with a version rather than parsing git again', async () => {
    const { deps, otto, clock } = await withHistory();
    const byHand = await commitByHand(
      deps.content,
      'skills/alice/pdf-tools',
      skillFiles('pdf-tools', { version: '2.0.0', script: 'echo hand\n' }),
    );
    const item = await deps.db.items.findByRef(PDF);
    const listing = await deps.content.listItemFiles('skills/alice/pdf-tools', byHand);
    const manifest = { name: 'pdf-tools', description: 'As sync recorded it.', metadata: { version: '2.0.0' } };
    await deps.db.items.recordVersion({
      id: newId(),
      itemId: item?.id ?? '',
      commitSha: byHand,
      treeSha: listing?.treeSha ?? '',
      version: '2.0.0',
      publishedBy: null,
      manifest,
      access: null,
      createdAt: clock.now(),
    });
    const at = await getItemVersion(deps, { ref: PDF, commitSha: byHand }, otto);
    expect(at).toMatchObject({ version: '2.0.0', manifest });
  });

  it('reads a tool.json committed by hand without compiling its input schema', async () => {
    const { deps, alice, otto } = await catalogWorld();
    await publishItem(deps, { namespace: 'alice', files: toolFiles() }, alice);
    // A $ref that resolves nowhere: a schema compiler refuses it, so this read must not need one.
    const schema = { type: 'object', properties: { city: { $ref: '#/$defs/missing' } } };
    const byHand = await commitByHand(
      deps.content,
      'tools/alice/get-forecast',
      toolFiles(toolJson({ version: '3.0.0', input_schema: schema })),
    );
    const at = await getItemVersion(deps, { ref: ref('tool/alice/get-forecast'), commitSha: byHand }, otto);
    expect(at).toMatchObject({ version: '3.0.0', manifest: { name: 'get-forecast', input_schema: schema } });
    const page = await listItemVersions(deps, { ref: ref('tool/alice/get-forecast'), limit: 10 }, otto);
    expect(page.items[0]).toMatchObject({ commitSha: byHand, version: '3.0.0' });
  });
});
