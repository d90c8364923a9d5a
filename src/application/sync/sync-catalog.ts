import type { ItemDiff } from '../../domain/content/content-store.ts';
import { ConflictError, NotFoundError, ServerNameTakenError, StaleRevisionError } from '../../domain/errors.ts';
import type { Repositories } from '../../domain/repositories.ts';
import type { AtlasDeps } from '../deps.ts';
import { compareCatalog, driftAsDiff } from './compare-catalog.ts';
import {
  applyFolderStates,
  emptyCounts,
  type FolderStep,
  planFolderSteps,
  type ReconcileCounts,
  readFolderStates,
} from './reconcile-folder.ts';

export interface SyncResult {
  readonly from: string | null;
  readonly to: string;
  /** False when the catalog was already at the branch head. */
  readonly changed: boolean;
  /** Item folders read and applied (echoes of Atlas's own commits are not among them). */
  readonly folders: number;
  readonly counts: ReconcileCounts;
}

type Deps = Pick<AtlasDeps, 'db' | 'content' | 'clock' | 'limits'>;

export interface SyncOptions {
  /**
   * Re-read the invalid items of this namespace even when git did not change: the namespace was
   * just created, and folders recorded as invalid for lack of it may now be items.
   */
  readonly revisitNamespace?: string;
}

/** The folders of a namespace's invalid items (what a new user or team may make valid). */
export async function invalidFolders(
  db: Pick<Repositories, 'items'>,
  namespace: string,
  limit = 100,
): Promise<string[]> {
  const page = await db.items.search({ status: 'invalid', namespace, sort: 'name', limit, viewer: { kind: 'admin' } });
  return page.items.map((item) => item.gitPath);
}

class LostRace extends Error {}

const ATTEMPTS = 5;

/**
 * Brings the catalog up to the content branch's head.
 * - diffs `lastSyncedSha..head` at the level of item folders (tree SHAs) and reads only the folders
 *   that changed, so the work follows the change, not the catalog;
 * - a folder whose row already has that tree (Atlas's own commit, echoed by a webhook) is skipped;
 * - a folder moved unchanged keeps its row: tags, installs and owner move with it;
 * - every row change and the new `lastSyncedSha` land in one transaction; a concurrent sync that
 *   advanced first makes this one start over from there (compare-and-swap);
 * - removed folders are applied first, then folders whose item already exists, then new folders, each by path:
 *   of folders declaring one server name, the item that holds it keeps it, or on a first sync the first folder
 *   by path takes it, and the others are recorded as invalid, naming it (see planFolderSteps, applyFolderStates);
 * - when `lastSyncedSha` is no longer in the history (a force push), git is compared with the whole catalog.
 */
export async function syncCatalog(deps: Deps, options: SyncOptions = {}): Promise<SyncResult> {
  const { db, content, clock } = deps;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const { lastSyncedSha: from } = await db.sync.getState();
    const to = await content.head();
    const revisits = options.revisitNamespace ? await invalidFolders(db, options.revisitNamespace) : [];
    if (from === to && revisits.length === 0) return { from, to, changed: false, folders: 0, counts: emptyCounts() };
    const diff = from === to ? [] : await diffSince(deps, from, to);
    const known = new Set(diff.map((d) => d.folder));
    const revisited = await readFolderStates(
      deps,
      revisits.filter((folder) => !known.has(folder)),
      to,
    );
    const plan: FolderStep[] = [...(await planFolderSteps(deps, diff, to)), ...revisited.map((state) => ({ state }))];
    const counts = emptyCounts();
    try {
      await db.transaction(async (tx) => {
        const now = clock.now();
        // The compare-and-swap comes first: a concurrent sync waits here on the state row, then finds
        // it moved and starts over, instead of colliding with this one's rows.
        if (from !== to && !(await tx.sync.advance(from, to, now))) throw new LostRace();
        await applyFolderStates(tx, plan, to, now, counts);
      });
      return { from, to, changed: true, folders: plan.length, counts };
    } catch (error) {
      // A publish or another sync recorded one of these folders, or took one of their server names, meanwhile:
      // read again from the new state.
      if (
        !(error instanceof LostRace) &&
        !(error instanceof ConflictError) &&
        !(error instanceof ServerNameTakenError)
      ) {
        throw error;
      }
    }
  }
  throw new StaleRevisionError('another sync kept advancing the catalog; try again');
}

async function diffSince({ db, content }: Deps, from: string | null, to: string): Promise<ItemDiff[]> {
  if (from) {
    try {
      return await content.diffItems(from, to);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  const trees = await content.listItems(to);
  return driftAsDiff(compareCatalog(trees, await db.items.listPointers()), trees);
}
