import { createHash } from 'node:crypto';
import { anonymous } from '../../domain/accounts/actor.ts';
import type { CatalogItem, ItemStatus } from '../../domain/catalog/catalog-item.ts';
import type { ItemSummary } from '../../domain/catalog/item-repository.ts';
import type { SkillArtifact } from '../../domain/catalog/skill-artifact.ts';
import type { ItemFile } from '../../domain/content/content-store.ts';
import { gitPathProblem } from '../../domain/content/git-path.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { AtlasDeps } from '../deps.ts';

/** Which skills an index lists: the whole catalog, or one team's skills. */
export interface SkillIndexScope {
  /** A team slug. */
  readonly team?: string;
}

/** A scope resolved for one request, with the catalog revision it was resolved at. */
export interface SkillIndexTarget {
  readonly teamId: string | null;
  readonly teamSlug: string | null;
  /**
   * Changes whenever a skill row changes in any way that could change what an index lists (published, updated,
   * patched, deleted, synced): an index built at one revision is still true while the revision is the same.
   */
  readonly revision: string;
}

/** A skill as the discovery indexes list it. */
export interface IndexedSkill {
  /** The name the index lists it under: the skill's own name, which is its SKILL.md `name` and its folder's name. */
  readonly name: string;
  readonly namespace: string;
  readonly description: string;
  /** The manifest's own version (`metadata.version`), when it declares one. */
  readonly version: string | null;
  readonly gitPath: string;
  readonly commitSha: string;
  readonly treeSha: string;
  readonly usageCount: number;
}

/** A skill that a search found, with the slug of its team (null in a personal namespace with no team). */
export interface SkillSearchHit {
  readonly namespace: string;
  readonly name: string;
  readonly usageCount: number;
  readonly teamSlug: string | null;
}

export interface SearchIndexedSkillsInput {
  readonly q?: string;
  /** Only skills of this namespace. */
  readonly namespace?: string;
  readonly limit: number;
}

const PAGE = 1000;
/** Skills of one name looked at to find its holder: more namespaces than this sharing a name is not a catalog. */
const NAME_SHARERS = 1000;
// The groups of statuses the catalog's search reads; together they are every status. A row that changes moves
// to the top of its (new) group by `updatedAt`, so the tops of the three groups change with any change.
const STATUS_GROUPS: readonly (ItemStatus | undefined)[] = [undefined, 'deleted', 'invalid'];

function discoveryOff(): NotFoundError {
  return new NotFoundError('skill discovery lists what anonymous readers may see, and public read is off');
}

/**
 * Resolves an index's scope and reads the catalog's revision: a few small indexed reads, so that a request for an
 * index costs this and not a rebuild. Only what an anonymous reader may see is ever listed, so with public read off
 * discovery does not exist (NotFoundError), and an unknown team is NotFoundError.
 */
export async function resolveSkillIndex(
  deps: Pick<AtlasDeps, 'db' | 'authorizer'>,
  scope: SkillIndexScope,
): Promise<SkillIndexTarget> {
  const { db, authorizer } = deps;
  if (!authorizer.canBrowse(anonymous())) throw discoveryOff();
  const [team, revision] = await Promise.all([
    scope.team === undefined ? undefined : db.teams.findBySlug(scope.team.toLowerCase()),
    catalogRevision(deps),
  ]);
  if (scope.team !== undefined && !team) throw new NotFoundError(`no team ${scope.team}`);
  return { teamId: team?.id ?? null, teamSlug: team?.slug ?? null, revision };
}

/**
 * The marker of the last change to any skill row: the newest row of each status group, by `updatedAt` (every
 * write of an item sets it). Read as an administrator sees rows, so that an item leaving anonymous sight (made
 * team-only, deleted) changes it too.
 */
export async function catalogRevision({ db }: Pick<AtlasDeps, 'db'>): Promise<string> {
  const tops = await Promise.all(
    STATUS_GROUPS.map((status) =>
      db.items.search({ kind: 'skill', status, sort: 'updated', limit: 1, viewer: { kind: 'admin' } }),
    ),
  );
  const hash = createHash('sha256');
  for (const { items } of tops) {
    const top = items[0];
    hash.update(
      top
        ? [top.id, top.updatedAt.getTime(), top.commitSha, top.treeSha, top.status, top.visibility, top.teamId].join()
        : '-',
    );
    hash.update('\n');
  }
  return hash.digest('hex').slice(0, 32);
}

