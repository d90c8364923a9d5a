/**
 * Mixed load: N clients at once against a real listening server with the default adapters (local git content,
 * real argon2, the sync worker and poller running; in a process of its own), each sending a fixed number of requests, 80 % reads (an item,
 * a search) and 20 % publishes of new, distinct items. Reports the status counts, p50/p99 per operation and
 * publishes per second.
 *
 * Runs on embedded PGlite, and also on a PostgreSQL server when ATLAS_BENCH_DATABASE_URL is set (a fresh
 * database is created on it and dropped afterwards). ATLAS_BENCH_CLIENTS and ATLAS_BENCH_REQUESTS change the
 * number of clients (50) and of requests per client (20), ATLAS_BENCH_PUBLISH_SHARE the share of publishes (0.2;
 * 0 measures reads alone). ATLAS_BENCH_SERVER_ONLY=1 skips the embedded run,
 * ATLAS_BENCH_PROFILE=<folder> writes the server's CPU profile there, ATLAS_BENCH_LOG_LEVEL shows its log.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  createServerDatabase,
  dropServerDatabase,
  withDatabase,
} from '../src/adapters/postgres/testing/test-databases.ts';
import { type BenchResult, type Figure, percentile, round } from './harness.ts';

const CLIENTS = Number(process.env.ATLAS_BENCH_CLIENTS ?? 50);
const REQUESTS_PER_CLIENT = Number(process.env.ATLAS_BENCH_REQUESTS ?? 20);
const PUBLISH_SHARE = Number(process.env.ATLAS_BENCH_PUBLISH_SHARE ?? 0.2);
if (!(PUBLISH_SHARE >= 0 && PUBLISH_SHARE <= 1)) {
  throw new Error(
    `ATLAS_BENCH_PUBLISH_SHARE must be a share from 0 to 1, not ${process.env.ATLAS_BENCH_PUBLISH_SHARE}`,
  );
}
/** Accounts the clients share: registering one costs a real argon2 hash. */
const USERS = 10;
/** Requests per client before the measured ones, unmeasured. */
const WARMUP_REQUESTS = 4;
/** Items published before the load, so that reads have something to find. */
const SEEDED = 20;

type Operation = 'read' | 'search' | 'publish';

interface Outcome {
  readonly op: Operation;
  readonly status: number;
  readonly ms: number;
}

const skillMd = (name: string) =>
  `---\nname: ${name}\ndescription: The ${name} skill extracts tables from documents for the load test.\n---\n# ${name}\n\nSteps.\n`;

function publishBody(namespace: string, name: string) {
  return JSON.stringify({
    namespace,
    files: [
      { path: 'SKILL.md', content: skillMd(name) },
      { path: 'scripts/run.sh', content: `#!/bin/sh\necho ${name}\n`, executable: true },
    ],
  });
}

/** Deterministic choices, so that every run sends the same mix in the same order. */
function chooser(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x1_0000_0000;
  };
}

async function timed(op: Operation, request: () => Promise<Response>): Promise<Outcome & { response?: Response }> {
  const start = performance.now();
  try {
    const response = await request();
    await response.arrayBuffer();
    return { op, status: response.status, ms: performance.now() - start, response };
  } catch {
    return { op, status: 0, ms: performance.now() - start };
  }
}

