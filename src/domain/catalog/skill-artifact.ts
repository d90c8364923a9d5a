/**
 * How a skill is served to discovery clients, worked out once per folder tree and kept: a tree's files never
 * change, so neither do the bytes a packing format makes of them. Keyed by the packing format and the tree SHA, so
 * that a new format (another zip layout) packs again instead of reading an old digest.
 */
export interface SkillArtifact {
  /** The packing format that made it, e.g. `flat-zip-1`. */
  readonly format: string;
  readonly treeSha: string;
  /** SKILL.md alone when it is the skill's only file, otherwise an archive of the folder. */
  readonly type: 'skill-md' | 'archive';
  /** `sha256:<hex>` of exactly the bytes served. */
  readonly digest: string;
  /** Every file of the skill, sorted by path. */
  readonly paths: readonly string[];
}
