/**
 * The initial sync of a large repository, on embedded PGlite (on disk in a temp folder) and a local bare git
 * repository: `--items` skills (10,000 by default) committed in one commit of loose objects, then one
 * `syncCatalog` brings an empty catalog (migrated, with the namespaces' teams) up to it. Target: under 10 s at
 * 10,000 items (DESIGN.md section 11). Then a full `verify` of the synced catalog, which must find no drift.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LocalGitContentStore } from '../src/adapters/git/local-git-content-store.ts';
import { openPglite } from '../src/adapters/postgres/connection.ts';
import { runMigrations } from '../src/adapters/postgres/migrate.ts';
import { PostgresDatabase } from '../src/adapters/postgres/postgres-database.ts';
import { syncCatalog } from '../src/application/sync/sync-catalog.ts';
import { verifyCatalog } from '../src/application/sync/verify-catalog.ts';
import { assembleDeps } from '../src/composition-root.ts';
import { buildTeam } from '../src/domain/testing/builders.ts';
import { CHEAP_ARGON2 } from '../src/testing/in-memory-deps.ts';
import { type BenchOptions, type BenchResult, round } from './harness.ts';
import { NAMESPACES, namespaceOf, seedRepository } from './sync.bench.ts';

const DEFAULT_ITEMS = 10_000;
const TARGET_MS = 10_000;

export async function run(options: BenchOptions = {}): Promise<BenchResult> {
  const size = options.items ?? DEFAULT_ITEMS;
  const loadBefore = loadavg()[0] ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'atlas-bench-initial-sync-'));
  try {
    const gitdir = join(dir, 'content.git');
    const gitStarted = performance.now();
    await seedRepository(gitdir, size);
    const gitMs = performance.now() - gitStarted;

    const connection = await openPglite({ dataDir: join(dir, 'pgdata') });
    const content = await LocalGitContentStore.open(gitdir);
    try {
      await runMigrations(connection);
      const db = new PostgresDatabase(connection);
      for (let n = 0; n < NAMESPACES; n++) await db.teams.insert(buildTeam({ slug: namespaceOf(n) }));
      const deps = assembleDeps(
        db,
        content,
        { authz: 'rbac', publicRead: false, registration: 'closed' },
        { argon2: CHEAP_ARGON2 },
      );
      const heapBefore = process.memoryUsage().heapUsed;
      const started = performance.now();
      const result = await syncCatalog(deps);
      const syncMs = performance.now() - started;
      if (result.counts.added !== size) throw new Error(`the initial sync added ${JSON.stringify(result.counts)}`);
      const rssAfter = process.memoryUsage().rss;

      const verifyStarted = performance.now();
      const report = await verifyCatalog(deps);
      const verifyMs = performance.now() - verifyStarted;
      if (report.driftCount !== 0) throw new Error(`verify after the initial sync found ${report.driftCount} drifted`);

      const label = size.toLocaleString('en');
      return {
        bench: `initial-sync-${size % 1000 === 0 ? `${size / 1000}k` : size}`,
        figures: [
          {
            name: `initial sync of ${label} items (PGlite)`,
            value: round(syncMs / 1000, 2),
            unit: 's',
            ...(size === DEFAULT_ITEMS ? { target: `< ${TARGET_MS / 1000} s`, ok: syncMs < TARGET_MS } : {}),
          },
          { name: 'initial sync, per item', value: round(syncMs / size, 3), unit: 'ms' },
          { name: `full verify of ${label} items after it`, value: round(verifyMs, 0), unit: 'ms' },
          { name: 'process RSS after the sync', value: round(rssAfter / 2 ** 20, 0), unit: 'MiB' },
          {
            name: 'JS heap grown by the sync (not collected)',
            value: round((process.memoryUsage().heapUsed - heapBefore) / 2 ** 20, 0),
            unit: 'MiB',
          },
        ],
        notes: [
          `${label} skills (SKILL.md, README.md, scripts/run.sh) in ${NAMESPACES} team namespaces, one commit of ` +
            `loose objects written directly (${round(gitMs / 1000, 1)} s); PGlite on disk in a temp folder, ` +
            'migrations applied, the teams inserted; then one syncCatalog from an empty catalog, timed',
          `machine load (1-minute average) ${round(loadBefore, 1)} before and ${round(loadavg()[0] ?? 0, 1)} after, ` +
            `on ${availableParallelism()} CPUs shared with other work: figures are pessimistic`,
        ],
      };
    } finally {
      await content.close();
      await connection.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
