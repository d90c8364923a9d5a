import { and, eq, inArray } from 'drizzle-orm';
import type { SkillArtifact } from '../../domain/catalog/skill-artifact.ts';
import type { SkillArtifactRepository } from '../../domain/catalog/skill-artifact-repository.ts';
import type { Db } from './connection.ts';
import { skillArtifacts } from './schema.ts';
import { translated } from './translate-error.ts';

/** Trees looked up or rows written per statement: well under PostgreSQL's 65,535 bound parameters. */
const CHUNK = 1000;

export class PostgresSkillArtifactRepository implements SkillArtifactRepository {
  constructor(private readonly db: Db) {}

  async findByTrees(format: string, treeShas: readonly string[]): Promise<SkillArtifact[]> {
    const found: SkillArtifact[] = [];
    const unique = [...new Set(treeShas)];
    for (let start = 0; start < unique.length; start += CHUNK) {
      const rows = await translated(() =>
        this.db
          .select()
          .from(skillArtifacts)
          .where(
            and(eq(skillArtifacts.format, format), inArray(skillArtifacts.treeSha, unique.slice(start, start + CHUNK))),
          ),
      );
      for (const row of rows) {
        found.push({
          format: row.format,
          treeSha: row.treeSha,
          type: row.type as SkillArtifact['type'],
          digest: row.digest,
          paths: row.paths,
        });
      }
    }
    return found;
  }

  async recordMany(artifacts: readonly SkillArtifact[]): Promise<void> {
    for (let start = 0; start < artifacts.length; start += CHUNK) {
      const chunk = artifacts.slice(start, start + CHUNK).map(({ format, treeSha, type, digest, paths }) => ({
        format,
        treeSha,
        type,
        digest,
        paths: [...paths],
      }));
      await translated(() => this.db.insert(skillArtifacts).values(chunk).onConflictDoNothing());
    }
  }
}
