import { createHash } from 'node:crypto';
import {
  type IndexedSkill,
  listSkillIndex,
  readIndexedSkill,
  resolveSkillIndex,
  type SkillIndexScope,
} from '../../application/catalog/skill-index.ts';
import type { AtlasDeps } from '../../application/deps.ts';
import type { ItemFile } from '../../domain/content/content-store.ts';
import { writeFlatZip } from '../../lib/zip/zip-writer.ts';
import {
  AGENT_SKILLS_DISCOVERY_SCHEMA,
  type AgentSkillEntry,
  type AgentSkillsIndex,
  DISCOVERY_DESCRIPTION_MAX,
  type WellKnownSkillsIndex,
} from './schemas/skill-discovery.ts';

/** How a skill is served to discovery clients: its SKILL.md alone, or a zip of its folder. */
export interface SkillArtifact {
  readonly type: 'skill-md' | 'archive';
  /** `sha256:<hex>` of exactly the bytes packSkill gives for the skill's files. */
  readonly digest: string;
  /** Every file of the skill, sorted by path. */
  readonly paths: readonly string[];
}

/**
 * What an index keeps of each skill to serve it: where its files are and its artifact. The description, version
 * and installs are only needed to write the documents, and are not kept (a catalog of 100,000 skills keeps this
 * for every one, in every scope).
 */
export interface DiscoverableSkill extends Pick<IndexedSkill, 'name' | 'namespace' | 'gitPath' | 'commitSha'> {
  readonly artifact: SkillArtifact;
}

/** A document serialised once per build, with its strong ETag. */
export interface CachedDocument {
  readonly body: Buffer;
  readonly etag: string;
}

/** An index as built at one catalog revision: what every request at that revision is answered from. */
export interface BuiltSkillIndex {
  readonly revision: string;
  readonly teamId: string | null;
  readonly teamSlug: string | null;
  /** By index name. */
  readonly skills: ReadonlyMap<string, DiscoverableSkill>;
  /** `/.well-known/agent-skills/index.json`. */
  readonly agentSkills: CachedDocument;
  /** `/.well-known/skills/index.json`. */
  readonly wellKnown: CachedDocument;
}

export interface SkillIndexCacheOptions {
  /** Tree SHAs whose artifact is remembered; past this the least recently used are forgotten. */
  readonly maxArtifacts?: number;
  /** Scopes (the catalog, and each team) whose built index is kept. */
  readonly maxIndexes?: number;
  /** Skills read from git at once while an index is built. */
  readonly concurrency?: number;
}

/**
 * The bytes a skill is served as: SKILL.md itself when it is the skill's only file, otherwise a zip with the
 * files at its root. Deterministic: the same files always give the same bytes, so a digest computed once per tree
 * stays true for every later download, on every server of the same build.
 */
export function packSkill(files: readonly ItemFile[]): { type: SkillArtifact['type']; bytes: Uint8Array } {
  const [only] = files;
  if (files.length === 1 && only?.path === 'SKILL.md') return { type: 'skill-md', bytes: only.content };
  return { type: 'archive', bytes: writeFlatZip(files) };
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** An entry's artifact URL, relative to the index (and so right under any prefix, a team registry's included). */
export function artifactUrl(name: string, type: SkillArtifact['type']): string {
  return type === 'skill-md' ? `${name}/SKILL.md` : `${name}.zip`;
}

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * The discovery indexes, built once per catalog revision and scope. A request costs resolveSkillIndex (the team
 * lookup and three one-row reads); a build, after any change to a skill, lists the scope's skills (one read per
 * thousand) and reads from git only the trees it has not packed before, so a change to one skill of ten thousand
 * reads one folder. Requests that arrive during a build wait for it instead of starting their own.
 */
export class SkillIndexCache {
  readonly #deps: Pick<AtlasDeps, 'db' | 'authorizer' | 'content'>;
  readonly #indexes = new Map<string, { revision: string; built: Promise<BuiltSkillIndex> }>();
  readonly #artifacts = new Map<string, SkillArtifact>();
  readonly #maxArtifacts: number;
  readonly #maxIndexes: number;
  readonly #concurrency: number;

