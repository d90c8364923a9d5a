import type { Actor } from '../../domain/accounts/actor.ts';
import type { SyncJob } from '../../domain/sync/sync-job.ts';
import { auditEntry } from '../audit.ts';
import type { AtlasDeps } from '../deps.ts';
import { requireAdmin } from './get-sync-status.ts';
import { newSyncJob } from './run-sync-job.ts';

/** What a request to sync now did. */
export type QueueSyncResult =
  | { readonly outcome: 'queued'; readonly head: string; readonly job: SyncJob }
  | { readonly outcome: 'already-queued'; readonly head: string; readonly job: SyncJob }
  | { readonly outcome: 'up-to-date'; readonly head: string };

/**
 * Queues a sync of the content branch's current head for the worker, as a person asking for it (`manual`). For admins.
 * - a head equal to the last synced commit is `up-to-date`: nothing is queued;
 * - a job already waiting in the queue will reach the head when it runs: `already-queued`, that job, nothing added
 *   (a running job may have read the head before it moved, so it does not count);
 * - otherwise a `manual` job for the head is queued, with an audit entry (`sync.queue`), and this process's worker
 *   woken: `queued`. Unlike the poller, a person's request ignores the cooldown after a failed job.
 * Only the sync runs in the worker; the caller gets the job to follow in the sync status.
 */
export async function queueSync(
  deps: Pick<AtlasDeps, 'db' | 'content' | 'clock' | 'authorizer' | 'syncSettings' | 'jobSignal'>,
  actor: Actor,
): Promise<QueueSyncResult> {
  requireAdmin(deps, actor);
  const { db, content, clock, syncSettings, jobSignal } = deps;
  const [state, head] = await Promise.all([db.sync.getState(), content.head()]);
  if (head === state.lastSyncedSha) return { outcome: 'up-to-date', head };
  const [waiting] = await db.sync.listJobs('queued', 1);
  if (waiting) return { outcome: 'already-queued', head, job: waiting };
  const now = clock.now();
  const job = newSyncJob({ kind: 'manual' }, now, { afterSha: head }, syncSettings.maxAttempts);
  await db.transaction(async (tx) => {
    await tx.sync.enqueue(job);
    await tx.audit.append(auditEntry(actor, now, 'sync.queue', head, { job: job.id }));
  });
  jobSignal.notify();
  return { outcome: 'queued', head, job };
}
