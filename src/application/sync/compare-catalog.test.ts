import { describe, expect, it } from 'vitest';
import type { ItemPointer } from '../../domain/catalog/item-repository.ts';
import { compareCatalog, driftAsDiff } from './compare-catalog.ts';

const sha = (c: string) => c.repeat(40);
const pointer = (gitPath: string, treeSha: string): ItemPointer => ({
  id: gitPath,
  gitPath,
  treeSha,
  status: 'active',
});

describe('compareCatalog', () => {
  const trees = [
    { folder: 'skills/alice/same', treeSha: sha('1') },
    { folder: 'skills/alice/changed', treeSha: sha('2') },
    { folder: 'skills/alice/new', treeSha: sha('3') },
  ];
  const pointers = [
    pointer('skills/alice/same', sha('1')),
    pointer('skills/alice/changed', sha('9')),
    pointer('skills/alice/gone', sha('4')),
  ];

  it('finds folders only in git, items only in the catalog, and items whose tree differs', () => {
    expect(compareCatalog(trees, pointers)).toEqual({
      gitOnly: ['skills/alice/new'],
      dbOnly: ['skills/alice/gone'],
      stale: ['skills/alice/changed'],
    });
  });

  it('finds no drift when every folder has its item with the same tree', () => {
    expect(
      compareCatalog(
        trees,
        trees.map((t) => pointer(t.folder, t.treeSha)),
      ),
    ).toEqual({
      gitOnly: [],
      dbOnly: [],
      stale: [],
    });
  });

  it('turns drift into the changes that repair it, carrying the tree git has', () => {
    const drift = compareCatalog(trees, pointers);
    expect(driftAsDiff(drift, trees)).toEqual([
      { folder: 'skills/alice/new', status: 'added', newTreeSha: sha('3') },
      { folder: 'skills/alice/changed', status: 'changed', newTreeSha: sha('2') },
      { folder: 'skills/alice/gone', status: 'removed' },
    ]);
  });
});
