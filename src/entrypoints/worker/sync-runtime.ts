import { hostname } from 'node:os';
import type { AtlasDeps } from '../../application/deps.ts';
import { newSyncJob, runNextSyncJob } from '../../application/sync/run-sync-job.ts';
import { verifyCatalog } from '../../application/sync/verify-catalog.ts';
import type { Leadership } from '../../domain/locks.ts';

export interface SyncRuntimeLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface SyncRuntimeOptions {
  readonly log: SyncRuntimeLog;
  /** Whether this process takes part in electing the poller (and the scheduled verifier). */
  readonly poll?: boolean;
  /** How often the elected poller verifies the whole catalog; 6 hours by default, 0 never. */
  readonly verifyEveryMs?: number;
  /** How often an idle worker looks at the queue for jobs other processes enqueued. */
  readonly idleMs?: number;
  readonly backoffBaseMs?: number;
  readonly workerId?: string;
}

export interface SyncRuntime {
  readonly workerId: string;
  /** True while this process is the elected poller. */
  isPoller(): boolean;
  /** Runs one poll now (tests and `atlas sync` use it). */
  pollOnce(): Promise<void>;
  stop(): Promise<void>;
}

const FAILURE_COOLDOWN_MS = 5 * 60_000;

/**
 * The background side of sync, in `atlas serve` and `atlas worker`:
 * - a worker that claims queued sync jobs (webhooks, polls) one at a time; every process runs one,
 *   and SKIP LOCKED gives each job to exactly one of them;
 * - a poller, elected with an advisory lock so that one process polls, that compares the branch head
 *   with the last synced commit every `pollSeconds` and enqueues a sync when they differ, catching
 *   pushes whose webhook was lost and commits made by hand to a local repository;
 * - a slow scheduled verify by the poller, whose report the sync status shows.
 */
export function startSyncRuntime(deps: AtlasDeps, options: SyncRuntimeOptions): SyncRuntime {
  const { log } = options;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const idleMs = options.idleMs ?? 1000;
  const pollMs = deps.syncSettings.pollSeconds * 1000;
  const verifyEveryMs = options.verifyEveryMs ?? 6 * 3600_000;
  let running = true;
  let leadership: Leadership | undefined;
  // Pauses end early when the runtime stops, so stop() never waits out a poll interval; their timers
  // do not keep an otherwise finished process alive.
  const wakers = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref?.();
      wakers.add(done);
    });
  let lastVerify = Date.now();

  const work = async () => {
    while (running) {
      try {
        const outcome = await runNextSyncJob({ ...deps, backoffBaseMs: options.backoffBaseMs }, workerId);
        if (!outcome) {
          await deps.jobSignal.wait(idleMs);
          continue;
        }
        if ('result' in outcome) {
          if (outcome.result.changed) {
            log.info({ job: outcome.job.id, reason: outcome.job.reason, ...outcome.result }, 'catalog synced');
          }
        } else {
          const level = outcome.retryAt ? 'warn' : 'error';
          log[level](
            { job: outcome.job.id, attempt: outcome.job.attempts, error: outcome.error, retryAt: outcome.retryAt },
            outcome.retryAt ? 'sync failed; will retry' : 'sync failed for good; the job is parked as failed',
          );
        }
      } catch (error) {
        // The queue itself is unreachable (the database is down): wait and try again.
        log.warn({ err: error }, 'sync worker cannot reach the queue');
        await sleep(Math.max(idleMs, 2000));
      }
    }
  };

  const pollOnce = async () => {
    if (!leadership?.held) {
      await leadership?.release();
      leadership = await deps.db.locks.lead('poller');
      if (!leadership.held) return;
      log.info({ workerId }, 'this process is the poller');
    }
    const [{ lastSyncedSha }, head] = await Promise.all([deps.db.sync.getState(), deps.content.head()]);
    if (head !== lastSyncedSha) {
      const pending = (await deps.db.sync.countJobs('queued')) + (await deps.db.sync.countJobs('running'));
      // After a job failed for good, wait a while before the next try, so a lasting fault (a bad
      // token, GitHub down) fills the failed list with one job every few minutes, not every poll.
      const [lastFailed] = await deps.db.sync.listJobs('failed', 1);
      const coolingDown = lastFailed !== undefined && Date.now() - lastFailed.updatedAt.getTime() < FAILURE_COOLDOWN_MS;
      if (pending === 0 && !coolingDown) {
        await deps.db.sync.enqueue(
          newSyncJob('poll', deps.clock.now(), { afterSha: head }, deps.syncSettings.maxAttempts),
        );
        deps.jobSignal.notify();
      }
    }
    if (verifyEveryMs > 0 && Date.now() - lastVerify >= verifyEveryMs) {
      lastVerify = Date.now();
      const report = await verifyCatalog(deps);
      const level = report.driftCount === 0 ? 'info' : 'warn';
      log[level]({ drift: report.drift, head: report.head }, `scheduled verify: ${report.driftCount} drifted item(s)`);
    }
  };

  const poll = async () => {
    while (running) {
      try {
        await pollOnce();
      } catch (error) {
        log.warn({ err: error }, 'poll failed; will try again');
      }
      await sleep(pollMs);
    }
  };

  const loops = [work()];
  if ((options.poll ?? true) && pollMs > 0) loops.push(poll());
  return {
    workerId,
    isPoller: () => leadership?.held === true,
    pollOnce,
    async stop() {
      running = false;
      deps.jobSignal.notify();
      for (const wake of [...wakers]) wake();
      // A sync in flight finishes (its transaction is short); the loops then see `running` is false.
      await Promise.all(loops);
      await leadership?.release();
    },
  };
}
