import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { catalogWorld, ref, skillFiles, skillMd, text, textFile } from '../testing/use-case-helpers.ts';
import { deleteItem } from './delete-item.ts';
import { publishItem } from './publish-item.ts';
import { readItemFile, readItemFiles } from './read-item-file.ts';
import { updateItem } from './update-item.ts';

const PDF = ref('skill/alice/pdf-tools');

async function withHistory() {
  const world = await catalogWorld();
  const { deps, alice } = world;
  const beforePublish = await deps.content.head();
  const v1 = await publishItem(deps, { namespace: 'alice', files: skillFiles('pdf-tools') }, alice);
  const v2 = await updateItem(
    deps,
    { ref: PDF, files: skillFiles('pdf-tools', { script: 'echo v2\n' }), ifMatch: v1.treeSha },
    alice,
  );
  await publishItem(
    deps,
    { namespace: 'alice', files: [textFile('SKILL.md', skillMd('neighbour', 'Private notes.'))], visibility: 'team' },
    alice,
  );
  return { ...world, beforePublish, v1, v2 };
}

describe('readItemFile', () => {
  it('reads a file at the current commit, and at any earlier commit of the item', async () => {
    const { deps, otto, v1 } = await withHistory();
    expect(text(await readItemFile(deps, { ref: PDF, path: 'scripts/run.sh' }, otto))).toBe('echo v2\n');
    expect(text(await readItemFile(deps, { ref: PDF, path: 'scripts/run.sh', at: v1.commitSha }, otto))).toBe(
      '#!/bin/sh\necho pdf-tools\n',
    );
  });

  it('reads an earlier commit of a deleted item, but not its current files', async () => {
    const { deps, alice, otto, v2 } = await withHistory();
    await deleteItem(deps, { ref: PDF }, alice);
    expect(text(await readItemFile(deps, { ref: PDF, path: 'scripts/run.sh', at: v2.commitSha }, otto))).toBe(
      'echo v2\n',
    );
    await expect(readItemFile(deps, { ref: PDF, path: 'scripts/run.sh' }, otto)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('answers a file that does not exist there, a folder, or an unknown commit with NotFoundError', async () => {
    const { deps, otto, beforePublish } = await withHistory();
    for (const input of [
      { ref: PDF, path: 'missing.md' },
      { ref: PDF, path: 'scripts' },
      { ref: PDF, path: 'SKILL.md', at: beforePublish },
      { ref: PDF, path: 'SKILL.md', at: '0'.repeat(40) },
    ]) {
      await expect(readItemFile(deps, input, otto)).rejects.toBeInstanceOf(NotFoundError);
    }
  });

  it("refuses a path that climbs out of the item with ValidationError at path, never reaching a neighbour's file", async () => {
    const { deps, alice } = await withHistory();
    for (const path of ['../neighbour/SKILL.md', 'scripts/../../neighbour/SKILL.md', '/etc/passwd']) {
      const error = await readItemFile(deps, { ref: PDF, path }, alice).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).problems.map((p) => p.path)).toEqual(['path']);
    }
  });

  it('refuses an `at` that is not a full commit SHA with ValidationError at at', async () => {
    const { deps, otto } = await withHistory();
    const error = await readItemFile(deps, { ref: PDF, path: 'SKILL.md', at: 'HEAD' }, otto).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((p) => p.path)).toEqual(['at']);
  });

  it('answers an item the actor may not read with NotFoundError', async () => {
    const { deps, otto } = await withHistory();
    await expect(
      readItemFile(deps, { ref: ref('skill/alice/neighbour'), path: 'SKILL.md' }, otto),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('readItemFiles', () => {
  it('returns every file of the item at its current commit, or at an earlier one', async () => {
    const { deps, otto, v1, v2 } = await withHistory();
    const now = await readItemFiles(deps, { ref: PDF }, otto);
    expect(now).toMatchObject({ name: 'pdf-tools', commitSha: v2.commitSha, treeSha: v2.treeSha });
    expect(now.files).toEqual(skillFiles('pdf-tools', { script: 'echo v2\n' }));
    const then = await readItemFiles(deps, { ref: PDF, at: v1.commitSha }, otto);
    expect(then).toMatchObject({ commitSha: v1.commitSha, treeSha: v1.treeSha });
    expect(then.files).toEqual(skillFiles('pdf-tools'));
  });

  it('answers a commit where the item did not exist, or an item the actor may not read, with NotFoundError', async () => {
    const { deps, otto, beforePublish } = await withHistory();
    await expect(readItemFiles(deps, { ref: PDF, at: beforePublish }, otto)).rejects.toBeInstanceOf(NotFoundError);
    await expect(readItemFiles(deps, { ref: ref('skill/alice/neighbour') }, otto)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('refuses an `at` that is not a full commit SHA with ValidationError', async () => {
    const { deps, otto } = await withHistory();
    await expect(readItemFiles(deps, { ref: PDF, at: 'main' }, otto)).rejects.toBeInstanceOf(ValidationError);
  });
});
