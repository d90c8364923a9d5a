import { beforeEach, describe, expect, it } from 'vitest';
import { StaleRevisionError } from '../errors.ts';
import type { GeneratedBranch, GeneratedObject } from './generated-branch.ts';
import { blobId, encodeTree, FILE_MODE, type GitTreeEntry, gitObjectId, TREE_MODE } from './tree-id.ts';

/** A tree of `files` (path → text, at most one folder deep), with every object it is made of, children first. */
export function generatedTree(files: Record<string, string>): { tree: string; objects: GeneratedObject[] } {
  const objects: GeneratedObject[] = [];
  const folders = new Map<string, GitTreeEntry[]>();
  const root: GitTreeEntry[] = [];
  for (const [path, text] of Object.entries(files)) {
    const content = Buffer.from(text);
    const sha = blobId(content);
    objects.push({ type: 'blob', sha, content });
    const [first, rest] = path.split(/\/(.*)/s);
    if (rest === undefined) root.push({ name: first!, mode: FILE_MODE, sha });
    else folders.set(first!, [...(folders.get(first!) ?? []), { name: rest, mode: FILE_MODE, sha }]);
  }
  for (const [name, entries] of folders) {
    const sha = gitObjectId('tree', encodeTree(entries));
    objects.push({ type: 'tree', sha, entries });
    root.push({ name, mode: TREE_MODE, sha });
  }
  const tree = gitObjectId('tree', encodeTree(root));
  objects.push({ type: 'tree', sha: tree, entries: root });
  return { tree, objects };
}

/** The contract every GeneratedBranch runs: `open()` gives a branch that does not exist yet. */
export function generatedBranchContract(name: string, open: () => Promise<GeneratedBranch>) {
  describe(`GeneratedBranch contract: ${name}`, () => {
    let branch: GeneratedBranch;
    beforeEach(async () => {
      branch = await open();
    });

    it('has no head before its first commit', async () => {
      expect(await branch.head()).toBeUndefined();
    });

    it('creates the branch with a root commit of the tree, then commits on top of it', async () => {
      const first = generatedTree({ 'index.json': '{"a":1}\n', 'plugins/a.json': '{}\n' });
      const one = await branch.commit({ ...first, message: 'first', expectedHead: undefined });
      expect(await branch.head()).toEqual({ commitSha: one, treeSha: first.tree });
      const second = generatedTree({ 'index.json': '{"a":2}\n', 'plugins/a.json': '{}\n' });
      const two = await branch.commit({ ...second, message: 'second', expectedHead: one });
      expect(two).not.toBe(one);
      expect(await branch.head()).toEqual({ commitSha: two, treeSha: second.tree });
    });

    it('refuses a commit on a head that is not the branch head with StaleRevisionError, and moves nothing', async () => {
      const first = generatedTree({ 'index.json': '1\n' });
      const one = await branch.commit({ ...first, message: 'first', expectedHead: undefined });
      const again = generatedTree({ 'index.json': '2\n' });
      await expect(branch.commit({ ...again, message: 'again', expectedHead: undefined })).rejects.toBeInstanceOf(
        StaleRevisionError,
      );
      await expect(branch.commit({ ...again, message: 'again', expectedHead: 'f'.repeat(40) })).rejects.toBeInstanceOf(
        StaleRevisionError,
      );
      expect((await branch.head())?.commitSha).toBe(one);
    });
  });
}
