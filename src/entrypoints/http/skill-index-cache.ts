import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import {
  findIndexedSkills,
  type IndexedSkill,
  indexedSkillPages,
  resolveSkillIndex,
  type SkillIndexScope,
  type SkillPacker,
  skillArtifactsOf,
} from '../../application/catalog/skill-index.ts';
import type { AtlasDeps } from '../../application/deps.ts';
import type { SkillArtifact } from '../../domain/catalog/skill-artifact.ts';
import type { ItemFile } from '../../domain/content/content-store.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { collectGarbage } from '../../lib/collect-garbage.ts';
import { writeFlatZip, ZIP_WRITER_IDENTITY } from '../../lib/zip/zip-writer.ts';
import {
  AGENT_SKILLS_DISCOVERY_SCHEMA,
  type AgentSkillEntry,
  DISCOVERY_DESCRIPTION_MAX,
} from './schemas/skill-discovery.ts';

/** A skill as discovery serves it: where its files are, and its artifact. */
export interface DiscoverableSkill extends Pick<IndexedSkill, 'name' | 'namespace' | 'gitPath' | 'commitSha'> {
  readonly artifact: SkillArtifact;
}

/**
 * A document serialised once per build and kept gzipped (the indexes of 100,000 skills are tens of megabytes of
 * JSON and a few once compressed), with the strong ETag of each of its two representations.
 */
export class CachedDocument {
  readonly #gzipped: Buffer;
  readonly #hash: string;
  /** The document's own length in bytes, uncompressed. */
  readonly #length: number;

  constructor(gzipped: Buffer, hash: string, length: number) {
    this.#gzipped = gzipped;
    this.#hash = hash;
    this.#length = length;
  }

