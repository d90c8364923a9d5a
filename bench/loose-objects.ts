import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { encodeTree, type GitObjectType, type GitTreeEntry, gitObjectId } from '../src/domain/content/tree-id.ts';

/**
 * Writes git objects straight into a repository's `objects/` folder, as loose objects: how the
 * benchmarks seed catalogs of thousands of items in seconds instead of one commit per item.
 */
export function looseObjectWriter(gitdir: string) {
  const folders = new Set<string>();
  const write = (type: GitObjectType, body: Uint8Array): string => {
    const sha = gitObjectId(type, body);
    const folder = join(gitdir, 'objects', sha.slice(0, 2));
    if (!folders.has(folder)) {
      mkdirSync(folder, { recursive: true });
      folders.add(folder);
    }
    writeFileSync(
      join(folder, sha.slice(2)),
      deflateSync(Buffer.concat([Buffer.from(`${type} ${body.byteLength}\0`), body])),
    );
    return sha;
  };
  return { write, tree: (entries: GitTreeEntry[]) => write('tree', encodeTree(entries)) };
}