/**
 * Every skill of a target that an anonymous reader may see and that is active (deprecated, deleted and invalid
 * skills are not offered for installation), one per name, sorted by name, a page at a time: a catalog of 100,000
 * skills is never held at once.
 * The naming rule: an index is flat, so it lists each name once, under the skill's own name (its SKILL.md `name`
 * and folder name, so an installed folder always matches its SKILL.md). When skills of several namespaces share
 * a name, the one published first holds it (earliest `createdAt`, then namespace order), so a later publish never
 * takes a name that clients already install from; the others are listed by the indexes of their teams.
 */
export async function* indexedSkillPages(
  { db, authorizer }: Pick<AtlasDeps, 'db' | 'authorizer'>,
  target: Pick<SkillIndexTarget, 'teamId'>,
): AsyncGenerator<IndexedSkill[]> {
  const viewer = authorizer.viewerOf(anonymous());
  // The rows of one name are adjacent in name order, but may straddle two pages: the last name of a page waits
  // for the next one.
  let pending: (IndexedSkill & Pick<CatalogItem, 'createdAt'>)[] = [];
  let cursor: string | undefined;
  do {
    const page = await db.items.search({
      kind: 'skill',
      status: 'active',
      teamId: target.teamId ?? undefined,
      sort: 'name',
      limit: PAGE,
      cursor,
      viewer,
    });
    cursor = page.nextCursor;
    const rows = [...pending, ...page.items.map((item) => ({ ...toIndexedSkill(item), createdAt: item.createdAt }))];
    const last = rows.at(-1)?.name;
    pending = cursor === undefined ? [] : rows.filter((row) => row.name === last);
    const settled = cursor === undefined ? rows : rows.filter((row) => row.name !== last);
    if (settled.length > 0) yield nameHolders(settled).map(({ createdAt: _createdAt, ...skill }) => skill);
  } while (cursor !== undefined);
}

/** Every skill of indexedSkillPages at once: for a small catalog, or a test. */
export async function listSkillIndex(
  deps: Pick<AtlasDeps, 'db' | 'authorizer'>,
  target: Pick<SkillIndexTarget, 'teamId'>,
): Promise<IndexedSkill[]> {
  const skills: IndexedSkill[] = [];
  for await (const page of indexedSkillPages(deps, target)) skills.push(...page);
  return skills;
}

/**
 * The skills that hold these names in a target's index, as indexedSkillPages would list them, by name; a name
 * that no listed skill holds is left out. A lookup per name, each walking the name's own rows.
 */
export async function findIndexedSkills(
  { db, authorizer }: Pick<AtlasDeps, 'db' | 'authorizer'>,
  target: Pick<SkillIndexTarget, 'teamId'>,
  names: readonly string[],
): Promise<Map<string, IndexedSkill>> {
  const viewer = authorizer.viewerOf(anonymous());
  const found = new Map<string, IndexedSkill>();
  await Promise.all(
    [...new Set(names)].map(async (name) => {
      const { items } = await db.items.search({
        kind: 'skill',
        status: 'active',
        name,
        teamId: target.teamId ?? undefined,
        sort: 'name',
        limit: NAME_SHARERS,
        viewer,
      });
      const [holder] = nameHolders(items);
      if (holder) found.set(name, toIndexedSkill(holder));
    }),
  );
  return found;
}

