/**
 * Sync against catalog size, on embedded PGlite (on disk in a temp folder) and a local bare git repository:
 * - incremental sync: one item's SKILL.md changes in git behind the database's back, then `syncCatalog` brings
 *   the catalog up to date; the median for a 100-item and a 10,000-item catalog, whose ratio should stay under
 *   1.5 (DESIGN.md section 11: the work follows the change, not the catalog);
 * - a full verify of 10,000 items (every item folder's tree SHA against the catalog) under 10 s;
 * - a pushed change visible in search under 1 s after its webhook arrives: the real app and the in-process
 *   worker, a signed push webhook over HTTP, then `GET /api/v1/items?q=` polled until the change shows.
 */

import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodeCommit } from '../src/adapters/git/git-objects.ts';
import { LocalGitContentStore } from '../src/adapters/git/local-git-content-store.ts';
import { type Connection, openPglite } from '../src/adapters/postgres/connection.ts';
import { runMigrations } from '../src/adapters/postgres/migrate.ts';
import { PostgresDatabase } from '../src/adapters/postgres/postgres-database.ts';
import { itemVersions } from '../src/adapters/postgres/schema.ts';
import { issueToken } from '../src/application/accounts/issue-token.ts';
import { fieldsOfBundle, versionOf } from '../src/application/catalog/item-record.ts';
import type { AtlasDeps } from '../src/application/deps.ts';
import { syncCatalog } from '../src/application/sync/sync-catalog.ts';
import { verifyCatalog } from '../src/application/sync/verify-catalog.ts';
import { assembleDeps } from '../src/composition-root.ts';
import type { Team } from '../src/domain/accounts/team.ts';
import type { CatalogItem } from '../src/domain/catalog/catalog-item.ts';
import { prepareBundle } from '../src/domain/catalog/prepare-bundle.ts';
import { DEFAULT_CONTENT_LIMITS } from '../src/domain/content/content-limits.ts';
import type { ItemFile } from '../src/domain/content/content-store.ts';
import { EXECUTABLE_MODE, FILE_MODE, type GitTreeEntry, TREE_MODE } from '../src/domain/content/tree-id.ts';
import { newId } from '../src/domain/ids.ts';
import { buildTeam, buildUser } from '../src/domain/testing/builders.ts';
import { buildApp } from '../src/entrypoints/http/app.ts';
import { startSyncRuntime } from '../src/entrypoints/worker/sync-runtime.ts';
import { CHEAP_ARGON2 } from '../src/testing/in-memory-deps.ts';
import { type BenchResult, type Figure, median, percentile, round } from './harness.ts';
import { looseObjectWriter } from './loose-objects.ts';

const SMALL = 100;
const LARGE = 10_000;
export const NAMESPACES = 50;
/** Timed one-item syncs per catalog size, the two sizes taking turns, after WARMUP untimed ones each. */
const SYNC_RUNS = 40;
const WARMUP = 5;
/** Verify runs, each with a freshly opened content store (no cached trees), then with the warm one. */
const VERIFY_COLD_RUNS = 3;
const VERIFY_WARM_RUNS = 5;
const WEBHOOK_RUNS = 20;
const WEBHOOK_WARMUP = 2;
const SYNCED_RUNS = 10;
const POLL_MS = 10;
const VISIBLE_TIMEOUT_MS = 10_000;

/**
 * The initial sync of 10,000 items is timed on its own by the initial-sync benchmark, so by default the large
 * catalog's rows are inserted directly; ATLAS_BENCH_SYNC_INITIAL=1 brings them in with syncCatalog instead, and
 * reports its time.
 */
const FULL_INITIAL_SYNC = process.env.ATLAS_BENCH_SYNC_INITIAL === '1';

const RATIO_TARGET = 1.5;
const VERIFY_TARGET_MS = 10_000;
const VISIBLE_TARGET_MS = 1000;

const AUTHOR = { name: 'Bench', email: 'bench@example.com' };
const OWNER = 'acme';
const REPO = 'catalog';
const WEBHOOK_SECRET = randomBytes(16).toString('hex');
const encoder = new TextEncoder();

