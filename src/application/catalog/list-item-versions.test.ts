import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { catalogWorld, commitByHand, ref, skillFiles, skillMd, textFile } from '../testing/use-case-helpers.ts';
import { deleteItem } from './delete-item.ts';
import { getItemVersion, listItemVersions } from './list-item-versions.ts';
import { publishItem } from './publish-item.ts';
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
