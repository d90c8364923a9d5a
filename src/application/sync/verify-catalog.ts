import type { ItemDiff } from '../../domain/content/content-store.ts';
import type { AtlasDeps } from '../deps.ts';
import { compareCatalog, type Drift, driftAsDiff } from './compare-catalog.ts';
import { applyFolderState, emptyCounts, type ReconcileCounts, readFolderState } from './reconcile-folder.ts';

export interface VerifyReport {
  readonly head: string;
  readonly checkedAt: string;
  /** Item folders in git. */
  readonly folders: number;
  /** Items the catalog says are in git. */
  readonly items: number;
  readonly drift: Drift;
  readonly driftCount: number;
  /** With repair: what was changed to make them agree. */
  readonly repaired?: ReconcileCounts;
}

/**
 * Walks every item folder at the branch head and compares its tree SHA with the catalog: folders
 * only in git, items only in the catalog, and stale items. With `repair`, each drifted folder (and
 * each invalid item) is reconciled as sync would, and the catalog is marked as synced to that head.
 */
export async function verifyCatalog(
  deps: Pick<AtlasDeps, 'db' | 'content' | 'clock' | 'limits'>,
  options: { repair?: boolean } = {},
): Promise<VerifyReport> {
  const { db, content, clock } = deps;
  const head = await content.head();
  const [trees, pointers] = await Promise.all([content.listItems(head), db.items.listPointers()]);
  const drift = compareCatalog(trees, pointers);
  const driftCount = drift.gitOnly.length + drift.dbOnly.length + drift.stale.length;
  let repaired: ReconcileCounts | undefined;
  if (options.repair) {
    repaired = emptyCounts();
    const counts = repaired;
    const changes = driftAsDiff(drift, trees);
    const drifted = new Set(changes.map((d) => d.folder));
    // Invalid items are read again too: what made them invalid (a missing team, say) may be fixed.
    const invalid = pointers.filter((p) => p.status === 'invalid' && !drifted.has(p.gitPath)).map((p) => p.gitPath);
    // In sync's order: removals, then items that exist (drifted, then invalid), then new folders, so that an
    // item keeps its server name against a folder that claims it.
    const read = (folder: string) => readFolderState(deps, folder, head);
    const foldersOf = (status: ItemDiff['status']) => changes.filter((d) => d.status === status).map((d) => d.folder);
    const states = [
      ...foldersOf('removed').map((folder) => ({ folder, present: false as const })),
      ...(await Promise.all([
        ...foldersOf('changed').map(read),
        ...invalid.map(read),
        ...foldersOf('added').map(read),
      ])),
    ];
    await db.transaction(async (tx) => {
      const now = clock.now();
      for (const state of states) await applyFolderState(tx, state, head, now, counts);
      const { lastSyncedSha } = await tx.sync.getState();
      await tx.sync.advance(lastSyncedSha, head, now);
    });
  }
  const report: VerifyReport = {
    head,
    checkedAt: clock.now().toISOString(),
    folders: trees.length,
    items: pointers.length,
    drift,
    driftCount,
    ...(repaired ? { repaired } : {}),
  };
  await db.sync.recordVerify({ ...report }, clock.now());
  return report;
}
