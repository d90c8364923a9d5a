import type { Actor } from '../../domain/accounts/actor.ts';
import type { CatalogItem } from '../../domain/catalog/catalog-item.ts';
import { type ItemKind, KIND_LAYOUT } from '../../domain/catalog/item-kind.ts';
import { formatItemRef, type ItemRef } from '../../domain/catalog/item-ref.ts';
import type { ItemVersion } from '../../domain/catalog/item-version.ts';
import type { HistoryEntry, ItemListing } from '../../domain/content/content-store.ts';
import { MAX_HISTORY_LIMIT } from '../../domain/content/validate-changes.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { isPlainObject } from '../../domain/manifests/manifest-report.ts';
import { parseManifest } from '../../domain/manifests/parse-manifest.ts';
import { parseToolJson } from '../../domain/manifests/tool-json.ts';
import type { Page } from '../../domain/page.ts';
import type { AtlasDeps } from '../deps.ts';
import { canReadVersion, findReadableItem } from './item-access.ts';

export interface ItemVersionEntry {
  readonly commitSha: string;
  /** Null for the commit that deleted the item. */
  readonly treeSha: string | null;
  /** The manifest's own version at that commit, when it declared one. */
  readonly version: string | null;
  readonly message: string;
  readonly author: { name: string; email: string };
  readonly date: Date;
}

type Deps = Pick<AtlasDeps, 'db' | 'content' | 'authorizer'>;

const COMMIT = /^[0-9a-f]{40}$/;
/** Pages of history one request reads at most: to fill a page past versions the actor may not read, or to find the version an unrecorded commit followed. */
const MAX_ROUNDS = 5;

/** A commit of an item folder's history, with its recorded version and whether it is the item's own. */
interface JudgedEntry {
  readonly entry: HistoryEntry;
  readonly recorded: ItemVersion | undefined;
  /** False for history of an earlier item of the same name (before `historySince`). */
  readonly current: boolean;
}

async function recordedVersions(deps: Deps, item: CatalogItem, entries: readonly HistoryEntry[]) {
  if (entries.length === 0) return new Map<string, ItemVersion>();
  const versions = await deps.db.items.listVersions(
    item.id,
    entries.map((e) => e.commitSha),
  );
  return new Map(versions.map((v) => [v.commitSha, v]));
}

/**
 * Judges history entries (newest first, `nextCursor` continuing them). A recorded commit is the item's
 * own when it was recorded at or after `historySince`; an unrecorded one (made by hand in git, or a
 * delete) belongs with the nearest recorded commit before it, and by its date when there is none.
 * Git dates and the catalog's clock are never compared where a recorded version can decide.
 */
async function judgeEntries(
  deps: Deps,
  item: CatalogItem,
  entries: readonly HistoryEntry[],
  nextCursor: string | undefined,
): Promise<JudgedEntry[]> {
  const recorded = await recordedVersions(deps, item, entries);
  const since = item.historySince;
  const judged: JudgedEntry[] = [];
  let current: boolean | undefined;
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as HistoryEntry;
    const version = recorded.get(entry.commitSha);
    if (since === null) current = true;
    else if (version) current = version.createdAt >= since;
    else current ??= await currentBefore(deps, item, since, nextCursor, entry);
    judged[i] = { entry, recorded: version, current };
  }
  return judged;
}

/** Whether the nearest recorded commit from `cursor` back is the item's own; by `entry`'s date when none is found. */
async function currentBefore(
  deps: Deps,
  item: CatalogItem,
  since: Date,
  cursor: string | undefined,
  entry: HistoryEntry,
): Promise<boolean> {
  let next = cursor;
  for (let round = 0; next !== undefined && round < MAX_ROUNDS; round++) {
    const page = await deps.content.history(item.gitPath, { limit: MAX_HISTORY_LIMIT, cursor: next });
    const recorded = await recordedVersions(deps, item, page.entries);
    const found = page.entries.map((e) => recorded.get(e.commitSha)).find((v) => v !== undefined);
    if (found) return found.createdAt >= since;
    next = page.nextCursor;
  }
  return entry.date >= since;
}

/**
 * Whether the actor may read a commit of the item's history: one of the item's own that they could read
 * when it was written. The item's current commit is what the item is now, read under its current rule.
 */
async function readableEntry(deps: Deps, item: CatalogItem, judged: JudgedEntry, actor: Actor): Promise<boolean> {
  if (!judged.current) return false;
  if (judged.entry.commitSha === item.commitSha) return true;
  return canReadVersion(deps, item, judged.recorded?.access ?? null, actor);
}

/**
 * The manifest at a commit the catalog holds no parsed manifest for, read from git; null when it does
 * not parse. A tool's input schema is never compiled on this read path: the rest of tool.json is checked
 * with a stand-in schema and the schema returned as it is.
 */
