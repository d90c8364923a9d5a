import { LooseObjectWriter } from '../src/adapters/git/loose-object-writer.ts';
import { encodeTree, type GitObjectType, type GitTreeEntry } from '../src/domain/content/tree-id.ts';

/**
 * Writes git objects straight into a repository's `objects/` folder, as loose objects, with the content
 * store's own writer: how the benchmarks seed catalogs of thousands of items in seconds instead of one
 * commit per item.
 */
export function looseObjectWriter(gitdir: string) {
  const objects = new LooseObjectWriter(gitdir);
  const write = (type: GitObjectType, body: Uint8Array): string => objects.writeSync(type, body);
  return { write, tree: (entries: GitTreeEntry[]) => write('tree', encodeTree(entries)) };
}