async function measureEngine(label: string, env: Record<string, string>, readP99Target: number) {
  const home = mkdtempSync(join(tmpdir(), 'atlas-bench-mixed-'));
  const server = await startServerProcess({
    ATLAS_HOME: home,
    ATLAS_HOST: '127.0.0.1',
    ATLAS_PORT: '0',
    ATLAS_LOG_LEVEL: process.env.ATLAS_BENCH_LOG_LEVEL ?? 'silent',
    ...env,
  });
  const base = server.url.replace('//localhost:', '//127.0.0.1:');
  try {
    const tokens: { username: string; token: string }[] = [];
    for (let i = 0; i < USERS; i++) {
      const username = `load${i}`;
      const res = await fetch(`${base}/api/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `${username}@example.com`, username, password: 'a long bench passphrase' }),
      });
      if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${await res.text()}`);
      tokens.push({ username, token: ((await res.json()) as { token: string }).token });
    }
    const publish = (user: { username: string; token: string }, name: string) =>
      fetch(`${base}/api/v1/items`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
        body: publishBody(user.username, name),
      });
    const items: string[] = [];
    for (let i = 0; i < SEEDED; i++) {
      const user = tokens[i % USERS]!;
      const res = await publish(user, `seed-${i}`);
      if (res.status !== 201) throw new Error(`seeding: ${res.status} ${await res.text()}`);
      items.push(res.headers.get('location')!);
    }

    const round = async (phase: string, requests: number) => {
      const outcomes: Outcome[] = [];
      let published = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, client) => {
          const next = chooser(client + 1 + (phase === 'warmup' ? 10_000 : 0));
          const user = tokens[client % USERS]!;
          const headers = { authorization: `Bearer ${user.token}` };
          for (let n = 0; n < requests; n++) {
            const pick = next();
            if (pick < PUBLISH_SHARE) {
              published++;
              outcomes.push(await timed('publish', () => publish(user, `${phase}-c${client}-n${n}`)));
            } else if (pick < PUBLISH_SHARE + (1 - PUBLISH_SHARE) / 2) {
              const item = items[Math.floor(next() * items.length)]!;
              outcomes.push(await timed('read', () => fetch(new URL(item, base), { headers })));
            } else {
              outcomes.push(await timed('search', () => fetch(`${base}/api/v1/items?q=tables+documents`, { headers })));
            }
          }
        }),
      );
      return { outcomes, published, seconds: (performance.now() - started) / 1000 };
    };
    // The first burst of N clients at once meets a cold process (JIT, schema compilation, first statements):
    // warmed up first, as the other benchmarks do, so that p99 is about the steady state.
    await round('warmup', WARMUP_REQUESTS);
    const { outcomes, published, seconds } = await round('load', REQUESTS_PER_CLIENT);
    return figuresOf(label, outcomes, published, seconds, readP99Target);
  } finally {
    await server.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

/** The server in a process of its own (see mixed-load-server.ts), so that the clients do not share its event loop. */
async function startServerProcess(env: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      // ATLAS_BENCH_PROFILE=<folder> writes a CPU profile of the server process there.
      ...(process.env.ATLAS_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.ATLAS_BENCH_PROFILE}`] : []),
      '--import',
      'tsx',
      fileURLToPath(new URL('./mixed-load-server.ts', import.meta.url)),
    ],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      const match = /"benchServerUrl":"([^"]+)"/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    exited.then(() => reject(new Error(`the bench server exited before it was ready:\n${output}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function figuresOf(
  label: string,
  outcomes: readonly Outcome[],
  published: number,
  seconds: number,
  readP99Target: number,
): Figure[] {
  const count = (test: (o: Outcome) => boolean) => outcomes.filter(test).length;
  const ok = (o: Outcome) => o.status >= 200 && o.status < 300;
  const figures: Figure[] = [
    { name: `${label}: requests`, value: outcomes.length, unit: 'req' },
    { name: `${label}: 2xx`, value: count(ok), unit: 'req' },
    { name: `${label}: 5xx`, value: count((o) => o.status >= 500), unit: 'req', ...zero },
    // A connection closed or refused without an answer (a cap, a crash): counted apart from the 5xx.
    { name: `${label}: no answer`, value: count((o) => o.status === 0), unit: 'req', ...zero },
    {
      name: `${label}: 412 on publishes of distinct items`,
      value: count((o) => o.status === 412),
      unit: 'req',
      ...zero,
    },
    {
      name: `${label}: other 4xx`,
      value: count((o) => o.status >= 400 && o.status < 500 && o.status !== 412),
      unit: 'req',
    },
  ];
  for (const [op, target] of [
    ['read', readP99Target],
    ['search', readP99Target],
    ['publish', 1500],
  ] as const) {
    const latencies = outcomes.filter((o) => o.op === op && ok(o)).map((o) => o.ms);
    if (latencies.length === 0) continue;
    const p99 = round(percentile(latencies, 99));
    figures.push(
      { name: `${label}: ${op} p50`, value: round(percentile(latencies, 50)), unit: 'ms' },
      { name: `${label}: ${op} p99`, value: p99, unit: 'ms', target: `< ${target}`, ok: p99 < target },
    );
  }
  figures.push({
    name: `${label}: publishes answered 201 per second`,
    value: round(count((o) => o.op === 'publish' && o.status === 201) / seconds),
    unit: '/s',
  });
  figures.push({ name: `${label}: publishes sent`, value: published, unit: 'req' });
  return figures.map((figure) => (figure.target === '0' ? { ...figure, ok: figure.value === 0 } : figure));
}

const zero = { target: '0' } as const;

export async function run(): Promise<BenchResult> {
  const figures: Figure[] = [];
  const notes = [
    `${CLIENTS} clients x ${REQUESTS_PER_CLIENT} requests, ${PUBLISH_SHARE * 100} % publishes of new items, the rest ` +
      `split between an item read and a search; ${USERS} accounts, ${SEEDED} items published first`,
  ];
  if (!process.env.ATLAS_BENCH_SERVER_ONLY) {
    figures.push(...(await measureEngine('embedded (PGlite, local git)', {}, 250)));
  }
  const adminUrl = process.env.ATLAS_BENCH_DATABASE_URL;
  if (adminUrl) {
    const name = await createServerDatabase(adminUrl, 'atlas_bench');
    try {
      figures.push(
        ...(await measureEngine('server (PostgreSQL, local git)', { DATABASE_URL: withDatabase(adminUrl, name) }, 100)),
      );
    } finally {
      await dropServerDatabase(adminUrl, name);
    }
  } else {
    notes.push('set ATLAS_BENCH_DATABASE_URL to add a PostgreSQL server');
  }
  return { bench: 'mixed-load', figures, notes };
}
