import type { ItemPointer } from '../../domain/catalog/item-repository.ts';
import type { ItemDiff, ItemTree } from '../../domain/content/content-store.ts';

export interface Drift {
  /** Folders in git that the catalog does not record. */
  readonly gitOnly: string[];
  /** Items the catalog records whose folder is not in git. */
  readonly dbOnly: string[];
  /** Items whose recorded tree SHA is not the one in git. */
  readonly stale: string[];
}

/** Compares every item folder in git with every item the catalog says is there, by tree SHA. */
export function compareCatalog(trees: readonly ItemTree[], pointers: readonly ItemPointer[]): Drift {
  const recorded = new Map(pointers.map((p) => [p.gitPath, p]));
  const inGit = new Set(trees.map((t) => t.folder));
  const gitOnly: string[] = [];
  const stale: string[] = [];
  for (const tree of trees) {
    const pointer = recorded.get(tree.folder);
    if (!pointer) gitOnly.push(tree.folder);
    else if (pointer.treeSha !== tree.treeSha) stale.push(tree.folder);
  }
  const dbOnly = pointers.filter((p) => !inGit.has(p.gitPath)).map((p) => p.gitPath);
  return { gitOnly, dbOnly, stale };
}

/** The drift as the changes that would repair it, in the shape of a diff between two commits. */
export function driftAsDiff(drift: Drift, trees: readonly ItemTree[]): ItemDiff[] {
  const treeOf = new Map(trees.map((t) => [t.folder, t.treeSha]));
  return [
    ...drift.gitOnly.map((folder) => ({ folder, status: 'added' as const, newTreeSha: treeOf.get(folder) })),
    ...drift.stale.map((folder) => ({ folder, status: 'changed' as const, newTreeSha: treeOf.get(folder) })),
    ...drift.dbOnly.map((folder) => ({ folder, status: 'removed' as const })),
  ];
}
