import type { Actor } from '../../domain/accounts/actor.ts';
import type { CatalogItem } from '../../domain/catalog/catalog-item.ts';
import { ForbiddenError, UnauthenticatedError } from '../../domain/errors.ts';
import type { SyncJob } from '../../domain/sync/sync-job.ts';
import type { AtlasDeps } from '../deps.ts';

export interface SyncStatus {
  readonly head: string;
  readonly lastSyncedSha: string | null;
  readonly lastSyncedAt: Date | null;
  /** True when the branch has commits the catalog has not applied yet. */
  readonly behind: boolean;
  /** Seconds since the last sync while behind; 0 when up to date. */
  readonly lagSeconds: number;
  readonly queue: { readonly queued: number; readonly running: number; readonly failed: number };
  readonly failedJobs: SyncJob[];
  /** Folders in git that could not be made items, with why. */
  readonly invalidItems: CatalogItem[];
  readonly lastVerify: { readonly at: Date | null; readonly report: Readonly<Record<string, unknown>> | null };
}

export function requireAdmin({ authorizer }: Pick<AtlasDeps, 'authorizer'>, actor: Actor): void {
  if (!actor.user) throw new UnauthenticatedError('sign in first');
  if (!authorizer.isAdmin(actor)) throw new ForbiddenError('only administrators see and run sync');
}

/** Where sync stands: head and last synced commit, lag, the queue, failed jobs, invalid items, last verify. For admins. */
export async function getSyncStatus(
  deps: Pick<AtlasDeps, 'db' | 'content' | 'clock' | 'authorizer'>,
  actor: Actor,
): Promise<SyncStatus> {
  requireAdmin(deps, actor);
  const { db, content, clock } = deps;
  const [head, state, queued, running, failed, failedJobs, invalid] = await Promise.all([
    content.head(),
    db.sync.getState(),
    db.sync.countJobs('queued'),
    db.sync.countJobs('running'),
    db.sync.countJobs('failed'),
    db.sync.listJobs('failed', 20),
    db.items.search({ status: 'invalid', sort: 'updated', limit: 50, viewer: { kind: 'admin' }, full: true }),
  ]);
  const behind = head !== state.lastSyncedSha;
  const since = state.lastSyncedAt ? (clock.now().getTime() - state.lastSyncedAt.getTime()) / 1000 : 0;
  return {
    head,
    lastSyncedSha: state.lastSyncedSha,
    lastSyncedAt: state.lastSyncedAt,
    behind,
    lagSeconds: behind ? Math.max(0, Math.round(since)) : 0,
    queue: { queued, running, failed },
    failedJobs,
    invalidItems: invalid.items,
    lastVerify: { at: state.lastVerifiedAt, report: state.lastVerifyReport },
  };
}