/** The naming rule of indexedSkillPages: one skill per name, the first published; sorted by name. */
export function nameHolders<T extends Pick<CatalogItem, 'name' | 'namespace' | 'createdAt'>>(items: readonly T[]): T[] {
  const holders = new Map<string, T>();
  for (const item of items) {
    const holder = holders.get(item.name);
    if (!holder || firstPublished(item, holder)) holders.set(item.name, item);
  }
  return [...holders.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function firstPublished(a: Pick<CatalogItem, 'namespace' | 'createdAt'>, b: typeof a): boolean {
  const at = a.createdAt.getTime() - b.createdAt.getTime();
  return at !== 0 ? at < 0 : a.namespace < b.namespace;
}

function toIndexedSkill(item: ItemSummary): IndexedSkill {
  return {
    name: item.name,
    namespace: item.namespace,
    description: item.description,
    version: item.version,
    gitPath: item.gitPath,
    commitSha: item.commitSha,
    treeSha: item.treeSha,
    usageCount: item.usageCount,
  };
}

/** How skill discovery packs a skill's files into what it serves (a zip writer lives outside the application). */
export interface SkillPacker {
  /** Names the exact bytes pack makes: a change to them is a new format, so recorded digests are never wrong. */
  readonly format: string;
  pack(files: readonly ItemFile[]): { type: SkillArtifact['type']; bytes: Uint8Array };
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * The artifact of each skill, by tree SHA: those recorded before are read in one lookup; the others are read from
 * git, packed and digested (`concurrency` folders at once), then recorded, so that each tree is packed once in
 * the life of the catalog, across restarts and servers. A folder gone from git is NotFoundError.
 */
export async function skillArtifactsOf(
  deps: Pick<AtlasDeps, 'db' | 'content'>,
  packer: SkillPacker,
  skills: readonly IndexedSkill[],
  concurrency = 8,
): Promise<Map<string, SkillArtifact>> {
  const trees = new Map(skills.map((skill) => [skill.treeSha, skill]));
  const found = new Map(
    (await deps.db.skillArtifacts.findByTrees(packer.format, [...trees.keys()])).map((a) => [a.treeSha, a]),
  );
  const missing = [...trees.values()].filter((skill) => !found.has(skill.treeSha));
  const made: SkillArtifact[] = [];
  let next = 0;
  const worker = async () => {
    while (next < missing.length) {
      const skill = missing[next++]!;
      const files = await readIndexedSkill(deps, skill);
      const { type, bytes } = packer.pack(files);
      made.push({
        format: packer.format,
        treeSha: skill.treeSha,
        type,
        digest: sha256Digest(bytes),
        paths: files.map((file) => file.path),
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, missing.length) }, worker));
  if (made.length > 0) await deps.db.skillArtifacts.recordMany(made);
  for (const artifact of made) found.set(artifact.treeSha, artifact);
  return found;
}

/**
 * Every file of an indexed skill, at the commit the index saw (sorted by path). NotFoundError when the folder is
 * gone from git (sync will mark the row).
 */
export async function readIndexedSkill(
  { content }: Pick<AtlasDeps, 'content'>,
  skill: Pick<IndexedSkill, 'gitPath' | 'commitSha' | 'namespace' | 'name'>,
): Promise<ItemFile[]> {
  const snapshot = await content.readItem(skill.gitPath, skill.commitSha);
  if (!snapshot) throw new NotFoundError(`skill ${skill.namespace}/${skill.name} has no files`);
  return snapshot.files;
}

/**
 * One file of an indexed skill, at the commit the index saw. A path that is not a file of the skill (absent,
 * a folder, or one that could lead outside it) is NotFoundError: discovery answers only for what it listed.
 */
export async function readIndexedSkillFile(
  { content }: Pick<AtlasDeps, 'content'>,
  skill: Pick<IndexedSkill, 'gitPath' | 'commitSha' | 'namespace' | 'name'>,
  path: string,
): Promise<Uint8Array> {
  const missing = () => new NotFoundError(`skill ${skill.namespace}/${skill.name} has no file ${path}`);
  if (gitPathProblem(path)) throw missing();
  const bytes = await content.readFile(`${skill.gitPath}/${path}`, skill.commitSha);
  if (!bytes) throw missing();
  return bytes;
}

/**
 * Searches the skills an anonymous reader may see (active ones, as the indexes list), best match first, or the
 * most installed without words. With public read off, or for an unknown team, NotFoundError, as for the indexes.
 */
export async function searchIndexedSkills(
  deps: Pick<AtlasDeps, 'db' | 'authorizer'>,
  target: Pick<SkillIndexTarget, 'teamId'>,
  input: SearchIndexedSkillsInput,
): Promise<SkillSearchHit[]> {
  const { db, authorizer } = deps;
  if (!authorizer.canBrowse(anonymous())) throw discoveryOff();
  const q = input.q?.trim() || undefined;
  if (q !== undefined && q.length > 200)
    throw new ValidationError({ path: 'q', message: 'must be at most 200 characters' });
  const page = await db.items.search({
    q,
    kind: 'skill',
    status: 'active',
    namespace: input.namespace,
    teamId: target.teamId ?? undefined,
    sort: q === undefined ? 'installs' : 'relevance',
    limit: input.limit,
    viewer: authorizer.viewerOf(anonymous()),
  });
  const teamIds = [...new Set(page.items.map((item) => item.teamId).filter((id): id is string => id !== null))];
  const teams = await Promise.all(teamIds.map((id) => db.teams.findById(id)));
  const slugs = new Map(teams.filter((team) => team !== undefined).map((team) => [team.id, team.slug]));
  return page.items.map((item) => ({
    namespace: item.namespace,
    name: item.name,
    usageCount: item.usageCount,
    teamSlug: item.teamId === null ? null : (slugs.get(item.teamId) ?? null),
  }));
}