export const namespaceOf = (i: number) => `team-${String((i % NAMESPACES) + 1).padStart(2, '0')}`;
export const folderOf = (i: number) => `skills/${namespaceOf(i)}/skill-${i}`;
const skillMd = (name: string, description: string) =>
  `---\nname: ${name}\ndescription: ${description}\n---\n# ${name}\n\nSteps.\n`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Catalog {
  readonly size: number;
  readonly dir: string;
  readonly gitdir: string;
  readonly connection: Connection;
  readonly content: LocalGitContentStore;
  readonly deps: AtlasDeps;
  readonly seedGitMs: number;
  /** How the database was brought to the seeded commit, and how long it took. */
  readonly seedDb: { readonly how: 'sync' | 'insert'; readonly ms: number };
  /** How many one-item changes were committed so far (each writes a new description). */
  edits: number;
}

export function itemFiles(i: number): ItemFile[] {
  const name = `skill-${i}`;
  return [
    { path: 'README.md', content: encoder.encode(`How to use ${name}.\n`), executable: false },
    {
      path: 'SKILL.md',
      content: encoder.encode(skillMd(name, `The ${name} skill, for measuring sync.`)),
      executable: false,
    },
    { path: 'scripts/run.sh', content: encoder.encode(`#!/bin/sh\necho ${name}\n`), executable: true },
  ];
}

/**
 * Writes `items` skills (README.md, SKILL.md, scripts/run.sh) in NAMESPACES namespaces as one commit on top of
 * the branch, as loose objects written straight to disk: the objects a commit through the store would write.
 * Returns the commit and each item's tree SHA.
 */
export async function seedRepository(gitdir: string, items: number): Promise<{ head: string; trees: string[] }> {
  const empty = await LocalGitContentStore.open(gitdir);
  const parent = await empty.head();
  await empty.close();
  const { write, tree } = looseObjectWriter(gitdir);

  const trees: string[] = [];
  const byNamespace = new Map<string, GitTreeEntry[]>();
  for (let i = 0; i < items; i++) {
    const [readme, manifest, script] = itemFiles(i).map((file) => write('blob', file.content));
    const scripts = tree([{ name: 'run.sh', mode: EXECUTABLE_MODE, sha: script! }]);
    const item = tree([
      { name: 'README.md', mode: FILE_MODE, sha: readme! },
      { name: 'SKILL.md', mode: FILE_MODE, sha: manifest! },
      { name: 'scripts', mode: TREE_MODE, sha: scripts },
    ]);
    trees.push(item);
    const list = byNamespace.get(namespaceOf(i)) ?? [];
    list.push({ name: `skill-${i}`, mode: TREE_MODE, sha: item });
    byNamespace.set(namespaceOf(i), list);
  }
  const namespaces = [...byNamespace].map(([name, entries]) => ({ name, mode: TREE_MODE, sha: tree(entries) }));
  const root = tree([{ name: 'skills', mode: TREE_MODE, sha: tree(namespaces) }]);
  const signature = {
    name: AUTHOR.name,
    email: AUTHOR.email,
    timestamp: Math.floor(Date.now() / 1000),
    timezoneOffset: 0,
  };
  const head = write(
    'commit',
    encodeCommit({
      tree: root,
      parents: [parent],
      author: signature,
      committer: signature,
      message: `Seed ${items} items`,
    }),
  );
  // The repository is this benchmark's alone, so the branch can be moved without the store's lock.
  writeFileSync(join(gitdir, 'refs/heads/main'), `${head}\n`);
  return { head, trees };
}

/**
 * The rows a sync of the seeded commit writes (items and their first versions), inserted directly: the same
 * fields sync takes from each manifest, the same owner team, visibility and status; and the sync state at the
 * seeded commit. Items go through the repository, which writes their search document.
 */
async function insertCatalogRows(
  db: PostgresDatabase,
  connection: Connection,
  seeded: { head: string; trees: string[] },
  teams: Map<string, Team>,
): Promise<void> {
  const now = new Date();
  const rows: CatalogItem[] = seeded.trees.map((treeSha, i) => {
    const name = `skill-${i}`;
    const fields = fieldsOfBundle(
      prepareBundle(itemFiles(i), DEFAULT_CONTENT_LIMITS, { existing: { kind: 'skill', name } }),
    );
    if (fields.treeSha !== treeSha)
      throw new Error(`the tree of ${name} is ${treeSha} in git, ${fields.treeSha} computed`);
    return {
      id: newId(now.getTime()),
      kind: 'skill',
      namespace: namespaceOf(i),
      name,
      gitPath: folderOf(i),
      commitSha: seeded.head,
      ownerUserId: null,
      teamId: teams.get(namespaceOf(i))!.id,
      tags: [],
      visibility: 'org',
      status: 'active',
      statusMessage: null,
      problems: [],
      usageCount: 0,
      historySince: null,
      createdAt: now,
      updatedAt: now,
      ...fields,
    };
  });
  for (let start = 0; start < rows.length; start += 1000) {
    const batch = rows.slice(start, start + 1000);
    await db.transaction(async (tx) => {
      for (const row of batch) await tx.items.insert(row);
    });
    await connection.db.insert(itemVersions).values(batch.map((row) => versionOf(row, null, now)));
  }
  await db.transaction(async (tx) => {
    if (!(await tx.sync.advance(null, seeded.head, now))) throw new Error('the sync state was not empty');
  });
}

