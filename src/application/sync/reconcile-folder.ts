import type { Namespace } from '../../domain/accounts/namespace.ts';
import { type CatalogItem, historySinceOf } from '../../domain/catalog/catalog-item.ts';
import { type ItemKind, KIND_LAYOUT } from '../../domain/catalog/item-kind.ts';
import { formatItemRef, type ItemRef, refFromFolder } from '../../domain/catalog/item-ref.ts';
import type { ItemVersion } from '../../domain/catalog/item-version.ts';
import { prepareBundle } from '../../domain/catalog/prepare-bundle.ts';
import type { ItemDiff, ItemFile } from '../../domain/content/content-store.ts';
import { compareCodePoints } from '../../domain/content/tree-id.ts';
import { type Problem, TooLargeError, ValidationError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { storableText } from '../../domain/manifests/json-safe.ts';
import type { Repositories } from '../../domain/repositories.ts';
import { fieldsOfBundle, versionOf } from '../catalog/item-record.ts';
import type { AtlasDeps } from '../deps.ts';

/** What git holds at one item folder at the commit being synced, decided before the transaction. */
export type FolderState =
  | { readonly folder: string; readonly present: false }
  | {
      readonly folder: string;
      readonly present: true;
      readonly treeSha: string;
      /** Undefined when the folder could not be made an item: the problems say why. */
      readonly fields?: ReturnType<typeof fieldsOfBundle>;
      readonly problems: Problem[];
    };

/** The kind, namespace and name a folder stands for, even when they break the naming rules. */
function partsOf(folder: string): { kind: ItemKind; namespace: string; name: string } {
  const [top, namespace = '', name = ''] = folder.split('/');
  const kind = (Object.keys(KIND_LAYOUT) as ItemKind[]).find((k) => KIND_LAYOUT[k].folder === top) ?? 'skill';
  return { kind, namespace, name };
}

type ReadDeps = Pick<AtlasDeps, 'content' | 'db' | 'limits' | 'manifestOptions'>;

/** Namespaces looked up once per sync, by name: thousands of folders share a few dozen namespaces. */
type NamespaceLookups = Map<string, Promise<Namespace | undefined>>;

function lookUpNamespace(
  namespaces: Pick<Repositories['namespaces'], 'findByName'>,
  lookups: NamespaceLookups,
  name: string,
): Promise<Namespace | undefined> {
  let found = lookups.get(name);
  if (!found) {
    found = namespaces.findByName(name);
    lookups.set(name, found);
  }
  return found;
}

/** Folders read at once: enough to keep git (or GitHub's API) and the database busy, few enough to bound memory. */
const READS_IN_FLIGHT = 16;

/** readFolderState of each folder, in the order given, a bounded number at a time, each namespace looked up once. */
export async function readFolderStates(
  deps: ReadDeps,
  folders: readonly string[],
  commit: string,
): Promise<FolderState[]> {
  const lookups: NamespaceLookups = new Map();
  const states: FolderState[] = new Array(folders.length);
  let next = 0;
  const reader = async () => {
    while (next < folders.length) {
      const index = next++;
      states[index] = await readFolderState(deps, folders[index]!, commit, lookups);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, folders.length) }, reader));
  return states;
}

/**
 * Reads and validates one item folder at a commit: its files, manifest, limits and namespace.
 * Anything wrong is kept as problems (the folder becomes an `invalid` item), never thrown.
 */
export async function readFolderState(
  { content, db, limits, manifestOptions }: ReadDeps,
  folder: string,
  commit: string,
  lookups: NamespaceLookups = new Map(),
): Promise<FolderState> {
  const snapshot = await content.readItem(folder, commit);
  if (!snapshot) return { folder, present: false };
  const problems: Problem[] = [];
  const ref = refFromFolder(folder);
  const { kind, namespace, name } = partsOf(folder);
  if (!ref) {
    problems.push({
      path: folder,
      message: 'is not a valid item folder: namespace and name must be lowercase a-z, 0-9 and hyphens',
    });
  } else if (!(await lookUpNamespace(db.namespaces, lookups, namespace))) {
    problems.push({ path: folder, message: `no user or team is named "${namespace}"; create it, then sync again` });
  }
  let fields: ReturnType<typeof fieldsOfBundle> | undefined;
  try {
    fields = fieldsOfBundle(
      prepareBundle(snapshot.files as ItemFile[], limits, { existing: { kind, name }, manifest: manifestOptions }),
    );
  } catch (error) {
    if (error instanceof ValidationError) problems.push(...error.problems);
    else if (error instanceof TooLargeError) {
      problems.push(...(error.problems.length > 0 ? error.problems : [{ path: folder, message: error.message }]));
    } else {
      // Validation is pure, so whatever else it throws (a parser bug, a stack overflow) will throw again on
      // every retry: the folder is marked invalid instead of stalling sync.
      problems.push({ path: folder, message: `could not be read as an item: ${String((error as Error)?.message)}` });
    }
  }
  return {
    folder,
    present: true,
    treeSha: snapshot.treeSha,
    fields: problems.length === 0 ? fields : undefined,
    problems,
  };
}