  /**
   * The representation for a client that does (`gzip`) or does not (`identity`) accept gzip: its ETag, its
   * length, and how to read it. The plain document is decompressed as the client reads it, so that a client that
   * does not take gzip (or a revalidation that answers 304) never makes the server hold the whole document
   * uncompressed.
   */
  representation(encoding: 'gzip' | 'identity'): { etag: string; length: number; body(): Buffer | Readable } {
    if (encoding === 'gzip') {
      return { etag: `"${this.#hash}-gzip"`, length: this.#gzipped.length, body: () => this.#gzipped };
    }
    return { etag: `"${this.#hash}"`, length: this.#length, body: () => gunzipping(this.#gzipped) };
  }
}

/**
 * A stream of the decompressed bytes of `gzipped`, made as it is read: zlib stops inflating while what it made
 * is unread (a reader that stalls holds it to a few of its 16 KiB chunks).
 */
function gunzipping(gzipped: Buffer): Readable {
  const gunzip = createGunzip();
  gunzip.end(gzipped);
  return gunzip;
}

/** An index as built at one catalog revision: what every request at that revision is answered from. */
export interface BuiltSkillIndex {
  readonly revision: string;
  readonly teamId: string | null;
  readonly teamSlug: string | null;
  /** `/.well-known/agent-skills/index.json`. */
  readonly agentSkills: CachedDocument;
  /** `/.well-known/skills/index.json`. */
  readonly wellKnown: CachedDocument;
}

export interface SkillIndexCacheOptions {
  /** Scopes (the catalog, and each team) whose built index is kept. */
  readonly maxIndexes?: number;
  /** Skills read from git at once while artifacts are made. */
  readonly concurrency?: number;
}

/**
 * The bytes a skill is served as: SKILL.md itself when it is the skill's only file, otherwise a zip with the
 * files at its root. Deterministic: the same files always give the same bytes, so a digest recorded once per tree
 * stays true for every later download, on every server of the same format.
 */
export const SKILL_PACKER: SkillPacker = {
  format: `flat:${ZIP_WRITER_IDENTITY}`,
  pack(files: readonly ItemFile[]) {
    const [only] = files;
    if (files.length === 1 && only?.path === 'SKILL.md') return { type: 'skill-md', bytes: only.content };
    return { type: 'archive', bytes: writeFlatZip(files) };
  },
};

/** An entry's artifact URL, relative to the index (and so right under any prefix, a team registry's included). */
export function artifactUrl(name: string, type: SkillArtifact['type']): string {
  return type === 'skill-md' ? `${name}/SKILL.md` : `${name}.zip`;
}

/**
 * Skills a build must have read before its garbage is collected at once: a build of 100,000 leaves 100-130 MiB
 * that V8 would keep; a team's index of a few skills leaves nothing worth a full collection's pause.
 */
const COLLECT_AFTER_SKILLS = 5_000;

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * The discovery indexes, built once per catalog revision and scope. A request costs resolveSkillIndex (the team
 * lookup and three one-row reads). A build, after any change to a skill, walks the scope's skills a thousand at a
 * time, reads their artifacts from the database, makes (and records) only those of trees never packed before,
 * and writes both documents gzipped as it goes: what stays is the two compressed documents, never a record per
 * skill. A skill's own answers (its archive, its files) look its name up when asked. Requests that arrive during
 * a build wait for it instead of starting their own.
 */
export class SkillIndexCache {
  readonly #deps: Pick<AtlasDeps, 'db' | 'authorizer' | 'content'>;
  readonly #indexes = new Map<string, { revision: string; built: Promise<BuiltSkillIndex> }>();
  readonly #maxIndexes: number;
  readonly #concurrency: number;

  constructor(deps: Pick<AtlasDeps, 'db' | 'authorizer' | 'content'>, options: SkillIndexCacheOptions = {}) {
    this.#deps = deps;
    this.#maxIndexes = options.maxIndexes ?? 64;
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

  /** The skills of an index that hold these names, with their artifacts, by name; names it does not list are left out. */
  async skills(
    index: Pick<BuiltSkillIndex, 'teamId'>,
    names: readonly string[],
  ): Promise<Map<string, DiscoverableSkill>> {
    const holders = await findIndexedSkills(this.#deps, index, names);
    const artifacts = await skillArtifactsOf(this.#deps, SKILL_PACKER, [...holders.values()], this.#concurrency);
    const found = new Map<string, DiscoverableSkill>();
    for (const [name, { namespace, gitPath, commitSha, treeSha }] of holders) {
      const artifact = artifacts.get(treeSha);
      if (artifact) found.set(name, { name, namespace, gitPath, commitSha, artifact });
    }
    return found;
  }

  /** The skill of an index that holds this name, with its artifact. NotFoundError when the index does not list it. */
  async skill(index: Pick<BuiltSkillIndex, 'teamId'>, name: string): Promise<DiscoverableSkill> {
    const skill = (await this.skills(index, [name])).get(name);
    if (!skill) throw new NotFoundError(`no skill ${name} in this index`);
    return skill;
  }

  async #build(teamId: string | null, teamSlug: string | null, revision: string): Promise<BuiltSkillIndex> {
    const agentSkills = new GzipJsonWriter(`{"$schema":${JSON.stringify(AGENT_SKILLS_DISCOVERY_SCHEMA)},"skills":[`);
    const wellKnown = new GzipJsonWriter('{"skills":[');
    try {
      let read = 0;
      for await (const page of indexedSkillPages(this.#deps, { teamId })) {
        read += page.length;
        const artifacts = await skillArtifactsOf(this.#deps, SKILL_PACKER, page, this.#concurrency);
        const agentEntries: string[] = [];
        const wellKnownEntries: string[] = [];
        for (const skill of page) {
          const artifact = artifacts.get(skill.treeSha)!;
          const entry: AgentSkillEntry = {
            name: skill.name,
            type: artifact.type,
            description: cut(skill.description, DISCOVERY_DESCRIPTION_MAX),
            url: artifactUrl(skill.name, artifact.type),
            digest: artifact.digest,
          };
          agentEntries.push(
            JSON.stringify(skill.version && SEMVER.test(skill.version) ? { ...entry, version: skill.version } : entry),
          );
          wellKnownEntries.push(
            JSON.stringify({ name: skill.name, description: skill.description, files: artifact.paths }),
          );
        }
        await agentSkills.items(agentEntries);
        await wellKnown.items(wellKnownEntries);
      }
      const built = {
        revision,
        teamId,
        teamSlug,
        agentSkills: await agentSkills.end(']}'),
        wellKnown: await wellKnown.end(']}'),
      };
      // What the build read and packed is garbage now.
      if (read >= COLLECT_AFTER_SKILLS) collectGarbage();
      return built;
    } finally {
      agentSkills.destroy();
      wellKnown.destroy();
    }
  }
}

/** A JSON document written as it is made, a page of array items at a time, straight into gzip. */
class GzipJsonWriter {
  readonly #gzip = createGzip();
  readonly #hash = createHash('sha256');
  readonly #chunks: Buffer[] = [];
  #first = true;
  #length = 0;

  constructor(head: string) {
    this.#gzip.on('data', (chunk: Buffer) => this.#chunks.push(chunk));
    this.#write(head);
  }

  /** Writes array items (each a JSON text), and waits while gzip catches up. */
  async items(entries: readonly string[]): Promise<void> {
    if (entries.length === 0) return;
    const text = `${this.#first ? '' : ','}${entries.join(',')}`;
    this.#first = false;
    if (!this.#write(text)) await new Promise((resolve) => this.#gzip.once('drain', resolve));
  }

  async end(tail: string): Promise<CachedDocument> {
    this.#write(tail);
    await new Promise<void>((resolve, reject) => {
      this.#gzip.once('end', resolve);
      this.#gzip.once('error', reject);
      this.#gzip.end();
    });
    return new CachedDocument(Buffer.concat(this.#chunks), this.#hash.digest('hex').slice(0, 32), this.#length);
  }

  destroy(): void {
    this.#gzip.destroy();
  }

  #write(text: string): boolean {
    this.#hash.update(text);
    this.#length += Buffer.byteLength(text);
    return this.#gzip.write(text);
  }
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
