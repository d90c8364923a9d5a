import type { SyncJob } from '../../domain/sync/sync-job.ts';
import type { AtlasDeps } from '../deps.ts';
import { newSyncJob } from './run-sync-job.ts';
import { type VerifyReport, verifyCatalog } from './verify-catalog.ts';

/** After a job is parked as failed, the poller queues no sync for this long. */
export const FAILURE_COOLDOWN_MS = 5 * 60_000;

export interface PollContentInput {
  /** How often the whole catalog is verified; 0 never. */
  readonly verifyEveryMs: number;
  /** The verify schedule counts from the later of this and the last recorded verify: when the poller started. */
  readonly verifySince: Date;
}

/** What a poll did about the branch head. */
export type PollOutcome =
  | { readonly outcome: 'queued'; readonly job: SyncJob }
  | { readonly outcome: 'up-to-date' }
  | { readonly outcome: 'busy' }
  | { readonly outcome: 'cooling-down'; readonly until: Date };

export type PollResult = PollOutcome & {
  readonly head: string;
  /** The report of the scheduled verify, when one was due and ran. */
  readonly verify?: VerifyReport;
};

/**
 * One look by the elected poller at the content branch, catching pushes whose webhook was lost and
 * commits made by hand to a local repository:
 * - a head equal to the last synced commit is `up-to-date`: nothing is queued;
 * - a sync already queued or running will reach the head: `busy`, nothing is queued;
 * - within FAILURE_COOLDOWN_MS of the last job parked as failed it is `cooling-down`: a lasting fault
 *   (a bad token, GitHub down) then parks one job every few minutes, not one every poll;
 * - otherwise a `poll` job for the head is queued and the worker woken;
 * - the whole catalog is verified when `verifyEveryMs` has passed since the later of `verifySince` and
 *   the last recorded verify (scheduled or on demand, by any process); the report is recorded.
 */
export async function pollContent(
  deps: Pick<AtlasDeps, 'db' | 'content' | 'clock' | 'limits' | 'syncSettings' | 'jobSignal'>,
  input: PollContentInput,
): Promise<PollResult> {
  const { db, content, clock, syncSettings, jobSignal } = deps;
  const [state, head] = await Promise.all([db.sync.getState(), content.head()]);
  const now = clock.now();
  const outcome = await decide();
  const lastVerify = Math.max(input.verifySince.getTime(), state.lastVerifiedAt?.getTime() ?? 0);
  const verifyDue = input.verifyEveryMs > 0 && now.getTime() - lastVerify >= input.verifyEveryMs;
  const verify = verifyDue ? await verifyCatalog(deps) : undefined;
  return { ...outcome, head, ...(verify ? { verify } : {}) };

  async function decide(): Promise<PollOutcome> {
    if (head === state.lastSyncedSha) return { outcome: 'up-to-date' };
    const [queued, running, [lastFailed]] = await Promise.all([
      db.sync.countJobs('queued'),
      db.sync.countJobs('running'),
      db.sync.listJobs('failed', 1),
    ]);
    if (queued + running > 0) return { outcome: 'busy' };
    const until = lastFailed && new Date(lastFailed.updatedAt.getTime() + FAILURE_COOLDOWN_MS);
    if (until && now < until) return { outcome: 'cooling-down', until };
    const job = newSyncJob({ kind: 'poll' }, now, { afterSha: head }, syncSettings.maxAttempts);
    await db.sync.enqueue(job);
    jobSignal.notify();
    return { outcome: 'queued', job };
  }
}