export interface ReconcileCounts {
  added: number;
  updated: number;
  removed: number;
  moved: number;
  invalid: number;
}

export const emptyCounts = (): ReconcileCounts => ({ added: 0, updated: 0, removed: 0, moved: 0, invalid: 0 });

/** One folder to reconcile: what git holds there, and the row it was moved from, unchanged, if it was. */
export interface FolderStep {
  readonly state: FolderState;
  /** The row of the folder this one was moved from, unchanged. */
  readonly movedFrom?: CatalogItem;
}

/**
 * Reads the folders that need work, pairing a removed folder with an added one of the same tree (a move), in
 * the order they must be applied (see applyFolderStates):
 * - a folder whose row already has that tree and is live (Atlas's own commit, echoed) is skipped;
 * - a folder moved unchanged (within its kind) keeps its row: tags, installs, owner and visibility move with it;
 * - removed folders first, then folders whose item already exists, then new folders, each by path.
 */
export async function planFolderSteps(
  deps: ReadDeps,
  diff: readonly ItemDiff[],
  commit: string,
): Promise<FolderStep[]> {
  const found = await deps.db.items.findByGitPaths(diff.map((d) => d.folder));
  const rows = new Map(found.map((row) => [row.gitPath, row]));
  const live = (row: CatalogItem | undefined): row is CatalogItem => row !== undefined && row.status !== 'deleted';

  const removed = diff.filter((d) => d.status === 'removed' && live(rows.get(d.folder)));
  const added = diff.filter((d) => {
    if (d.status === 'removed') return false;
    const row = rows.get(d.folder);
    // An echo: the catalog already has this exact tree here (Atlas wrote it).
    return !(row && row.treeSha === d.newTreeSha && (row.status === 'active' || row.status === 'deprecated'));
  });
  // Added folders without a row, by tree: a removed folder's row moves to the first of its tree, by path.
  const unclaimed = new Map<string, string[]>();
  for (const a of added) {
    if (rows.get(a.folder) || a.newTreeSha === undefined) continue;
    const list = unclaimed.get(a.newTreeSha) ?? [];
    list.push(a.folder);
    unclaimed.set(a.newTreeSha, list);
  }
  const moves = new Map<string, CatalogItem>();
  for (const gone of removed) {
    const row = rows.get(gone.folder)!;
    const candidates = unclaimed.get(row.treeSha);
    const index = candidates?.findIndex((folder) => !moves.has(folder)) ?? -1;
    const target = index >= 0 ? candidates![index]! : undefined;
    if (target && target.split('/')[0] === gone.folder.split('/')[0]) moves.set(target, row);
  }
  const movedAway = new Set([...moves.values()].map((row) => row.gitPath));
  const steps: FolderStep[] = [];
  for (const d of removed) {
    if (!movedAway.has(d.folder)) steps.push({ state: { folder: d.folder, present: false } });
  }
  // Items that exist keep what they hold (a server name) before new folders claim anything; then by path.
  const isNew = (folder: string) => (live(rows.get(folder)) || moves.has(folder) ? 0 : 1);
  const ordered = added.map((d) => d.folder).sort((a, b) => isNew(a) - isNew(b) || compareCodePoints(a, b));
  const states = await readFolderStates(deps, ordered, commit);
  for (const [index, folder] of ordered.entries()) steps.push({ state: states[index]!, movedFrom: moves.get(folder) });
  return steps;
}

/**
 * Makes the catalog row of one folder agree with git, inside the caller's transaction.
 * - gone from git: the item is marked deleted (its row, tags and installs stay);
 * - new in git: an item owned by the namespace's user or team, visible to the org;
 * - changed: the git-owned fields follow; tags, visibility, owner and installs stay;
 * - invalid (bad path, unknown namespace, broken manifest): recorded as `invalid` with its problems, made
 *   storable first (see storableProblems), so recording one never fails;
 * - an MCP server whose server.json `name` another live item already declares (the one that holds it keeps
 *   it; of two new folders, the first applied, see syncCatalog) is recorded as `invalid`, naming that item, and
 *   holds no server name.
 */
export function applyFolderState(
  tx: Repositories,
  state: FolderState,
  commit: string,
  now: Date,
  counts: ReconcileCounts,
  movedFrom?: CatalogItem,
): Promise<void> {
  return applyFolderStates(tx, [{ state, movedFrom }], commit, now, counts);
}

/**
 * applyFolderState of each step, in order, with what it needs from the database read in few statements: the
 * rows at the steps' folders in one lookup (each step has a folder of its own), each namespace once; new rows
 * and versions are written together, before any statement whose answer they could change (a server name's
 * holder) and before any update, so every step sees the ones applied before it exactly as one by one.
 */
