import { RateLimitedError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { storableText } from '../../domain/manifests/json-safe.ts';
import type { SyncJob } from '../../domain/sync/sync-job.ts';
import type { SyncReason } from '../../domain/sync/sync-reason.ts';
import type { AtlasDeps } from '../deps.ts';
import { type SyncResult, syncCatalog } from './sync-catalog.ts';

/** How long a claimed job is a worker's before another may take it over (the worker is presumed dead). */
export const JOB_LEASE_MS = 5 * 60_000;

/** Exponential backoff with jitter: about 1 s, 2 s, 4 s ... capped at 5 minutes, each between 50% and 150%. */
export function backoffMs(attempt: number, baseMs = 1000, random: () => number = Math.random): number {
  const exponential = Math.min(baseMs * 2 ** (attempt - 1), 5 * 60_000);
  return Math.round(exponential * (0.5 + random()));
}

/** A new queued job, due at `now` unless `extra` says otherwise. */
export function newSyncJob(reason: SyncReason, now: Date, extra: Partial<SyncJob> = {}, maxAttempts = 5): SyncJob {
  return {
    id: newId(now.getTime()),
    reason,
    deliveryId: null,
    afterSha: null,
    status: 'queued',
    attempts: 0,
    maxAttempts,
    runAfter: now,
    lockedBy: null,
    lockedUntil: null,
    lastError: null,
    createdAt: now,
    updatedAt: now,
    ...extra,
  };
}

/**
 * A failure as the job records it: storable whatever it holds (NULs and lone surrogates replaced, length
 * capped, see storableText), because a job whose error cannot be written would stay `running`.
 */
export function describeError(error: unknown): string {
  try {
    return storableText(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  } catch {
    return 'an error that cannot be shown';
  }
}

export type JobOutcome =
  | { readonly job: SyncJob; readonly result: SyncResult }
  | { readonly job: SyncJob; readonly error: string; readonly retryAt: Date | null };

/**
 * Claims the next due sync job and runs it. Undefined when no job is due.
 * - the oldest due job is claimed for `worker` under a lease of JOB_LEASE_MS, counting an attempt;
 * - it brings the catalog up to the head; a `namespace` job also rereads that namespace's invalid folders;
 * - a failure is queued again after an exponential backoff with jitter, and no sooner than a rate
 *   limit allows; after the last attempt the job is parked as `failed` with its error, made storable first.
 */
export async function runNextSyncJob(
  deps: Pick<AtlasDeps, 'db' | 'content' | 'clock' | 'limits'> & { backoffBaseMs?: number },
  worker: string,
): Promise<JobOutcome | undefined> {
  const { db, clock } = deps;
  const claimedAt = clock.now();
  const job = await db.sync.claim(worker, claimedAt, new Date(claimedAt.getTime() + JOB_LEASE_MS));
  if (!job) return undefined;
  try {
    const revisitNamespace = job.reason.kind === 'namespace' ? job.reason.namespace : undefined;
    const result = await syncCatalog(deps, { revisitNamespace });
    await db.sync.complete(job.id, clock.now());
    return { job, result };
  } catch (error) {
    const message = describeError(error);
    const now = clock.now();
    // A rate limit says when to come back: retrying earlier only burns the remaining attempts.
    const notBefore = error instanceof RateLimitedError ? error.retryAt.getTime() : 0;
    const retryAt =
      job.attempts < job.maxAttempts
        ? new Date(Math.max(now.getTime() + backoffMs(job.attempts, deps.backoffBaseMs), notBefore))
        : null;
    await db.sync.fail(job.id, message, now, retryAt);
    return { job, error: message, retryAt };
  }
}