  constructor(deps: Pick<AtlasDeps, 'db' | 'authorizer' | 'content'>, options: SkillIndexCacheOptions = {}) {
    this.#deps = deps;
    this.#maxArtifacts = options.maxArtifacts ?? 100_000;
    this.#maxIndexes = options.maxIndexes ?? 256;
    this.#concurrency = options.concurrency ?? 8;
  }

  /** The scope's index at the catalog's current revision. NotFoundError as resolveSkillIndex throws it. */
  async get(scope: SkillIndexScope): Promise<BuiltSkillIndex> {
    const target = await resolveSkillIndex(this.#deps, scope);
    const key = target.teamId ?? '';
    const cached = this.#indexes.get(key);
    if (cached && cached.revision === target.revision) return cached.built;
    const built = this.#build(target.teamId, target.teamSlug, target.revision);
    this.#indexes.delete(key);
    this.#indexes.set(key, { revision: target.revision, built });
    built.catch(() => {
      if (this.#indexes.get(key)?.built === built) this.#indexes.delete(key);
    });
    while (this.#indexes.size > this.#maxIndexes) {
      const oldest = this.#indexes.keys().next().value;
      if (oldest === undefined) break;
      this.#indexes.delete(oldest);
    }
    return built;
  }

  async #build(teamId: string | null, teamSlug: string | null, revision: string): Promise<BuiltSkillIndex> {
    const listed = await listSkillIndex(this.#deps, { teamId });
    const artifacts = new Map<string, SkillArtifact>();
    let next = 0;
    const worker = async () => {
      while (next < listed.length) {
        const skill = listed[next++]!;
        artifacts.set(skill.name, await this.#artifactOf(skill));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, listed.length) }, worker));
    const ordered = listed.map((skill) => ({ ...skill, artifact: artifacts.get(skill.name)! }));
    const agentSkills: AgentSkillsIndex = {
      $schema: AGENT_SKILLS_DISCOVERY_SCHEMA,
      skills: ordered.map((skill) => {
        const entry: AgentSkillEntry = {
          name: skill.name,
          type: skill.artifact.type,
          description: cut(skill.description, DISCOVERY_DESCRIPTION_MAX),
          url: artifactUrl(skill.name, skill.artifact.type),
          digest: skill.artifact.digest,
        };
        return skill.version && SEMVER.test(skill.version) ? { ...entry, version: skill.version } : entry;
      }),
    };
    const wellKnown: WellKnownSkillsIndex = {
      skills: ordered.map((skill) => ({
        name: skill.name,
        description: skill.description,
        files: [...skill.artifact.paths],
      })),
    };
    return {
      revision,
      teamId,
      teamSlug,
      skills: new Map(
        ordered.map(({ name, namespace, gitPath, commitSha, artifact }) => [
          name,
          { name, namespace, gitPath, commitSha, artifact },
        ]),
      ),
      agentSkills: documentOf(agentSkills),
      wellKnown: documentOf(wellKnown),
    };
  }

  /** A tree's artifact: remembered by tree SHA, since the same tree always packs to the same bytes. */
  async #artifactOf(skill: IndexedSkill): Promise<SkillArtifact> {
    const known = this.#artifacts.get(skill.treeSha);
    if (known) {
      this.#artifacts.delete(skill.treeSha);
      this.#artifacts.set(skill.treeSha, known);
      return known;
    }
    const files = await readIndexedSkill(this.#deps, skill);
    const packed = packSkill(files);
    const artifact: SkillArtifact = {
      type: packed.type,
      digest: sha256Digest(packed.bytes),
      paths: files.map((file) => file.path),
    };
    this.#artifacts.set(skill.treeSha, artifact);
    if (this.#artifacts.size > this.#maxArtifacts) {
      const oldest = this.#artifacts.keys().next().value;
      if (oldest !== undefined) this.#artifacts.delete(oldest);
    }
    return artifact;
  }
}

function documentOf(value: unknown): CachedDocument {
  const body = Buffer.from(JSON.stringify(value));
  return { body, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"` };
}

/** At most `max` UTF-16 units (what clients count), ending in an ellipsis when cut, never inside a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let kept = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(kept)) kept = kept.slice(0, -1);
  return `${kept.trimEnd()}…`;
}

/** Whether an If-None-Match header names this ETag (weak or strong), or is `*`. */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}