export async function applyFolderStates(
  tx: Repositories,
  steps: readonly FolderStep[],
  commit: string,
  now: Date,
  counts: ReconcileCounts,
): Promise<void> {
  const found = await tx.items.findByGitPaths(steps.filter((s) => !s.movedFrom).map((s) => s.state.folder));
  const rows = new Map(found.map((row) => [row.gitPath, row]));
  const lookups: NamespaceLookups = new Map();
  let inserts: CatalogItem[] = [];
  let versions: ItemVersion[] = [];
  const flush = async () => {
    if (inserts.length > 0) await tx.items.insertMany(inserts);
    if (versions.length > 0) await tx.items.recordVersions(versions);
    inserts = [];
    versions = [];
  };
  for (const { state, movedFrom } of steps) {
    const existing = movedFrom ?? rows.get(state.folder);
    if (!state.present) {
      if (existing && existing.status !== 'deleted') {
        await flush();
        await tx.items.update({ ...existing, status: 'deleted', commitSha: commit, updatedAt: now });
        counts.removed++;
      }
      continue;
    }
    const { kind, namespace, name } = partsOf(state.folder);
    const owner = await lookUpNamespace(tx.namespaces, lookups, namespace);
    const base: CatalogItem = existing ?? {
      id: newId(now.getTime()),
      kind,
      namespace,
      name,
      gitPath: state.folder,
      treeSha: state.treeSha,
      commitSha: commit,
      manifest: {},
      title: null,
      description: '',
      version: null,
      serverName: null,
      ownerUserId: owner?.kind === 'user' ? owner.userId : null,
      teamId: owner?.kind === 'team' ? owner.teamId : null,
      tags: [],
      visibility: 'org',
      status: 'active',
      statusMessage: null,
      problems: [],
      usageCount: 0,
      historySince: null,
      createdAt: now,
      updatedAt: now,
    };
    // A folder moved into another namespace belongs to that namespace's team (or user) from now on.
    const moved = existing !== undefined && existing.namespace !== namespace;
    const ownership = moved
      ? owner?.kind === 'team'
        ? { teamId: owner.teamId, ownerUserId: base.ownerUserId }
        : { teamId: null, ownerUserId: owner?.kind === 'user' ? owner.userId : null }
      : {};
    const located = {
      ...base,
      ...ownership,
      kind,
      namespace,
      name,
      gitPath: state.folder,
      commitSha: commit,
      updatedAt: now,
    };
    let holder: CatalogItem | undefined;
    if (state.fields?.serverName) {
      // Read in the transaction, after the steps before this one are written, so that they count.
      await flush();
      holder = await tx.items.findByServerName(state.fields.serverName);
    }
    const taken = holder !== undefined && holder.id !== base.id ? holder : undefined;
    let next: CatalogItem;
    if (state.fields && !taken) {
      const revived = base.status === 'deleted' || base.status === 'invalid';
      next = {
        ...located,
        ...state.fields,
        status: revived ? 'active' : base.status,
        problems: [],
        statusMessage: revived ? null : base.statusMessage,
        historySince: historySinceOf(base, now),
      };
    } else {
      const problems = taken ? [serverNameProblem(state.fields!.serverName!, taken)] : state.problems;
      next = {
        ...located,
        treeSha: state.treeSha,
        status: 'invalid',
        problems: storableProblems(problems),
        statusMessage: 'invalid in git',
        // A folder refused for its server name gives up the one its row may have held; a broken manifest keeps it.
        ...(taken ? { serverName: null } : {}),
      };
      counts.invalid++;
    }
    const valid = next.status !== 'invalid';
    if (existing) {
      await flush();
      await tx.items.update(next);
      if (movedFrom) counts.moved++;
      else if (valid) counts.updated++;
    } else {
      inserts.push(next);
      if (valid) counts.added++;
    }
    if (valid) versions.push(versionOf(next, null, now));
  }
  await flush();
}

/** Why a folder cannot be the item of its server name: the item that holds the name. */
export function serverNameProblem(serverName: string, holder: CatalogItem): Problem {
  const ref = refText(holder);
  return {
    path: 'server.json#/name',
    message: `server name "${serverName}" is already declared by ${ref}; give this server another name, or make it a version of that item`,
  };
}

/** The most problems recorded on one invalid item; the rest are counted in a last one. */
export const MAX_RECORDED_PROBLEMS = 100;

/**
 * Problems as they can always be stored: NULs and lone surrogates replaced, each text capped, at most
 * MAX_RECORDED_PROBLEMS of them, so no folder, however poisoned, can make recording it fail.
 */
export function storableProblems(problems: readonly Problem[]): Problem[] {
  const kept = problems
    .slice(0, MAX_RECORDED_PROBLEMS)
    .map((problem) => ({ path: storableText(problem.path, 500), message: storableText(problem.message, 1000) }));
  if (problems.length > MAX_RECORDED_PROBLEMS) {
    kept.push({ path: '.', message: `and ${problems.length - MAX_RECORDED_PROBLEMS} more problems` });
  }
  return kept;
}

export const refText = (item: CatalogItem) => formatItemRef(item as unknown as ItemRef);
