import type { AtlasDeps } from '../deps.ts';
import { compareCatalog, type Drift, driftAsDiff } from './compare-catalog.ts';
import { applyFolderStates, emptyCounts, planFolderSteps, type ReconcileCounts } from './reconcile-folder.ts';

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
    const invalid = pointers
      .filter((p) => p.status === 'invalid' && !drifted.has(p.gitPath))
      .map((p) => ({ folder: p.gitPath, status: 'changed' as const, oldTreeSha: p.treeSha, newTreeSha: p.treeSha }));
    // As sync plans a diff: a folder moved unchanged keeps its row (tags, installs, owner, visibility), and
    // removals come first, then items that exist, then new folders, so that an item keeps its server name
    // against a folder that claims it.
    const steps = await planFolderSteps(deps, [...changes, ...invalid], head);
    await db.transaction(async (tx) => {
      const now = clock.now();
      await applyFolderStates(tx, steps, head, now, counts);
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
