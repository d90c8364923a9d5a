/**
 * A server's start and memory on a large embedded home: `--items` skills (10,000 by default) seeded into a new
 * ATLAS_HOME (git as loose objects, then one initial sync into PGlite, both timed), then `atlas serve` (the built
 * CLI, as an installed command runs it) started on it twice. Each start is timed from spawning to the first 200
 * from /healthz; the server's resident memory (VmRSS) is read when it is ready, after a burst of reads
 * (searches, browses, item pages, item files, versions) and after the skill discovery index (which reads every
 * skill), with the JS heap and the memory outside it from its own /metrics.
 * Also on a PostgreSQL server (`DATABASE_URL`) when ATLAS_BENCH_DATABASE_URL is set: a new database on it, dropped
 * afterwards; ATLAS_BENCH_SERVER_ONLY=1 skips the embedded run.
 * Targets: a second start ready in under 3 s at 10,000 items, and under 300 MB resident serving 100,000.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { LocalGitContentStore } from '../src/adapters/git/local-git-content-store.ts';
import { openPglite, openPostgres } from '../src/adapters/postgres/connection.ts';
import { runMigrations } from '../src/adapters/postgres/migrate.ts';
import { PostgresDatabase } from '../src/adapters/postgres/postgres-database.ts';
import {
  createServerDatabase,
  dropServerDatabase,
  withDatabase,
} from '../src/adapters/postgres/testing/test-databases.ts';
import { syncCatalog } from '../src/application/sync/sync-catalog.ts';
import { assembleDeps } from '../src/composition-root.ts';
import { buildTeam } from '../src/domain/testing/builders.ts';
import { CHEAP_ARGON2 } from '../src/testing/in-memory-deps.ts';
import { type BenchOptions, type BenchResult, type Figure, median, round } from './harness.ts';
import { folderOf, NAMESPACES, namespaceOf, seedRepository } from './sync.bench.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'atlas.mjs');
const DEFAULT_ITEMS = 10_000;
const STARTS = 2;
/** Requests of the burst, and how many are in flight at once. */
const BURST = 600;
const IN_FLIGHT = 8;
const START_TARGET_MS = 3000;
const RSS_TARGET_MB = 300;
const MiB = 2 ** 20;

/**
 * A new home with `size` skills in git and the catalog synced to them: into PGlite under the home, or into the
 * PostgreSQL database at `databaseUrl`.
 */
async function buildHome(home: string, size: number, databaseUrl?: string): Promise<{ gitMs: number; syncMs: number }> {
  const started = performance.now();
  await seedRepository(join(home, 'content.git'), size);
  const gitMs = performance.now() - started;
  const connection = databaseUrl
    ? await openPostgres(databaseUrl)
    : await openPglite({ dataDir: join(home, 'pgdata') });
  const content = await LocalGitContentStore.open(join(home, 'content.git'));
  try {
    await runMigrations(connection);
    const db = new PostgresDatabase(connection);
    for (let n = 0; n < NAMESPACES; n++) await db.teams.insert(buildTeam({ slug: namespaceOf(n) }));
    const deps = assembleDeps(
      db,
      content,
      { authz: 'rbac', publicRead: true, registration: 'closed' },
      {
        argon2: CHEAP_ARGON2,
      },
    );
    const syncStarted = performance.now();
    const result = await syncCatalog(deps);
    if (result.counts.added !== size) throw new Error(`the initial sync added ${JSON.stringify(result.counts)}`);
    return { gitMs, syncMs: performance.now() - syncStarted };
  } finally {
    await content.close();
    await connection.close();
  }
}

/** Resident memory of a process in bytes, from /proc (what the kernel counts against it). */
function residentBytes(pid: number): number {
  return statusBytes(pid, 'VmRSS');
}