/**
 * A repository of `size` items, a migrated database with the namespaces' teams, and the catalog rows that
 * match the repository: written by one syncCatalog (`sync`, timed) or inserted directly (`insert`).
 */
async function openCatalog(size: number, seedWith: 'sync' | 'insert'): Promise<Catalog> {
  const dir = mkdtempSync(join(tmpdir(), `atlas-bench-sync-${size}-`));
  const gitdir = join(dir, 'content.git');
  let connection: Connection | undefined;
  try {
    const started = performance.now();
    const seeded = await seedRepository(gitdir, size);
    const seedGitMs = performance.now() - started;

    connection = await openPglite({ dataDir: join(dir, 'pgdata') });
    await runMigrations(connection);
    const db = new PostgresDatabase(connection);
    const teams = new Map<string, Team>();
    for (let n = 0; n < NAMESPACES; n++) {
      const team = buildTeam({ slug: namespaceOf(n) });
      await db.teams.insert(team);
      teams.set(team.slug, team);
    }
    const content = await LocalGitContentStore.open(gitdir);
    // The GitHub settings only tell the webhook route which repository's pushes to follow; content stays local.
    const github = { kind: 'github', owner: OWNER, repo: REPO, branch: 'main', token: 'unused', apiUrl: '' } as const;
    const deps = assembleDeps(
      db,
      content,
      { authz: 'rbac', publicRead: false, registration: 'closed', webhookSecret: WEBHOOK_SECRET, content: github },
      { argon2: CHEAP_ARGON2 },
    );

    const seedStarted = performance.now();
    if (seedWith === 'sync') {
      const initial = await syncCatalog(deps);
      if (initial.counts.added !== size) {
        throw new Error(`the initial sync of ${size} items added ${JSON.stringify(initial.counts)}`);
      }
    } else {
      await insertCatalogRows(db, connection, seeded, teams);
    }
    const seedDb = { how: seedWith, ms: performance.now() - seedStarted };
    return { size, dir, gitdir, connection, content, deps, seedGitMs, seedDb, edits: 0 };
  } catch (error) {
    await connection?.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function closeCatalog(catalog: Catalog): Promise<void> {
  await catalog.content.close();
  await catalog.connection.close();
  rmSync(catalog.dir, { recursive: true, force: true });
}

/**
 * Commits a new description for one item through the content store (the database does not hear of it).
 * The item rotates through the catalog, so that no two changes in a row touch the same namespace.
 */
async function commitOneChange(catalog: Catalog, word = `revision ${catalog.edits + 1}`): Promise<string> {
  const index = (catalog.edits * 37) % catalog.size;
  catalog.edits++;
  const folder = folderOf(index);
  const name = `skill-${index}`;
  await catalog.content.commit({
    changes: [
      {
        type: 'write',
        path: `${folder}/SKILL.md`,
        content: encoder.encode(skillMd(name, `The ${name} skill, ${word}.`)),
      },
    ],
    message: `Describe ${name} anew`,
    author: AUTHOR,
    expectedHead: await catalog.content.head(),
  });
  return name;
}

/** Commits a one-item change and times the sync that brings the catalog up to it. */
async function timeOneSync(catalog: Catalog): Promise<number> {
  await commitOneChange(catalog);
  const started = performance.now();
  const result = await syncCatalog(catalog.deps);
  const elapsed = performance.now() - started;
  if (result.folders !== 1 || result.counts.updated !== 1) {
    throw new Error(`a one-item sync of ${catalog.size} items applied ${JSON.stringify(result)}`);
  }
  return elapsed;
}

async function measureVerify(catalog: Catalog): Promise<{ cold: number[]; warm: number[]; folders: number }> {
  const cold: number[] = [];
  let folders = 0;
  for (let i = 0; i < VERIFY_COLD_RUNS; i++) {
    // A freshly opened store has no tree cache: every tree is read and inflated from disk.
    const content = await LocalGitContentStore.open(catalog.gitdir);
    try {
      const started = performance.now();
      const report = await verifyCatalog({ ...catalog.deps, content });
      cold.push(performance.now() - started);
      if (report.driftCount !== 0) throw new Error(`verify found ${report.driftCount} drifted items`);
      folders = report.folders;
    } finally {
      await content.close();
    }
  }
  const warm: number[] = [];
  for (let i = -1; i < VERIFY_WARM_RUNS; i++) {
    const started = performance.now();
    const report = await verifyCatalog(catalog.deps);
    if (i >= 0) warm.push(performance.now() - started);
    if (report.driftCount !== 0) throw new Error(`verify found ${report.driftCount} drifted items`);
  }
  return { cold, warm, folders };
}

/** A word no item has: lowercase letters only, so that the English stemmer leaves it searchable as it is. */
function uniqueWord(): string {
  const letters = [...randomBytes(10)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
  return `zq${letters}`;
}

interface WebhookFigures {
  /** Sending the webhook to the first search response that lists the changed item. */
  readonly visible: number[];
  /** Sending the webhook to its 202. */
  readonly answered: number[];
  /** Each search request's round trip while polling. */
  readonly pollMs: number[];
  readonly polls: number[];
  /** Sending the webhook to the worker's "catalog synced", with no search requests running meanwhile. */
  readonly synced: number[];
}

/** A signed GitHub push webhook for the branch's head, sent over HTTP; the time it was sent and answered. */
async function sendPush(url: string, head: string): Promise<{ sent: number; answered: number }> {
  const body = JSON.stringify({
    ref: 'refs/heads/main',
    before: '0'.repeat(40),
    after: head,
    repository: { full_name: `${OWNER}/${REPO}` },
  });
  const signature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;
  const sent = performance.now();
  const response = await fetch(`${url}/api/v1/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': randomBytes(16).toString('hex'),
      'x-hub-signature-256': signature,
    },
    body,
  });
  const answered = performance.now();
  if (response.status !== 202) throw new Error(`the webhook answered ${response.status}: ${await response.text()}`);
  await response.body?.cancel();
  return { sent, answered };
}

/**
 * Commits a change carrying `word`, a word no item has: a new item on even rounds, a new description of an
 * existing item on odd ones. Returns the changed item's name.
 */
async function commitSearchableChange(catalog: Catalog, round: number, word: string): Promise<string> {
  if (round % 2 === 1) return commitOneChange(catalog, word);
  const name = `fresh-${catalog.edits++}`;
  const folder = `skills/${namespaceOf(catalog.edits)}/${name}`;
  await catalog.content.commit({
    changes: [
      { type: 'write', path: `${folder}/SKILL.md`, content: encoder.encode(skillMd(name, `A new skill, ${word}.`)) },
      { type: 'write', path: `${folder}/README.md`, content: encoder.encode(`How to use ${name}.\n`) },
    ],
    message: `Add ${name}`,
    author: AUTHOR,
    expectedHead: await catalog.content.head(),
  });
  return name;
}

/**
 * The real app and the in-process sync worker on the large catalog.
 * - visible: each round commits a change carrying a word no item has to the local repository, posts a signed
 *   push webhook, and polls search for the word every POLL_MS until the changed item is among the results;
 * - synced: the same without polling, timed to the worker's "catalog synced" log line, which comes once the
 *   job is marked done: how long the pipeline itself takes when nothing else uses the database.
 */
async function measureWebhookToSearch(catalog: Catalog): Promise<WebhookFigures> {
  const { deps } = catalog;
  const user = await deps.db.users.insert(buildUser({ username: 'bench-reader' }));
  const { token, secret } = issueToken(user.id, 'personal', 'bench', new Date(), null);
  await deps.db.tokens.insert(token);
  const auth = { authorization: `Bearer ${secret}` };

  let onSynced: ((to: unknown) => void) | undefined;
  const workerTrouble: string[] = [];
  const log = {
    info: (details: object, message: string) => {
      if (message === 'catalog synced') onSynced?.((details as { to?: unknown }).to);
    },
    warn: (details: object, message: string) => void workerTrouble.push(`${message} ${JSON.stringify(details)}`),
    error: (details: object, message: string) => void workerTrouble.push(`${message} ${JSON.stringify(details)}`),
  };
  const late = (what: string) =>
    new Error(`${what} within ${VISIBLE_TIMEOUT_MS} ms; worker: ${workerTrouble.join('; ')}`);
  const app = await buildApp(deps, { fastify: { logger: false } });
  const runtime = startSyncRuntime(deps, { log, poll: false });
  const figures: WebhookFigures = { visible: [], answered: [], pollMs: [], polls: [], synced: [] };
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const find = async (word: string, name: string): Promise<boolean> => {
      const response = await fetch(`${url}/api/v1/items?q=${word}`, { headers: auth });
      if (response.status !== 200) throw new Error(`search answered ${response.status}: ${await response.text()}`);
      const page = (await response.json()) as { items: { name: string }[] };
      return page.items.some((item) => item.name === name);
    };

    for (let i = -WEBHOOK_WARMUP; i < WEBHOOK_RUNS; i++) {
      const word = uniqueWord();
      const name = await commitSearchableChange(catalog, i + WEBHOOK_WARMUP, word);
      const { sent, answered } = await sendPush(url, await catalog.content.head());
      const pollMs: number[] = [];
      for (;;) {
        const started = performance.now();
        const found = await find(word, name);
        pollMs.push(performance.now() - started);
        if (found) break;
        if (performance.now() - sent > VISIBLE_TIMEOUT_MS) {
          throw late(`${name} was not found by "${word}"`);
        }
        await sleep(POLL_MS);
      }
      if (i < 0) continue;
      figures.visible.push(performance.now() - sent);
      figures.answered.push(answered - sent);
      figures.pollMs.push(...pollMs);
      figures.polls.push(pollMs.length);
    }

    for (let i = 0; i < SYNCED_RUNS; i++) {
      const word = uniqueWord();
      const name = await commitSearchableChange(catalog, i, word);
      const head = await catalog.content.head();
      const synced = new Promise<number>((resolve) => {
        onSynced = (to) => {
          if (to === head) resolve(performance.now());
        };
      });
      const { sent } = await sendPush(url, head);
      const timeout = sleep(VISIBLE_TIMEOUT_MS).then(() => Number.NaN);
      const at = await Promise.race([synced, timeout]);
      onSynced = undefined;
      if (Number.isNaN(at)) throw late('the worker did not sync');
      if (!(await find(word, name))) throw new Error(`${name} is not found by "${word}" after its sync`);
      figures.synced.push(at - sent);
    }
  } finally {
    await runtime.stop();
    await app.close();
  }
  return figures;
}

export async function run(): Promise<BenchResult> {
  const started = performance.now();
  const small = await openCatalog(SMALL, 'sync');
  let large: Catalog | undefined;
  try {
    large = await openCatalog(LARGE, FULL_INITIAL_SYNC ? 'sync' : 'insert');

    // Alternate the two sizes so that noise on this machine falls on both alike.
    const smallSamples: number[] = [];
    const largeSamples: number[] = [];
    for (let i = -WARMUP; i < SYNC_RUNS; i++) {
      const [first, second] = i % 2 === 0 ? [small, large] : [large, small];
      const a = await timeOneSync(first);
      const b = await timeOneSync(second);
      if (i < 0) continue;
      (first === small ? smallSamples : largeSamples).push(a);
      (second === small ? smallSamples : largeSamples).push(b);
    }
    const smallMedian = median(smallSamples);
    const largeMedian = median(largeSamples);
    const ratio = largeMedian / smallMedian;

    const verify = await measureVerify(large);
    const verifyCold = median(verify.cold);
    const verifyWarm = median(verify.warm);

    const webhook = await measureWebhookToSearch(large);
    const visibleMedian = median(webhook.visible);
    const visibleP95 = percentile(webhook.visible, 95);
    const visibleMax = Math.max(...webhook.visible);

    const figures: Figure[] = [
      { name: `initial sync of ${SMALL} items`, value: round(small.seedDb.ms), unit: 'ms' },
      ...(large.seedDb.how === 'sync'
        ? [
            {
              name: `initial sync of ${LARGE.toLocaleString('en')} items`,
              value: round(large.seedDb.ms / 1000),
              unit: 's',
            },
          ]
        : []),
      { name: `incremental sync, one item changed, ${SMALL} items (median)`, value: round(smallMedian), unit: 'ms' },
      {
        name: `incremental sync, one item changed, ${LARGE.toLocaleString('en')} items (median)`,
        value: round(largeMedian),
        unit: 'ms',
      },
      {
        name: `incremental sync ratio, ${LARGE.toLocaleString('en')} / ${SMALL} items`,
        value: round(ratio),
        unit: 'x',
        target: `< ${RATIO_TARGET}`,
        ok: ratio < RATIO_TARGET,
      },
      {
        name: `full verify of ${LARGE.toLocaleString('en')} items, fresh store (median)`,
        value: round(verifyCold),
        unit: 'ms',
        target: `< ${VERIFY_TARGET_MS} ms`,
        ok: verifyCold < VERIFY_TARGET_MS,
      },
      {
        name: `full verify of ${LARGE.toLocaleString('en')} items, warm store (median)`,
        value: round(verifyWarm),
        unit: 'ms',
        target: `< ${VERIFY_TARGET_MS} ms`,
        ok: verifyWarm < VERIFY_TARGET_MS,
      },
      { name: 'webhook answered (202), median', value: round(median(webhook.answered)), unit: 'ms' },
      {
        name: 'webhook arrival to visible in search, median',
        value: round(visibleMedian),
        unit: 'ms',
        target: `< ${VISIBLE_TARGET_MS} ms`,
        ok: visibleMedian < VISIBLE_TARGET_MS,
      },
      { name: 'webhook arrival to visible in search, p95', value: round(visibleP95), unit: 'ms' },
      {
        name: 'webhook arrival to visible in search, max',
        value: round(visibleMax),
        unit: 'ms',
        target: `< ${VISIBLE_TARGET_MS} ms`,
        ok: visibleMax < VISIBLE_TARGET_MS,
      },
      { name: 'search request while polling, median', value: round(median(webhook.pollMs)), unit: 'ms' },
      { name: 'search request while polling, p95', value: round(percentile(webhook.pollMs, 95)), unit: 'ms' },
      {
        name: 'webhook arrival to sync done, no reads meanwhile, median',
        value: round(median(webhook.synced)),
        unit: 'ms',
      },
      {
        name: 'webhook arrival to sync done, no reads meanwhile, max',
        value: round(Math.max(...webhook.synced)),
        unit: 'ms',
      },
    ];
    return {
      bench: 'sync',
      figures,
      notes: [
        'PGlite on disk in a temp folder, migrations applied; local bare git repository in a temp folder',
        `catalogs of skills in ${NAMESPACES} team namespaces, seeded in one commit of loose objects written directly ` +
          `(${LARGE.toLocaleString('en')} items: ${round(large.seedGitMs / 1000, 1)} s); ${SMALL} items brought ` +
          'into the database by one syncCatalog (the "initial sync" figure), ' +
          (large.seedDb.how === 'sync'
            ? `${LARGE.toLocaleString('en')} items likewise`
            : `${LARGE.toLocaleString('en')} items by inserting the rows sync would write ` +
              `(${round(large.seedDb.ms / 1000, 1)} s; ATLAS_BENCH_SYNC_INITIAL=1 times a full initial sync instead)`),
        `incremental sync: a one-item SKILL.md change committed through the content store, then syncCatalog timed; ` +
          `${SYNC_RUNS} timed runs per size after ${WARMUP} untimed, the two sizes taking turns run by run`,
        `verify: ${VERIFY_COLD_RUNS} runs each with a freshly opened content store (no cached trees), ` +
          `${VERIFY_WARM_RUNS} with the long-lived one; ${verify.folders.toLocaleString('en')} folders, no drift`,
        `webhook to search at ${LARGE.toLocaleString('en')} items: buildApp + startSyncRuntime (worker, no poller) ` +
          `on 127.0.0.1; ${WEBHOOK_RUNS} rounds after ${WEBHOOK_WARMUP} untimed, alternating a new item and a new ` +
          'description; each with a word no item has; timed from sending the signed push webhook to the first ' +
          `search response (GET /api/v1/items?q=, signed-in user, polled every ${POLL_MS} ms) listing the item; ` +
          `polls per round median ${median(webhook.polls)}, max ${Math.max(...webhook.polls)}; then ${SYNCED_RUNS} rounds ` +
          'without polling, timed to the worker\'s "catalog synced" log line (after the job is marked done)',
        "PGlite is one connection: the worker's statements queue behind the search requests being polled, so " +
          '"visible in search" includes that wait; "sync done, no reads meanwhile" is the pipeline alone',
        `run ${round((performance.now() - started) / 1000, 1)} s before removing the temp folders`,
      ],
    };
  } finally {
    await closeCatalog(small);
    if (large) await closeCatalog(large);
  }
}
