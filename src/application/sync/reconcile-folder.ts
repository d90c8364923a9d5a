import { type CatalogItem, historySinceOf } from '../../domain/catalog/catalog-item.ts';
import { type ItemKind, KIND_LAYOUT } from '../../domain/catalog/item-kind.ts';
import { formatItemRef, type ItemRef, refFromFolder } from '../../domain/catalog/item-ref.ts';
import { prepareBundle } from '../../domain/catalog/prepare-bundle.ts';
import type { ItemFile } from '../../domain/content/content-store.ts';
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

/**
 * Reads and validates one item folder at a commit: its files, manifest, limits and namespace.
 * Anything wrong is kept as problems (the folder becomes an `invalid` item), never thrown.
 */
export async function readFolderState(
  { content, db, limits, manifestOptions }: Pick<AtlasDeps, 'content' | 'db' | 'limits' | 'manifestOptions'>,
  folder: string,
  commit: string,
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
  } else if (!(await db.namespaces.findByName(namespace))) {
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
export async function applyFolderState(
  tx: Repositories,
  state: FolderState,
  commit: string,
  now: Date,
  counts: ReconcileCounts,
  movedFrom?: CatalogItem,
): Promise<void> {
  const existing = movedFrom ?? (await tx.items.findByGitPath(state.folder));
  if (!state.present) {
    if (existing && existing.status !== 'deleted') {
      await tx.items.update({ ...existing, status: 'deleted', commitSha: commit, updatedAt: now });
      counts.removed++;
    }
    return;
  }
  const { kind, namespace, name } = partsOf(state.folder);
  const owner = await tx.namespaces.findByName(namespace);
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
  // Read in the transaction, so that folders applied before this one in the same sync count.
  const holder = state.fields?.serverName ? await tx.items.findByServerName(state.fields.serverName) : undefined;
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
    await tx.items.update(next);
    if (movedFrom) counts.moved++;
    else if (valid) counts.updated++;
  } else {
    await tx.items.insert(next);
    if (valid) counts.added++;
  }
  if (valid) await tx.items.recordVersion(versionOf(next, null, now));
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
