import type { SkillArtifact } from '../../domain/catalog/skill-artifact.ts';
import type { SkillArtifactRepository } from '../../domain/catalog/skill-artifact-repository.ts';
import { copy, type InMemoryState } from './in-memory-state.ts';

const keyOf = (format: string, treeSha: string) => `${format}/${treeSha}`;

export class InMemorySkillArtifactRepository implements SkillArtifactRepository {
  constructor(private readonly state: InMemoryState) {}

  async findByTrees(format: string, treeShas: readonly string[]): Promise<SkillArtifact[]> {
    const found = new Map<string, SkillArtifact>();
    for (const treeSha of treeShas) {
      const artifact = this.state.skillArtifacts.get(keyOf(format, treeSha));
      if (artifact) found.set(treeSha, copy(artifact));
    }
    return [...found.values()];
  }

  async recordMany(artifacts: readonly SkillArtifact[]): Promise<void> {
    for (const artifact of artifacts) {
      const key = keyOf(artifact.format, artifact.treeSha);
      if (!this.state.skillArtifacts.has(key)) this.state.skillArtifacts.set(key, copy(artifact));
    }
  }
}
