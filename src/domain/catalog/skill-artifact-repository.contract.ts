import { beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../repositories.ts';
import type { SkillArtifact } from './skill-artifact.ts';

const tree = (n: number) => n.toString(16).padStart(40, '0');
const artifact = (n: number, overrides: Partial<SkillArtifact> = {}): SkillArtifact => ({
  format: 'flat-zip-1',
  treeSha: tree(n),
  type: 'archive',
  digest: `sha256:${n.toString(16).padStart(64, '0')}`,
  paths: ['SKILL.md', `scripts/run-${n}.sh`],
  ...overrides,
});

export function skillArtifactRepositoryContract(name: string, open: () => Promise<Database>) {
  describe(`SkillArtifactRepository contract: ${name}`, () => {
    let db: Database;
    beforeEach(async () => {
      db = await open();
    });

    it('finds what was recorded, by format and tree, and leaves out trees it has not seen', async () => {
      await db.skillArtifacts.recordMany([artifact(1), artifact(2, { type: 'skill-md', paths: ['SKILL.md'] })]);
      const found = await db.skillArtifacts.findByTrees('flat-zip-1', [tree(2), tree(1), tree(3), tree(2)]);
      expect(found.sort((a, b) => (a.treeSha < b.treeSha ? -1 : 1))).toEqual([
        artifact(1),
        artifact(2, { type: 'skill-md', paths: ['SKILL.md'] }),
      ]);
      expect(await db.skillArtifacts.findByTrees('flat-zip-2', [tree(1)])).toEqual([]);
      expect(await db.skillArtifacts.findByTrees('flat-zip-1', [])).toEqual([]);
    });

    it('keeps the first record of a tree, and a format of its own for the same tree', async () => {
      await db.skillArtifacts.recordMany([artifact(1)]);
      await db.skillArtifacts.recordMany([artifact(1, { digest: 'sha256:other' }), artifact(1, { format: 'v2' })]);
      expect(await db.skillArtifacts.findByTrees('flat-zip-1', [tree(1)])).toEqual([artifact(1)]);
      expect(await db.skillArtifacts.findByTrees('v2', [tree(1)])).toEqual([artifact(1, { format: 'v2' })]);
    });

    it('records and finds more trees than one statement carries', async () => {
      const many = Array.from({ length: 2500 }, (_, n) => artifact(n + 10));
      await db.skillArtifacts.recordMany(many);
      const found = await db.skillArtifacts.findByTrees(
        'flat-zip-1',
        many.map((a) => a.treeSha),
      );
      expect(found).toHaveLength(2500);
    });

    it('writes within a transaction only when it commits', async () => {
      await expect(
        db.transaction(async (tx) => {
          await tx.skillArtifacts.recordMany([artifact(5)]);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await db.skillArtifacts.findByTrees('flat-zip-1', [tree(5)])).toEqual([]);
    });
  });
}
