import { afterEach, describe, expect, it } from 'vitest';
import type { AtlasDeps } from '../../application/deps.ts';
import { newSyncJob } from '../../application/sync/run-sync-job.ts';
import { commitFiles, seedNamespaces, skillMd, syncDeps } from '../../application/sync/testing/sync-fixtures.ts';
import type { Database } from '../../domain/repositories.ts';
import { type SyncRuntime, type SyncRuntimeLog, startSyncRuntime } from './sync-runtime.ts';

/** The deps with a database that counts refreshStatistics calls (and can fail them). */
function counting(base: AtlasDeps): { deps: AtlasDeps; calls: () => number; fail: (on: boolean) => void } {
  let calls = 0;
  let failing = false;
  const db = new Proxy(base.db, {
    get(target, property) {
      if (property === 'refreshStatistics') {
        return async () => {
          calls++;
          if (failing) throw new Error('the statistics could not be read');
          return ['catalog_items'];
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as Database;
  return { deps: { ...base, db }, calls: () => calls, fail: (on) => (failing = on) };
}

function lines(): SyncRuntimeLog & { lines: string[] } {
  const out: string[] = [];
  const write = (level: string) => (details: object, message: string) => {
    out.push(`${level} ${message} ${JSON.stringify(details, (_k, v) => (v instanceof Error ? v.message : v))}`);
  };
  return { lines: out, info: write('info'), warn: write('warn'), error: write('error') };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the sync runtime keeps the planner statistics current', () => {
  let runtime: SyncRuntime | undefined;
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
  });

  it('refreshes them at start and then on its schedule, and logs the tables it refreshed', async () => {
    const { deps, calls } = counting(syncDeps());
    const log = lines();
    runtime = startSyncRuntime(deps, { log, poll: false, idleMs: 20, statisticsEveryMs: 30 });
    await until(() => calls() >= 3, 'three refreshes');
    expect(log.lines.filter((l) => l.startsWith('info refreshed the query planner statistics'))).not.toHaveLength(0);
    expect(log.lines.find((l) => l.includes('refreshed the query planner'))).toContain('"tables":["catalog_items"]');
  });

  it('refreshes them after a sync that changed the catalog, with the schedule off', async () => {
    const base = syncDeps();
    await seedNamespaces(base.db);
    await commitFiles(base.content, { 'skills/alice/pdf-tools/SKILL.md': skillMd('pdf-tools') });
    const { deps, calls } = counting(base);
    runtime = startSyncRuntime(deps, { log: lines(), poll: false, idleMs: 20, statisticsEveryMs: 0 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls()).toBe(0);
    await deps.db.sync.enqueue(newSyncJob({ kind: 'webhook' }, deps.clock.now()));
    deps.jobSignal.notify();
    await until(() => calls() === 1, 'the refresh after the sync');
    expect(await deps.db.items.findByGitPath('skills/alice/pdf-tools')).toMatchObject({ status: 'active' });
  });

  it('leaves the refresh to the process that holds it, and takes it up once that one is done', async () => {
    const { deps, calls } = counting(syncDeps());
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Another process of the cluster, in the middle of its refresh.
    const other = deps.db.locks.tryRun('planner-statistics', () => released);
    runtime = startSyncRuntime(deps, { log: lines(), poll: false, idleMs: 20, statisticsEveryMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(calls()).toBe(0);
    release();
    expect(await other).toBe(true);
    await until(() => calls() >= 1, 'a refresh once the lock is free');
  });

  it('stops at once when asked during a refresh, without waiting out the schedule', async () => {
    const base = syncDeps();
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = false;
    const db = new Proxy(base.db, {
      get(target, property) {
        if (property === 'refreshStatistics') {
          return async () => {
            started = true;
            await released;
            return [];
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Database;
    const slow = startSyncRuntime(
      { ...base, db },
      { log: lines(), poll: false, idleMs: 20, statisticsEveryMs: 60_000 },
    );
    await until(() => started, 'the first refresh');
    const stopping = slow.stop();
    release();
    const outcome = await Promise.race([
      stopping.then(() => 'stopped'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting after 2 s'), 2000)),
    ]);
    expect(outcome).toBe('stopped');
  });

  it('logs a refresh that fails and goes on', async () => {
    const { deps, calls, fail } = counting(syncDeps());
    fail(true);
    const log = lines();
    runtime = startSyncRuntime(deps, { log, poll: false, idleMs: 20, statisticsEveryMs: 20 });
    await until(() => calls() >= 2, 'a second refresh after a failed one');
    expect(log.lines.some((l) => l.startsWith('warn could not refresh the query planner statistics'))).toBe(true);
  });
});
