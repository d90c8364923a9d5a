import type { SkillArtifact } from './skill-artifact.ts';

/** Skill discovery's artifacts, kept for good (a tree's artifact never changes). Returned objects are copies. */
export interface SkillArtifactRepository {
  /** The artifacts recorded in `format` for these trees; trees with none are left out, in no particular order. */
  findByTrees(format: string, treeShas: readonly string[]): Promise<SkillArtifact[]>;
  /** Records artifacts; one already recorded for its format and tree keeps its record (it is the same). */
  recordMany(artifacts: readonly SkillArtifact[]): Promise<void>;
}
