/**
 * Sync under faults, on a PostgreSQL server and a loopback GitHub: a crash between the git commit and the
 * database write, lost, repeated and reordered webhooks, a database that is away when a webhook arrives,
 * GitHub failing or rate limiting in the middle of a sync, and bad input pushed through git. After each
 * scenario the verifier finds no drift.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { LocalGitContentStore } from '../../src/adapters/git/local-git-content-store.ts';
import { type FakeGitHub, startFakeGitHub } from '../../src/adapters/github/testing/fake-github.ts';
import { openPostgres } from '../../src/adapters/postgres/connection.ts';
import { PostgresDatabase } from '../../src/adapters/postgres/postgres-database.ts';
import { describeWithServer } from '../../src/adapters/postgres/testing/server-database.ts';
import type { TestDatabase } from '../../src/adapters/postgres/testing/test-databases.ts';
import { openTestServer } from '../../src/adapters/postgres/testing/test-databases.ts';
import { publishItem } from '../../src/application/catalog/publish-item.ts';
import { searchItems } from '../../src/application/catalog/search-items.ts';
import type { AtlasDeps } from '../../src/application/deps.ts';
import { getSyncStatus } from '../../src/application/sync/get-sync-status.ts';
import { type JobOutcome, newSyncJob, runNextSyncJob } from '../../src/application/sync/run-sync-job.ts';
import { syncCatalog } from '../../src/application/sync/sync-catalog.ts';
import type { User } from '../../src/domain/accounts/user.ts';
import { toItemRef } from '../../src/domain/catalog/item-ref.ts';
import type { ContentStore } from '../../src/domain/content/content-store.ts';
import type { SyncJob } from '../../src/domain/sync/sync-job.ts';
import { buildApp } from '../../src/entrypoints/http/app.ts';
import { startSyncRuntime } from '../../src/entrypoints/worker/sync-runtime.ts';
import {
  actorOf,
  catalogRows,
  crashingDatabase,
  depsFor,
  driftOf,
  eventually,
  exec,
  githubContent,
  githubStore,
  ManualClock,
  memoryLog,
  pushPayload,
  seedNamespaces,
  skillFiles,
  skillMd,
  switchableDatabase,
  WEBHOOK_SECRET,
  webhookHeaders,
} from '../support/sync-helpers.ts';

const ref = (namespace: string, name: string) => toItemRef({ kind: 'skill', namespace, name });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `action` just before the `n`th read of an item folder: a failure that starts in the middle of a sync. */
function onNthItemRead(store: ContentStore, n: number, action: () => void): ContentStore {
  let reads = 0;
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property === 'readItem') {
        return (...args: Parameters<ContentStore['readItem']>) => {
          reads++;
          if (reads === n) action();
          return target.readItem(...args);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Runs due jobs until the queue is empty, waiting out short backoffs; returns every outcome. */
async function drainQueue(deps: AtlasDeps & { backoffBaseMs?: number }, timeoutMs = 5000): Promise<JobOutcome[]> {
  const outcomes: JobOutcome[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outcome = await runNextSyncJob(deps, 'test-worker');
    if (outcome) {
      outcomes.push(outcome);
      continue;
    }
    const pending = (await deps.db.sync.countJobs('queued')) + (await deps.db.sync.countJobs('running'));
    if (pending === 0) return outcomes;
    if (Date.now() > deadline) throw new Error(`jobs still pending after ${timeoutMs} ms`);
    await sleep(10);
  }
}

async function allJobs(deps: Pick<AtlasDeps, 'db'>): Promise<SyncJob[]> {
  const statuses = ['queued', 'running', 'done', 'failed'] as const;
  return (await Promise.all(statuses.map((s) => deps.db.sync.listJobs(s, 500)))).flat();
}

describeWithServer('sync under faults', (server) => {
  let test: TestDatabase & { url: string };
  let fake: FakeGitHub;
  let alice: User;
  let deps: AtlasDeps & { backoffBaseMs?: number };

  const folders: string[] = [];

  beforeAll(async () => {
    test = await openTestServer(server.url, server.template);
  });
  afterAll(async () => {
    await test.close();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await test.reset();
    fake = await startFakeGitHub();
    ({ alice } = await seedNamespaces(test.database));
    deps = {
      ...depsFor(test.database, githubStore(fake, { retries: 2 }), {
        content: githubContent(fake),
        webhookSecret: WEBHOOK_SECRET,
        pollSeconds: 1,
      }),
      backoffBaseMs: 5,
    };
  });
  afterEach(async () => {
    try {
      expect((await driftOf(deps)).driftCount, 'drift after the scenario').toBe(0);
    } finally {
      await fake.close();
    }
  });

  it('heals a crash between the git commit and the database write with the next sync after a restart', async () => {
    const crash = crashingDatabase(test.database);
    const before = { ...deps, db: crash.db };
    await syncCatalog(before);
    crash.crashNextTransaction();
    await expect(
      publishItem(
        before,
        { namespace: 'alice', files: skillFiles('pdf-tools', 'Extract text from PDF.') },
        actorOf(alice),
      ),
    ).rejects.toThrow('the process died');
    const committed = (await deps.content.history('skills/alice/pdf-tools', { limit: 10 })).entries;
    expect(committed).toHaveLength(1);
    expect(await test.database.items.findByRef(ref('alice', 'pdf-tools'))).toBeUndefined();

    // After a restart: a new pool on the same database, a new client of the same repository.
    const connection = await openPostgres(test.url, { max: 2 });
    try {
      const restarted = depsFor(new PostgresDatabase(connection), githubStore(fake), {
        content: githubContent(fake),
      });
      const result = await syncCatalog(restarted);
      expect(result.counts).toMatchObject({ added: 1 });
      const row = await restarted.db.items.findByRef(ref('alice', 'pdf-tools'));
      expect(row).toMatchObject({ status: 'active', commitSha: committed[0]?.commitSha, ownerUserId: alice.id });
      expect((await catalogRows(restarted.db)).filter((r) => r.name === 'pdf-tools')).toHaveLength(1);

      const again = await publishItem(
        restarted,
        { namespace: 'alice', files: skillFiles('pdf-tools', 'Extract text from PDF.') },
        actorOf(alice),
      );
      expect(again).toMatchObject({ unchanged: true, commitSha: committed[0]?.commitSha });
      expect(await restarted.db.items.listVersions(row!.id)).toHaveLength(1);
      expect((await restarted.content.history('skills/alice/pdf-tools', { limit: 10 })).entries).toHaveLength(1);
    } finally {
      await connection.close();
    }
  });

  it('heals a crash by publishing the same content again, and the sync after it skips the folder', async () => {
    const crash = crashingDatabase(test.database);
    const before = { ...deps, db: crash.db };
    await syncCatalog(before);
    crash.crashNextTransaction();
    const input = { namespace: 'alice', files: skillFiles('pdf-tools') };
    await expect(publishItem(before, input, actorOf(alice))).rejects.toThrow('the process died');
    const [commit] = (await deps.content.history('skills/alice/pdf-tools', { limit: 10 })).entries;

    const again = await publishItem(deps, input, actorOf(alice));
    expect(again).toMatchObject({ commitSha: commit?.commitSha });
    expect(await fake.head()).toBe(commit?.commitSha);
    const row = await deps.db.items.findByRef(ref('alice', 'pdf-tools'));
    expect(await deps.db.items.listVersions(row!.id)).toHaveLength(1);

    const result = await syncCatalog(deps);
    expect(result).toMatchObject({ to: commit?.commitSha, folders: 0 });
    expect(await deps.db.items.findByRef(ref('alice', 'pdf-tools'))).toEqual(row);
  });

  it('catches up with a push whose webhook was lost within one poll interval', async () => {
    const log = memoryLog();
    const runtime = startSyncRuntime(deps, { log, idleMs: 50, verifyEveryMs: 0, backoffBaseMs: 5 });
    try {
      const start = await fake.head();
      await eventually(
        async () => ((await deps.db.sync.getState()).lastSyncedSha === start ? true : undefined),
        5000,
        'the first sync',
      );
      expect(runtime.isPoller()).toBe(true);
      expect(log.lines.filter((l) => l.includes('this process is the poller'))).toHaveLength(1);

      await fake.pushCommit({
        files: { 'skills/alice/lost-push/SKILL.md': skillMd('lost-push', 'Arrived without its webhook.') },
      });
      const pushedAt = Date.now();
      const found = await eventually(
        async () => {
          const page = await searchItems(deps, { q: 'webhook', limit: 10 }, actorOf(alice));
          return page.items.find((item) => item.name === 'lost-push');
        },
        2500,
        'the pushed skill in search',
      );
      expect(found.status).toBe('active');
      expect(Date.now() - pushedAt).toBeLessThan(2200);
      const jobs = await allJobs(deps);
      expect(jobs.every((j) => j.reason.kind === 'poll' && j.status === 'done')).toBe(true);
    } finally {
      await runtime.stop();
    }
    expect(runtime.isPoller()).toBe(false);
  });

  it('applies each change once when webhooks arrive twice and out of order', async () => {
    const app = await buildApp(deps);
    try {
      const start = await fake.head();
      await syncCatalog(deps);
      const a = await fake.pushCommit({ files: { 'skills/alice/one/SKILL.md': skillMd('one', 'First.', '1.0.0') } });
      const b = await fake.pushCommit({
        files: {
          'skills/alice/one/SKILL.md': skillMd('one', 'Second.', '2.0.0'),
          'skills/alice/two/SKILL.md': skillMd('two'),
        },
      });
      const deliver = (id: string, after: string, before: string) => {
        const payload = pushPayload({ after, before, repository: `${fake.owner}/${fake.repo}` });
        return app.inject({
          method: 'POST',
          url: '/api/v1/webhooks/github',
          headers: webhookHeaders(payload, id),
          payload,
        });
      };
      expect((await deliver('delivery-b', b, a)).statusCode).toBe(202);
      expect((await deliver('delivery-a', a, start)).statusCode).toBe(202);
      const repeat = await deliver('delivery-b', b, a);
      expect([repeat.statusCode, repeat.json().outcome]).toEqual([200, 'duplicate']);

      const outcomes = await drainQueue(deps);
      expect(outcomes.map((o) => ('result' in o ? [o.job.deliveryId, o.result.changed] : o.error))).toEqual([
        ['delivery-b', true],
        ['delivery-a', false],
      ]);
      const jobs = await allJobs(deps);
      expect(jobs.map((j) => [j.deliveryId, j.status, j.attempts]).sort()).toEqual([
        ['delivery-a', 'done', 1],
        ['delivery-b', 'done', 1],
      ]);
      expect((await deps.db.sync.getState()).lastSyncedSha).toBe(b);
      const one = await deps.db.items.findByRef(ref('alice', 'one'));
      expect(one).toMatchObject({ version: '2.0.0', description: 'Second.', commitSha: b });
      expect((await deps.db.items.listVersions(one!.id)).map((v) => v.commitSha)).toEqual([b]);
      const two = await deps.db.items.findByRef(ref('alice', 'two'));
      expect((await deps.db.items.listVersions(two!.id)).map((v) => v.commitSha)).toEqual([b]);
      expect((await catalogRows(deps.db)).map((r) => r.gitPath)).toEqual(['skills/alice/one', 'skills/alice/two']);
    } finally {
      await app.close();
    }
  });

  it('answers an error when the database is away as a webhook arrives, and the poller heals the gap', async () => {
    const away = await openPostgres('postgres://postgres@127.0.0.1:1/none');
    const database = switchableDatabase(new PostgresDatabase(away));
    const during = { ...deps, db: database.db };
    const app = await buildApp(during);
    try {
      await syncCatalog(deps);
      const pushed = await fake.pushCommit({
        files: { 'skills/alice/gap/SKILL.md': skillMd('gap', 'Bridged later.') },
      });
      const payload = pushPayload({ after: pushed, repository: `${fake.owner}/${fake.repo}` });
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/webhooks/github',
        headers: webhookHeaders(payload, 'while-away-1'),
        payload,
      });
      expect(res.statusCode).toBeGreaterThanOrEqual(500);
      expect(res.statusCode).not.toBe(202);

      database.use(test.database);
      expect(await deps.db.sync.findDelivery('while-away-1')).toBeUndefined();
      const runtime = startSyncRuntime(during, { log: memoryLog(), idleMs: 50, verifyEveryMs: 0 });
      try {
        await eventually(
          async () => deps.db.items.findByRef(ref('alice', 'gap')),
          3000,
          'the item pushed while the database was away',
        );
      } finally {
        await runtime.stop();
      }
      expect((await deps.db.sync.getState()).lastSyncedSha).toBe(pushed);
    } finally {
      await app.close();
      await away.close();
    }
  });

  it('retries a sync that GitHub failed with 5xx in its middle, having applied none of it, and completes it', async () => {
    await fake.pushCommit({ files: { 'skills/alice/kept/SKILL.md': skillMd('kept', 'Before.') } });
    await syncCatalog(deps);
    const rowsBefore = await catalogRows(deps.db);
    const stateBefore = await deps.db.sync.getState();
    const head = await fake.pushCommit({
      files: {
        'skills/alice/kept/SKILL.md': skillMd('kept', 'After.'),
        'skills/alice/new-one/SKILL.md': skillMd('new-one'),
        'skills/bob/new-two/SKILL.md': skillMd('new-two'),
      },
    });
    const failing = {
      ...deps,
      content: onNthItemRead(deps.content, 2, () => fake.injectServerError({ requests: 50, status: 502 })),
    };
    await deps.db.sync.enqueue(newSyncJob({ kind: 'webhook' }, deps.clock.now()));

    const first = await runNextSyncJob(failing, 'w1');
    expect(first).toMatchObject({ error: expect.stringMatching(/^UnavailableError/), retryAt: expect.any(Date) });
    expect(fake.requestCount({ status: 502 })).toBeGreaterThan(0);
    fake.injectServerError({ requests: 0 });
    expect(await catalogRows(deps.db)).toEqual(rowsBefore);
    expect(await deps.db.sync.getState()).toEqual(stateBefore);

    const rest = await drainQueue(failing);
    expect(rest).toHaveLength(1);
    expect(rest[0]).toMatchObject({ job: { attempts: 2 }, result: { to: head, folders: 3 } });
    expect((await catalogRows(deps.db)).map((r) => `${r.gitPath} ${r.description}`)).toEqual([
      'skills/alice/kept After.',
      'skills/alice/new-one The new-one skill.',
      'skills/bob/new-two The new-two skill.',
    ]);
  });

  it('waits out a secondary rate limit with retry-after and a primary one that resets soon, in the same attempt', async () => {
    const head = await fake.pushCommit({
      files: { 'skills/alice/one/SKILL.md': skillMd('one'), 'skills/alice/two/SKILL.md': skillMd('two') },
    });
    const limited = {
      ...deps,
      content: onNthItemRead(deps.content, 1, () => fake.injectSecondaryRateLimit({ retryAfterSeconds: 3 })),
    };
    const job = newSyncJob({ kind: 'manual' }, deps.clock.now());
    await deps.db.sync.enqueue(job);
    fake.injectPrimaryRateLimit({ resetInSeconds: 1, requests: 1 });
    const [outcome] = await drainQueue(limited);
    expect(outcome).toMatchObject({ result: { to: head, folders: 2 } });
    expect(await deps.db.sync.findJob(job.id)).toMatchObject({ status: 'done', attempts: 1 });
    expect(fake.requestCount({ status: 403 })).toBe(2);
    expect((await catalogRows(deps.db)).map((r) => r.gitPath)).toEqual(['skills/alice/one', 'skills/alice/two']);
  });

  it('retries a sync stopped by a long rate limit no sooner than GitHub allows, then completes it', async () => {
    const clock = new ManualClock(Date.now());
    // The default backoff (about a second), as a deployed worker uses it.
    const timed = { ...deps, clock, backoffBaseMs: undefined };
    await fake.pushCommit({ files: { 'skills/alice/kept/SKILL.md': skillMd('kept') } });
    await syncCatalog(timed);
    const rowsBefore = await catalogRows(deps.db);
    const head = await fake.pushCommit({
      files: { 'skills/alice/kept/SKILL.md': skillMd('kept', 'Changed.'), 'skills/alice/new/SKILL.md': skillMd('new') },
    });
    const limited = {
      ...timed,
      content: onNthItemRead(deps.content, 2, () => fake.injectSecondaryRateLimit({ retryAfterSeconds: 600 })),
    };
    const job = newSyncJob({ kind: 'manual' }, clock.now());
    await deps.db.sync.enqueue(job);
    const first = await runNextSyncJob(limited, 'w1');
    expect(first).toMatchObject({ error: expect.stringMatching(/^RateLimitedError/) });
    expect(await catalogRows(deps.db)).toEqual(rowsBefore);
    const parked = (await deps.db.sync.findJob(job.id))!;
    expect(parked.status).toBe('queued');
    const waited = parked.runAfter.getTime() - clock.now().getTime();

    clock.set(parked.runAfter);
    const second = await runNextSyncJob(limited, 'w1');
    expect(second).toMatchObject({ result: { to: head, folders: 2 } });
    expect(await deps.db.sync.findJob(job.id)).toMatchObject({ status: 'done', attempts: 2 });

    // GitHub asked for ten minutes; a retry within seconds spends attempts (and goodwill) while the limit holds.
    expect(waited).toBeGreaterThanOrEqual(590_000);
  });

  it('records a pushed folder with a bad name and one with a 50 MB file as invalid, and applies the rest', async () => {
    // The local content store with the default limits (10 MB a file), and a real 50 MB file pushed with git.
    const dir = mkdtempSync(join(tmpdir(), 'atlas-bad-push-'));
    folders.push(dir);
    const gitdir = join(dir, 'content.git');
    const local = await LocalGitContentStore.open(gitdir);
    const localDeps = depsFor(test.database, local);
    deps = { ...localDeps };
    const clone = join(dir, 'clone');
    const git = (...args: string[]) =>
      exec('git', ['-c', 'user.name=Grace', '-c', 'user.email=grace@example.com', ...args], { cwd: clone });
    await exec('git', ['clone', '-q', gitdir, clone]);
    const write = async (path: string, data: string | Uint8Array) => {
      await mkdir(dirname(join(clone, path)), { recursive: true });
      writeFileSync(join(clone, path), data);
    };
    await write('skills/alice/kept/SKILL.md', skillMd('kept'));
    await git('add', '-A');
    await git('commit', '-q', '-m', 'A good skill');
    await git('push', '-q', 'origin', 'HEAD:main');
    await syncCatalog(localDeps);
    const kept = await test.database.items.findByRef(ref('alice', 'kept'));

    await write('skills/alice/Bad.Name/SKILL.md', skillMd('bad-name'));
    await write('skills/alice/huge/SKILL.md', skillMd('huge'));
    const big = new Uint8Array(50 * 1024 * 1024);
    big.set(new TextEncoder().encode('weights'), 0);
    await write('skills/alice/huge/model.bin', big);
    await write('skills/bob/fine/SKILL.md', skillMd('fine'));
    await git('add', '-A');
    await git('commit', '-q', '-m', 'Bad input through git');
    await git('push', '-q', 'origin', 'HEAD:main');

    const result = await syncCatalog(localDeps);
    expect(result.counts).toEqual({ added: 1, updated: 0, removed: 0, moved: 0, invalid: 2 });
    const badName = await test.database.items.findByGitPath('skills/alice/Bad.Name');
    expect(badName?.status).toBe('invalid');
    expect(badName?.problems).toContainEqual({
      path: 'skills/alice/Bad.Name',
      message: 'is not a valid item folder: namespace and name must be lowercase a-z, 0-9 and hyphens',
    });
    const huge = await test.database.items.findByGitPath('skills/alice/huge');
    expect(huge?.status).toBe('invalid');
    // One problem for each limit broken, each naming its path.
    expect(huge?.problems).toEqual([
      { path: 'model.bin', message: 'is 50 MB; the limit is 10 MB a file' },
      { path: 'the item', message: expect.stringMatching(/^is 50(\.\d+)? MB; the limit is 30 MB an item$/) },
    ]);
    expect(await test.database.items.findByRef(ref('bob', 'fine'))).toMatchObject({ status: 'active' });
    expect(await test.database.items.findByRef(ref('alice', 'kept'))).toEqual(kept);

    const status = await getSyncStatus(localDeps, actorOf(alice));
    expect(status.invalidItems.map((i) => i.gitPath).sort()).toEqual(['skills/alice/Bad.Name', 'skills/alice/huge']);
    expect(status.behind).toBe(false);
  }, 60_000);
});