/** A `kB` line of /proc/<pid>/status, in bytes: VmRSS, or RssAnon (what is the process's own, not file pages). */
function statusBytes(pid: number, field: 'VmRSS' | 'RssAnon'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no ${field} for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** Proportional memory (Pss): resident pages, each shared one divided among the processes that map it. */
function proportionalBytes(pid: number): number {
  const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  if (!match) throw new Error(`no Pss for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** The JS heap in use and the memory outside it (resident minus heap total), from the server's /metrics. */
async function heapOf(url: string): Promise<{ heapUsed: number; external: number } | undefined> {
  const response = await fetch(`${url}/metrics`).catch(() => undefined);
  if (response?.status !== 200) return undefined;
  const text = await response.text();
  const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1]);
  return {
    heapUsed: value('atlas_nodejs_heap_size_used_bytes'),
    external: value('atlas_nodejs_external_memory_bytes'),
  };
}

/** The reads of the burst, round robin: search, browse, item pages and files, and the skill index. */
function burstPaths(size: number): string[] {
  const words = ['skill', 'measuring', 'sync', 'skill-42', 'team'];
  const paths: string[] = [];
  for (let i = 0; i < BURST; i++) {
    const item = (i * 7919) % size;
    const ref = `skill/${namespaceOf(item)}/skill-${item}`;
    switch (i % 6) {
      case 0:
        paths.push(`/api/v1/items?q=${words[i % words.length]}`);
        break;
      case 1:
        paths.push(`/api/v1/items?sort=updated&namespace=${namespaceOf(item)}`);
        break;
      case 2:
        paths.push(`/api/v1/items/${ref}`);
        break;
      case 3:
        paths.push(`/api/v1/items/${ref}/files/SKILL.md`);
        break;
      case 4:
        paths.push(`/api/v1/items/${ref}/versions`);
        break;
      default:
        paths.push('/api/v1/items?kind=skill&sort=installs');
    }
  }
  if (!folderOf(0).startsWith('skills/')) throw new Error('the seeded items are not skills');
  return paths;
}

async function burst(url: string, paths: string[]): Promise<{ failed: number; ms: number }> {
  let next = 0;
  let failed = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < paths.length) {
      const path = paths[next++]!;
      const response = await fetch(`${url}${path}`).catch(() => undefined);
      await response?.arrayBuffer();
      if (response?.status !== 200) failed++;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return { failed, ms: performance.now() - started };
}

/** Resident memory of a bare Node process, and of one that opens only PGlite on the home and counts its rows. */
function pgliteAlone(home: string): { bare: number; opened: number; queried: number } {
  const rss = (code: string) => {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`measuring PGlite alone failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as number[];
  };
  const [bare] = rss('console.log(JSON.stringify([process.memoryUsage().rss]))');
  const connection = JSON.stringify(join(ROOT, 'dist', 'adapters', 'postgres', 'connection.js'));
  const [opened, queried] = rss(`
    import { openPglite } from ${connection};
    const c = await openPglite({ dataDir: ${JSON.stringify(join(home, 'pgdata'))} });
    const opened = process.memoryUsage().rss;
    await c.client.query('select count(*) from catalog_items');
    await c.client.query('select count(*) from catalog_search_terms');
    console.log(JSON.stringify([opened, process.memoryUsage().rss]));
    await c.close();`);
  return { bare: bare!, opened: opened!, queried: queried! };
}

interface StartFigures {
  readonly readyMs: number;
  readonly rssReady: number;
  readonly rssAfterBurst: number;
  readonly heapAfterBurst?: { heapUsed: number; external: number };
  readonly burstMs: number;
  readonly failed: number;
  /** After the skill discovery index was built and fetched once. */
  readonly rssAfterIndex: number;
  /** The launcher `atlas serve` left waiting for the server (allocator-respawn.ts), when there is one. */
  readonly launcher?: { rss: number; own: number; pairPss: number };
  readonly heapAfterIndex?: { heapUsed: number; external: number };
  readonly indexMs: number;
}

/** Starts `atlas serve` on the home, waits for /healthz, measures, sends the burst, measures, stops it. */
async function serveAndMeasure(home: string, paths: string[], databaseUrl?: string): Promise<StartFigures> {
  const start = performance.now();
  // As the installed command runs: on glibc it starts the server in a second process, and waits for it.
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: {
      ...process.env,
      ATLAS_HOME: home,
      ATLAS_PORT: '0',
      ATLAS_LOG_LEVEL: 'info',
      ATLAS_PUBLIC_READ: 'true',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`atlas serve did not start:\n${output}`)), 120_000);
      child.stdout.on('data', () => {
        const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1].replace('localhost', '127.0.0.1'));
        }
      });
      child.once('exit', (code) => reject(new Error(`atlas serve exited with ${code}:\n${output}`)));
    });
    const serverPid = Number(/"pid":(\d+)[^\n]*Atlas is ready/.exec(output)?.[1] ?? child.pid);
    let readyMs: number;
    for (;;) {
      const response = await fetch(`${url}/healthz`).catch(() => undefined);
      if (response?.status === 200) {
        readyMs = performance.now() - start;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Whatever the server does right after it is ready (the worker's first poll) settles first.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const rssReady = residentBytes(serverPid);
    const { failed, ms } = await burst(url, paths);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (child.exitCode !== null) throw new Error(`atlas serve exited during the reads:\n${output.slice(-4000)}`);
    const rssAfterBurst = residentBytes(serverPid);
    const heapAfterBurst = await heapOf(url);
    // The skill discovery index: the first start packs every skill once and records the artifacts in the
    // database; a later start reads them from there.
    const indexStarted = performance.now();
    const index = await fetch(`${url}/.well-known/agent-skills/index.json`).catch(() => undefined);
    await index?.arrayBuffer();
    const indexMs = performance.now() - indexStarted;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (child.exitCode !== null) throw new Error(`atlas serve exited building the index:\n${output.slice(-4000)}`);
    const rssAfterIndex = residentBytes(serverPid);
    const launcher =
      serverPid === child.pid
        ? undefined
        : {
            rss: residentBytes(child.pid!),
            own: statusBytes(child.pid!, 'RssAnon'),
            pairPss: proportionalBytes(child.pid!) + proportionalBytes(serverPid),
          };
    const heapAfterIndex = await heapOf(url);
    return {
      readyMs,
      rssReady,
      rssAfterBurst,
      heapAfterBurst,
      burstMs: ms,
      failed: failed + (index?.status === 200 ? 0 : 1),
      rssAfterIndex,
      heapAfterIndex,
      indexMs,
      ...(launcher ? { launcher } : {}),
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

interface EngineFigures {
  readonly figures: Figure[];
  readonly notes: string[];
  readonly failed: number;
  readonly worstRss: number;
}

/**
 * One engine: a new home (git, and the catalog synced into PGlite under it or into `databaseUrl`), `atlas serve`
 * started STARTS times on it, and the figures of each start under `prefix`.
 */
async function measureEngine(size: number, prefix: string, databaseUrl: string | undefined): Promise<EngineFigures> {
  const label = size.toLocaleString('en');
  const home = mkdtempSync(join(tmpdir(), 'atlas-bench-serve-'));
  try {
    const built = await buildHome(home, size, databaseUrl);
    const paths = burstPaths(size);
    const starts: StartFigures[] = [];
    for (let i = 0; i < STARTS; i++) starts.push(await serveAndMeasure(home, paths, databaseUrl));
    const failed = starts.reduce((sum, s) => sum + s.failed, 0);
    const later = starts.slice(1);
    const secondStart = median(later.map((s) => s.readyMs));
    const worstRss = Math.max(...starts.map((s) => Math.max(s.rssAfterBurst, s.rssAfterIndex))) / MiB;
    const mib = (bytes: number) => round(bytes / MiB, 0);
    const rssTarget = (bytes: number) =>
      size >= 100_000 ? { target: `< ${RSS_TARGET_MB} MB`, ok: bytes < RSS_TARGET_MB * 1e6 } : {};
    const figures: Figure[] = [
      {
        name: `${prefix}initial sync of ${label} items into the new home`,
        value: round(built.syncMs / 1000, 2),
        unit: 's',
      },
      {
        name: `${prefix}atlas serve to /healthz, first start on the home`,
        value: round(starts[0]!.readyMs, 0),
        unit: 'ms',
      },
      {
        name: `${prefix}atlas serve to /healthz, second start`,
        value: round(secondStart, 0),
        unit: 'ms',
        ...(size <= DEFAULT_ITEMS && !databaseUrl
          ? { target: `< ${START_TARGET_MS} ms`, ok: secondStart < START_TARGET_MS }
          : {}),
      },
      ...starts.flatMap((s, i): Figure[] => [
        { name: `${prefix}start ${i + 1}: resident memory when ready`, value: mib(s.rssReady), unit: 'MiB' },
        {
          name: `${prefix}start ${i + 1}: resident memory after ${BURST} reads`,
          value: mib(s.rssAfterBurst),
          unit: 'MiB',
          ...rssTarget(s.rssAfterBurst),
        },
        ...(s.heapAfterBurst
          ? [
              {
                name: `${prefix}start ${i + 1}: JS heap in use after the reads`,
                value: mib(s.heapAfterBurst.heapUsed),
                unit: 'MiB',
              },
              {
                name: `${prefix}start ${i + 1}: external (buffers) after the reads`,
                value: mib(s.heapAfterBurst.external),
                unit: 'MiB',
              },
            ]
          : []),
        { name: `${prefix}start ${i + 1}: the ${BURST} reads took`, value: round(s.burstMs, 0), unit: 'ms' },
        {
          name: `${prefix}start ${i + 1}: skill discovery index built and fetched in`,
          value: round(s.indexMs, 0),
          unit: 'ms',
        },
        {
          name: `${prefix}start ${i + 1}: resident memory after the skill index`,
          value: mib(s.rssAfterIndex),
          unit: 'MiB',
          ...rssTarget(s.rssAfterIndex),
        },
        ...(s.heapAfterIndex
          ? [
              {
                name: `${prefix}start ${i + 1}: JS heap in use after the index`,
                value: mib(s.heapAfterIndex.heapUsed),
                unit: 'MiB',
              },
            ]
          : []),
        ...(s.launcher
          ? [
              {
                name: `${prefix}start ${i + 1}: the launcher's resident memory (mostly Node's code, shared with the server)`,
                value: mib(s.launcher.rss),
                unit: 'MiB',
              },
              {
                name: `${prefix}start ${i + 1}: the launcher's own memory (anonymous pages)`,
                value: mib(s.launcher.own),
                unit: 'MiB',
              },
              {
                name: `${prefix}start ${i + 1}: server and launcher together, shared pages counted once (Pss)`,
                value: mib(s.launcher.pairPss),
                unit: 'MiB',
                ...rssTarget(s.launcher.pairPss),
              },
            ]
          : []),
        {
          name: `${prefix}start ${i + 1}: reads that failed`,
          value: s.failed,
          unit: '',
          target: '0',
          ok: s.failed === 0,
        },
      ]),
    ];
    const notes = [
      `${prefix}a new ATLAS_HOME: ${label} skills (SKILL.md, README.md, scripts/run.sh) in ${NAMESPACES} team ` +
        `namespaces written to content.git as loose objects (${round(built.gitMs / 1000, 1)} s), then migrations, ` +
        `the teams and one syncCatalog into ${databaseUrl ? 'a new database on the PostgreSQL server' : 'pgdata (PGlite)'}, ` +
        'in this process, which then closes it',
    ];
    if (!databaseUrl) {
      const pglite = pgliteAlone(home);
      notes.push(
        `PGlite's own share, measured apart: a bare Node process is ${mib(pglite.bare)} MiB resident, the same with ` +
          `only Atlas's PGlite connection opened on this home ${mib(pglite.opened)} MiB, after a count of every ` +
          `item and posting ${mib(pglite.queried)} MiB: PGlite (WASM PostgreSQL) is a fixed cost of about ` +
          `${mib(pglite.queried - pglite.bare)} MiB`,
      );
    }
    return { figures, notes, failed, worstRss };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

export async function run(options: BenchOptions = {}): Promise<BenchResult> {
  const size = options.items ?? DEFAULT_ITEMS;
  // The benchmark measures the build as it is: build it first if the sources moved.
  spawnSync(process.execPath, [BIN, '--version'], { stdio: 'ignore' });
  const loadBefore = loadavg()[0] ?? 0;
  const engines: EngineFigures[] = [];
  if (process.env.ATLAS_BENCH_SERVER_ONLY !== '1') engines.push(await measureEngine(size, '', undefined));
  const adminUrl = process.env.ATLAS_BENCH_DATABASE_URL;
  if (adminUrl) {
    const name = await createServerDatabase(adminUrl, 'atlas_bench_serve');
    try {
      engines.push(await measureEngine(size, 'PostgreSQL server: ', withDatabase(adminUrl, name)));
    } finally {
      await dropServerDatabase(adminUrl, name);
    }
  }
  const failed = engines.reduce((sum, engine) => sum + engine.failed, 0);
  return {
    bench: `serve-memory-${size % 1000 === 0 ? `${size / 1000}k` : size}`,
    figures: engines.flatMap((engine) => engine.figures),
    notes: [
      ...engines.flatMap((engine) => engine.notes),
      `atlas serve (bin/atlas.mjs, as the installed command runs, which on glibc starts the server in a second ` +
        'process with frozen malloc thresholds and waits for it; ATLAS_PUBLIC_READ=true; with DATABASE_URL for the ' +
        `PostgreSQL server, whose own memory is not the server's) started ${STARTS} times on each home, one after ` +
        "the other; resident memory is the server process's VmRSS from /proc 1 s after /healthz first answers and 1 s " +
        "after the burst; JS heap and external from the server's /metrics; the launcher's memory after the index",
      `burst: ${BURST} anonymous GETs, ${IN_FLIGHT} in flight, round robin over search, browse by namespace, ` +
        'item page, SKILL.md, versions and browse by installs; then one GET of the skill discovery index ' +
        '(/.well-known/agent-skills/index.json: the first start reads and packs every skill once and records each ' +
        'artifact in the database, the second reads them from there; the server keeps the gzipped documents)',
      `worst resident memory after the reads: ${engines.map((e) => `${round(e.worstRss, 0)} MiB`).join(', ')}; ` +
        `reads that failed: ${failed}`,
      adminUrl
        ? 'engines: PGlite, then a PostgreSQL server (ATLAS_BENCH_DATABASE_URL)'
        : 'set ATLAS_BENCH_DATABASE_URL to add a PostgreSQL server',
      `machine load (1-minute average) ${round(loadBefore, 1)} before and ${round(loadavg()[0] ?? 0, 1)} after, ` +
        `on ${availableParallelism()} CPUs shared with other work: times are pessimistic`,
    ],
  };
}
