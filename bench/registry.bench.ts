/**
 * The MCP Registry API at 10,000 servers (`npm run bench registry -- --items N`), over HTTP on loopback with a
 * bearer token, one request at a time (one keep-alive connection):
 * - `GET /v0.1/servers/<encoded name>/versions/latest` for random servers: p99 under 10 ms (DESIGN.md section 11);
 * - `GET /v0.1/servers?version=latest&limit=50`, page 1 and pages deeper by cursor: p99 under 20 ms;
 * - `GET /v0.1/servers?limit=50` (every version), likewise: p99 under 20 ms; and VS Code's first request to a
 *   registry, `GET /v0.1/servers?limit=1`: p99 under 10 ms.
 * Every server has two recorded versions. Runs on embedded PGlite, and also on a PostgreSQL server when
 * ATLAS_BENCH_DATABASE_URL is set (a fresh database, dropped afterwards). Rows are bulk-loaded (bulk-catalog.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { InMemoryContentStore } from '../src/adapters/memory/in-memory-content-store.ts';
import { type Connection, openPgliteThread, openPostgres } from '../src/adapters/postgres/connection.ts';
import { runMigrations } from '../src/adapters/postgres/migrate.ts';
import { PostgresDatabase } from '../src/adapters/postgres/postgres-database.ts';
import { itemVersions } from '../src/adapters/postgres/schema.ts';
import {
  createServerDatabase,
  dropServerDatabase,
  withDatabase,
} from '../src/adapters/postgres/testing/test-databases.ts';
import { issueToken } from '../src/application/accounts/issue-token.ts';
import { assembleDeps } from '../src/composition-root.ts';
import type { CatalogItem } from '../src/domain/catalog/catalog-item.ts';
import { newId } from '../src/domain/ids.ts';
import { buildItem, buildUser } from '../src/domain/testing/builders.ts';
import { buildApp } from '../src/entrypoints/http/app.ts';
import { CHEAP_ARGON2 } from '../src/testing/in-memory-deps.ts';
import { bulkLoadItems } from './bulk-catalog.ts';
import { type BenchOptions, type BenchResult, type Figure, percentile, round } from './harness.ts';

const DEFAULT_SERVERS = 10_000;
const LOOKUPS = 2_000;
const PAGES = 400;
const WARMUP = 200;
const LOOKUP_TARGET_MS = 10;
const PAGE_TARGET_MS = 20;
const PAGE_SIZE = 50;

function servers(size: number): CatalogItem[] {
  return Array.from({ length: size }, (_, i) => {
    const name = `server-${i.toString().padStart(5, '0')}`;
    const serverName = `io.github.bench-${i % 97}/${name}`;
    const manifest = {
      name: serverName,
      description: `Bench server ${i} for tables and files.`,
      version: '1.1.0',
      packages: [
        {
          registryType: 'npm',
          identifier: `@bench/${name}`,
          version: '1.1.0',
          transport: { type: 'stdio' },
          environmentVariables: [{ name: 'API_KEY', isSecret: true, isRequired: true }],
        },
      ],
    };
    return buildItem(`mcp/ns-${i % 97}/${name}`, {
      serverName,
      version: '1.1.0',
      manifest,
      description: manifest.description,
      title: `Server ${i}`,
    });
  });
}

export async function seed(connection: Connection, size: number) {
  await runMigrations(connection);
  const db = new PostgresDatabase(connection);
  const reader = buildUser({ username: 'reader' });
  await db.users.insert(reader);
  const items = servers(size);
  await bulkLoadItems(connection, items);
  const versions = items.flatMap((item) =>
    ['1.0.0', '1.1.0'].map((version, n) => ({
      id: newId(),
      itemId: item.id,
      commitSha: randomBytes(20).toString('hex'),
      treeSha: item.treeSha,
      version,
      publishedBy: null,
      manifest: { ...item.manifest, version },
      visibility: 'org' as const,
      teamId: null,
      ownerUserId: null,
      createdAt: new Date(item.createdAt.getTime() - 1000 + n),
    })),
  );
  for (let start = 0; start < versions.length; start += 1000) {
    await connection.db.insert(itemVersions).values(versions.slice(start, start + 1000));
  }
  await connection.db.execute(sql`vacuum analyze`);
  return { db, reader, items };
}

async function timed(url: string, headers: Record<string, string>): Promise<number> {
  const start = performance.now();
  const response = await fetch(url, { headers });
  await response.arrayBuffer();
  const ms = performance.now() - start;
  if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
  return ms;
}

async function measureEngine(label: string, connection: Connection, size: number): Promise<Figure[]> {
  const { db, reader, items } = await seed(connection, size);
  const { token, secret } = issueToken(reader.id, 'personal', 'bench', new Date(), null);
  await db.tokens.insert(token);
  const headers = { authorization: `Bearer ${secret}` };
  const deps = assembleDeps(
    db,
    new InMemoryContentStore(),
    { authz: 'rbac', publicRead: false, registration: 'closed' },
    {
      argon2: CHEAP_ARGON2,
    },
  );
  const app = await buildApp(deps, { fastify: { logger: false } });
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const lookup = (i: number) =>
      `${base}/v0.1/servers/${encodeURIComponent(items[(i * 7919) % items.length]!.serverName!)}/versions/latest`;

    // Cursors of pages spread over the whole list (of latest versions, or of every version), collected by walking it.
    const cursorsOf = async (query: string, entries: number) => {
      const cursors: (string | undefined)[] = [undefined];
      for (let cursor: string | undefined, n = 0; n < entries / PAGE_SIZE; n++) {
        const response = await fetch(`${base}/v0.1/servers?${query}${cursor ? `&cursor=${cursor}` : ''}`, { headers });
        const body = (await response.json()) as { servers: unknown[]; metadata: { nextCursor?: string } };
        if (body.servers.length !== PAGE_SIZE) throw new Error(`page ${n + 1} holds ${body.servers.length} servers`);
        cursor = body.metadata.nextCursor;
        if (!cursor) break;
        cursors.push(cursor);
      }
      return (i: number) => {
        const cursor = cursors[(i * 31) % cursors.length];
        return `${base}/v0.1/servers?${query}${cursor ? `&cursor=${cursor}` : ''}`;
      };
    };
    const page = await cursorsOf(`version=latest&limit=${PAGE_SIZE}`, size);
    // Every version: each server's current one and its two recorded ones (one of which is the current one's).
    const everyPage = await cursorsOf(`limit=${PAGE_SIZE}`, size * 2);
    // VS Code's first request to a registry.
    const probe = (_i: number) => `${base}/v0.1/servers?limit=1`;

    for (let i = 0; i < WARMUP; i++) {
      await timed(lookup(i), headers);
      await timed(page(i), headers);
      await timed(everyPage(i), headers);
      await timed(probe(i), headers);
    }
    // An authenticated request that reads nothing but the token, through the same stack: the floor on this machine.
    const item = (_i: number) => `${base}/api/v1/me`;
    for (let i = 0; i < WARMUP; i++) await timed(item(i), headers);
    const gets: number[] = [];
    const lookups: number[] = [];
    for (let i = 0; i < LOOKUPS; i++) {
      lookups.push(await timed(lookup(i), headers));
      gets.push(await timed(item(i), headers));
    }
    const pages: number[] = [];
    const everyPages: number[] = [];
    const probes: number[] = [];
    for (let i = 0; i < PAGES; i++) {
      pages.push(await timed(page(i), headers));
      everyPages.push(await timed(everyPage(i), headers));
      probes.push(await timed(probe(i), headers));
    }
    const lookupP99 = percentile(lookups, 99);
    const pageP99 = percentile(pages, 99);
    const everyP99 = percentile(everyPages, 99);
    const probeP99 = percentile(probes, 99);
    return [
      {
        name: `${label}: GET /api/v1/me p50 (the stack's floor, for scale)`,
        value: round(percentile(gets, 50)),
        unit: 'ms',
      },
      {
        name: `${label}: GET /api/v1/me p99 (the stack's floor, for scale)`,
        value: round(percentile(gets, 99)),
        unit: 'ms',
      },
      { name: `${label}: versions/latest p50`, value: round(percentile(lookups, 50)), unit: 'ms' },
      {
        name: `${label}: versions/latest p99`,
        value: round(lookupP99),
        unit: 'ms',
        target: `< ${LOOKUP_TARGET_MS} ms`,
        ok: lookupP99 < LOOKUP_TARGET_MS,
      },
      { name: `${label}: page of ${PAGE_SIZE} latest servers p50`, value: round(percentile(pages, 50)), unit: 'ms' },
      {
        name: `${label}: page of ${PAGE_SIZE} latest servers p99`,
        value: round(pageP99),
        unit: 'ms',
        target: `< ${PAGE_TARGET_MS} ms`,
        ok: pageP99 < PAGE_TARGET_MS,
      },
      {
        name: `${label}: page of ${PAGE_SIZE} entries of every version p50`,
        value: round(percentile(everyPages, 50)),
        unit: 'ms',
      },
      {
        name: `${label}: page of ${PAGE_SIZE} entries of every version p99`,
        value: round(everyP99),
        unit: 'ms',
        target: `< ${PAGE_TARGET_MS} ms`,
        ok: everyP99 < PAGE_TARGET_MS,
      },
      { name: `${label}: VS Code's probe (?limit=1) p50`, value: round(percentile(probes, 50)), unit: 'ms' },
      {
        name: `${label}: VS Code's probe (?limit=1) p99`,
        value: round(probeP99),
        unit: 'ms',
        target: `< ${LOOKUP_TARGET_MS} ms`,
        ok: probeP99 < LOOKUP_TARGET_MS,
      },
    ];
  } finally {
    await app.close();
  }
}

async function onPglite(size: number): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-bench-registry-'));
  // In its own thread, as a running Atlas opens it.
  const connection = await openPgliteThread({ dataDir: join(dir, 'pgdata') });
  try {
    return await measureEngine('pglite', connection, size);
  } finally {
    await connection.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onServer(adminUrl: string, size: number): Promise<Figure[]> {
  const name = await createServerDatabase(adminUrl, 'atlas_bench');
  try {
    const connection = await openPostgres(withDatabase(adminUrl, name), { max: 4 });
    try {
      return await measureEngine('postgres', connection, size);
    } finally {
      await connection.close();
    }
  } finally {
    await dropServerDatabase(adminUrl, name);
  }
}

export async function run(options: BenchOptions = {}): Promise<BenchResult> {
  const size = options.items ?? DEFAULT_SERVERS;
  const loadBefore = loadavg()[0] ?? 0;
  const serverUrl = process.env.ATLAS_BENCH_DATABASE_URL;
  const figures: Figure[] = [];
  if (process.env.ATLAS_BENCH_SERVER_ONLY !== '1') figures.push(...(await onPglite(size)));
  if (serverUrl) figures.push(...(await onServer(serverUrl, size)));
  return {
    bench: `registry-${size % 1000 === 0 ? `${size / 1000}k` : size}`,
    figures,
    notes: [
      `${size} MCP servers, org-visible, two recorded versions each; a signed-in non-admin reader (bearer token)`,
      `one request at a time over one keep-alive connection, after ${WARMUP} warmup requests of each kind: ` +
        `${LOOKUPS} versions/latest lookups of random servers; ${PAGES} pages of ${PAGE_SIZE} latest versions and ` +
        `${PAGES} of every version, at cursors spread over each whole list, taking turns with ${PAGES} probes ` +
        '(?limit=1)',
      serverUrl ? 'engines: pglite and postgres' : 'engines: pglite; set ATLAS_BENCH_DATABASE_URL to add a server',
      `machine load (1-minute average) ${round(loadBefore, 1)} before and ${round(loadavg()[0] ?? 0, 1)} after, ` +
        `on ${availableParallelism()} CPUs`,
    ],
  };
}
