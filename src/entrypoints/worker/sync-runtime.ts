import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { AtlasDeps } from '../../application/deps.ts';
import { type PollResult, pollContent } from '../../application/sync/poll-content.ts';
import { runNextSyncJob } from '../../application/sync/run-sync-job.ts';
import type { Leadership } from '../../domain/locks.ts';
import { startMarketplaceBranchRuntime } from './marketplace-branch-runtime.ts';

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
  /** How often the database's planner statistics are checked (and refreshed where stale); 1 minute by default, 0 never. */
  readonly statisticsEveryMs?: number;
}

export interface SyncRuntime {
  readonly workerId: string;
  /** True while this process is the elected poller. */
  isPoller(): boolean;
  /** Runs one poll now, when this process is (or becomes) the poller; undefined when another process is. */
  pollOnce(): Promise<PollResult | undefined>;
  stop(): Promise<void>;
}

/**
 * The background side of sync, in `atlas serve` and `atlas worker`:
 * - a worker that claims queued sync jobs (webhooks, polls) one at a time; every process runs one,
 *   and SKIP LOCKED gives each job to exactly one of them;
 * - a poller, elected with an advisory lock so that one process polls, that runs `pollContent` every
 *   `pollSeconds`: it queues a sync when the branch head moved, and verifies on a slow schedule;
 * - the upkeep of the planner's statistics (Database.refreshStatistics): at start, after every sync that changed
 *   the catalog, and every `statisticsEveryMs`, since publishes grow the tables too.
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
  // do not keep an otherwise finished process alive. A pause that begins after stop() (its loop was busy when
  // stop() woke the others) does not wait at all.
  const wakers = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (!running) {
        resolve();
        return;
      }
      const done = () => {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref?.();
      wakers.add(done);
    });
  const startedAt = deps.clock.now();
  const statisticsEveryMs = options.statisticsEveryMs ?? 60_000;

  // One refresh at a time: a sync that lands during the timer's refresh does not start a second one.
  let refreshing: Promise<void> | undefined;
  const refreshStatistics = (): Promise<void> => {
    refreshing ??= (async () => {
      const started = performance.now();
      try {
        // One process of a cluster at a time: the others would only wait for its vacuum and then find nothing.
        let tables: readonly string[] = [];
        await deps.db.locks.tryRun('planner-statistics', async () => {
          tables = await deps.db.refreshStatistics();
        });
        if (tables.length > 0) {
          log.info({ tables, ms: Math.round(performance.now() - started) }, 'refreshed the query planner statistics');
        }
      } catch (error) {
        log.warn({ err: error }, 'could not refresh the query planner statistics; will try again');
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  };

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
            await refreshStatistics();
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

  const pollOnce = async (): Promise<PollResult | undefined> => {
    if (!leadership?.held) {
      await leadership?.release();
      leadership = await deps.db.locks.lead('poller');
      if (!leadership.held) return undefined;
      log.info({ workerId }, 'this process is the poller');
    }
    const result = await pollContent(deps, { verifyEveryMs, verifySince: startedAt });
    if (result.verify) {
      const { driftCount, drift, head } = result.verify;
      log[driftCount === 0 ? 'info' : 'warn']({ drift, head }, `scheduled verify: ${driftCount} drifted item(s)`);
    }
    return result;
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

  const upkeep = async () => {
    while (running) {
      await refreshStatistics();
      await sleep(statisticsEveryMs);
    }
  };

  const loops = [work()];
  if ((options.poll ?? true) && pollMs > 0) loops.push(poll());
  if (statisticsEveryMs > 0) loops.push(upkeep());
  const marketplace = deps.marketplaceBranch
    ? startMarketplaceBranchRuntime(deps, deps.marketplaceBranch, {
        log,
        identity: { name: 'atlas', owner: 'Atlas', origin: deps.syncSettings.repository ?? 'Atlas' },
      })
    : undefined;
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
      await marketplace?.stop();
      await leadership?.release();
    },
  };
}