async function manifestFromGit(
  deps: Deps,
  kind: ItemKind,
  folder: string,
  commitSha: string,
): Promise<{ manifest: Record<string, unknown> | null; version: string | null }> {
  const none = { manifest: null, version: null };
  const bytes = await deps.content.readFile(`${folder}/${KIND_LAYOUT[kind].manifest}`, commitSha);
  if (!bytes) return none;
  try {
    if (kind === 'tool') {
      const doc: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
      if (!isPlainObject(doc)) return none;
      const schema = doc.input_schema;
      const standIn = isPlainObject(schema) ? { ...doc, input_schema: { type: 'object' } } : doc;
      const parsed = parseToolJson(new TextEncoder().encode(JSON.stringify(standIn)));
      return { manifest: { ...parsed.manifest, input_schema: schema }, version: parsed.version ?? null };
    }
    const parsed = parseManifest(kind, bytes);
    return { manifest: parsed.manifest as unknown as Record<string, unknown>, version: parsed.version ?? null };
  } catch {
    // An invalid manifest at that commit (pushed by hand).
    return none;
  }
}

/**
 * The commits that changed an item, newest first, each with the manifest version it declared. Deleted
 * items keep their history.
 * - the actor must be able to read the item (NotFoundError otherwise);
 * - only the item's own history is listed: after a deleted name is published again, the list ends
 *   where the new item began;
 * - a version the actor could not have read when it was written (its recorded visibility, team and
 *   owner) is left out, except the item's current commit; commits without a recorded version follow
 *   the item's current rule;
 * - a page may hold fewer than `limit` entries when some were left out; `nextCursor` says whether more follow.
 */
export async function listItemVersions(
  deps: Deps,
  input: { ref: ItemRef; limit: number; cursor?: string },
  actor: Actor,
): Promise<Page<ItemVersionEntry>> {
  const item = await findReadableItem(deps, input.ref, actor, { includeDeleted: true });
  if (input.cursor !== undefined && !COMMIT.test(input.cursor)) {
    throw new ValidationError({ path: 'cursor', message: 'is not a cursor this list issued' });
  }
  const shown: JudgedEntry[] = [];
  let cursor = input.cursor;
  let nextCursor: string | undefined;
  pages: for (let round = 0; round < MAX_ROUNDS; round++) {
    // One more than a page when it can: the next page's first entry then says whether there is one.
    const limit = Math.min(input.limit + 1, MAX_HISTORY_LIMIT);
    const page = await deps.content.history(item.gitPath, { limit, cursor });
    nextCursor = undefined;
    for (const judged of await judgeEntries(deps, item, page.entries, page.nextCursor)) {
      // Everything older belongs to the earlier item of the same name.
      if (!judged.current) break pages;
      if (!(await readableEntry(deps, item, judged, actor))) continue;
      if (shown.length === input.limit) {
        nextCursor = judged.entry.commitSha;
        break pages;
      }
      shown.push(judged);
    }
    nextCursor = cursor = page.nextCursor;
    if (cursor === undefined || shown.length === input.limit) break;
  }
  const items = await Promise.all(
    shown.map(async ({ entry, recorded }) => ({
      ...entry,
      version:
        entry.treeSha === null
          ? null
          : recorded
            ? recorded.version
            : (await manifestFromGit(deps, input.ref.kind, item.gitPath, entry.commitSha)).version,
    })),
  );
  return nextCursor ? { items, nextCursor } : { items };
}

/**
 * The recorded version that governs an item's folder at a commit (the last commit at or before it that
 * changed the folder), when it is the item's own and the actor could read it when it was written
 * (see listItemVersions). Anything else is NotFoundError, exactly like a commit the item never had.
 * @returns the recorded version, or undefined for a commit the catalog never recorded.
 */
export async function requireReadableCommit(
  deps: Deps,
  item: CatalogItem,
  commitSha: string,
  actor: Actor,
): Promise<ItemVersion | undefined> {
  const { entries, nextCursor } = await deps.content.history(item.gitPath, {
    limit: item.historySince === null ? 1 : 20,
    cursor: commitSha,
  });
  const [judged] = await judgeEntries(deps, item, entries, nextCursor);
  const readable =
    judged !== undefined && judged.entry.treeSha !== null && (await readableEntry(deps, item, judged, actor));
  if (!readable) {
    throw new NotFoundError(`${item.kind}/${item.namespace}/${item.name} did not exist at ${commitSha}`);
  }
  return judged.recorded;
}

/**
 * An item as it was at one commit: its manifest and file list.
 * - the same rules as listItemVersions decide which commits the actor may read;
 * - the manifest is the one recorded with the version; only for commits recorded before Atlas kept
 *   it, or never recorded, is it parsed from git.
 */
export async function getItemVersion(
  deps: Deps,
  input: { ref: ItemRef; commitSha: string },
  actor: Actor,
): Promise<{
  commitSha: string;
  treeSha: string;
  version: string | null;
  manifest: unknown;
  files: ItemListing['files'];
}> {
  const item = await findReadableItem(deps, input.ref, actor, { includeDeleted: true });
  if (!COMMIT.test(input.commitSha)) {
    throw new ValidationError({ path: 'commit', message: 'must be a full 40-character commit SHA' });
  }
  const recorded = await requireReadableCommit(deps, item, input.commitSha, actor);
  const listing = await deps.content.listItemFiles(item.gitPath, input.commitSha);
  if (!listing) throw new NotFoundError(`${formatItemRef(input.ref)} did not exist at ${input.commitSha}`);
  const { manifest, version } = recorded?.manifest
    ? { manifest: recorded.manifest, version: recorded.version }
    : await manifestFromGit(deps, input.ref.kind, item.gitPath, input.commitSha);
  return { commitSha: input.commitSha, treeSha: listing.treeSha, version, manifest, files: listing.files };
}
