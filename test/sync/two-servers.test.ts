/**
 * Two Atlas server processes over one PostgreSQL database and one (fake) GitHub repository, as a deployment
 * with two instances runs: webhooks land on either, each delivery is synced exactly once, one process polls;
 * with a separate `atlas worker` as well, concurrent publishes through both servers all land, once each.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FakeGitHub, startFakeGitHub } from '../../src/adapters/github/testing/fake-github.ts';
import { describeWithServer } from '../../src/adapters/postgres/testing/server-database.ts';
import type { TestDatabase } from '../../src/adapters/postgres/testing/test-databases.ts';
import { openTestServer } from '../../src/adapters/postgres/testing/test-databases.ts';
import { issueToken } from '../../src/application/accounts/issue-token.ts';
import {
  depsFor,
  driftOf,
  eventually,
  githubContent,
  githubStore,
  pushPayload,
  seedNamespaces,
  skillMd,
  WEBHOOK_SECRET,
  webhookHeaders,
} from '../support/sync-helpers.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../support/serve-process.mts', import.meta.url));
/** Rounds of two pushes whose webhooks arrive together, one at each process. */
const ROUNDS = 4;

interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
}

/** Starts a server process (or with `worker`, a worker process) and waits for its ready line. */
async function startServerProcess(
  env: Record<string, string>,
  timeoutMs = 30_000,
  mode: 'serve' | 'worker' = 'serve',
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...(mode === 'worker' ? ['worker'] : [])], {
    cwd: ROOT,
    env: { ...process.env, ATLAS_LOG_LEVEL: 'info', ATLAS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = () => {
      const match = /"url":"(http:\/\/[^"]+)"[^\n]*Atlas is ready/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1].replace('//localhost:', '//127.0.0.1:'));
      } else if (mode === 'worker' && output.includes('Atlas worker is ready')) {
        clearTimeout(timer);
        resolve('');
      }
    };
    child.stdout?.on('data', check);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before it was ready:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000).unref());
      const result = await Promise.race([exited, timeout]);
      if (result === 'timeout') {
        child.kill('SIGKILL');
        throw new Error(`the server did not stop within 15 s of SIGTERM:\n${output}`);
      }
      return result;
    },
  };
}

describeWithServer('two server processes on one database and one repository', (server) => {
  let test: TestDatabase & { url: string };
  let fake: FakeGitHub;
  let alice: Awaited<ReturnType<typeof seedNamespaces>>['alice'];
  const homes: string[] = [];

  beforeAll(async () => {
    test = await openTestServer(server.url, server.template);
    fake = await startFakeGitHub();
    ({ alice } = await seedNamespaces(test.database));
  });
  afterAll(async () => {
    await fake.close();
    await test.close();
    for (const home of homes) rmSync(home, { recursive: true, force: true });
  });

  const rowsOf = async <T>(query: ReturnType<typeof sql>) =>
    ((await test.connection.db.execute(query)) as unknown as { rows: T[] }).rows;

  const envFor = (name: string) => {
    const home = mkdtempSync(join(tmpdir(), `atlas-instance-${name}-`));
    homes.push(home);
    return {
      ATLAS_HOME: home,
      DATABASE_URL: test.url,
      ATLAS_CONTENT: `github:${fake.owner}/${fake.repo}`,
      GITHUB_TOKEN: fake.token,
      ATLAS_GITHUB_API_URL: fake.apiUrl,
      ATLAS_WEBHOOK_SECRET: WEBHOOK_SECRET,
      ATLAS_POLL_SECONDS: '1',
    };
  };

  const deliver = async (target: ServerProcess, id: string, payload: string) => {
    const res = await fetch(`${target.url}/api/v1/webhooks/github`, {
      method: 'POST',
      headers: webhookHeaders(payload, id),
      body: payload,
    });
    return { status: res.status, body: (await res.json()) as { outcome: string } };
  };

  it('syncs every delivery exactly once whichever process receives it, with one poller, ending equal to git', async () => {
    const started = await Promise.allSettled([startServerProcess(envFor('a')), startServerProcess(envFor('b'))]);
    const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const deps = depsFor(test.database, githubStore(fake), { content: githubContent(fake) });
    try {
      for (const s of started) if (s.status === 'rejected') throw s.reason;
      const [a, b] = servers as [ServerProcess, ServerProcess];

      // Both have started polling: one holds the lock and has synced the start of the branch.
      const start = await fake.head();
      await eventually(
        async () => ((await test.database.sync.getState()).lastSyncedSha === start ? true : undefined),
        10_000,
        'the first sync by the poller',
      );

      // Two people push at about the same time, and GitHub delivers both webhooks at once, one to each process.
      const deliveries: string[] = [];
      let before = start;
      for (let round = 0; round < ROUNDS; round++) {
        const sent: [ServerProcess, string, string][] = [];
        for (const [n, target] of [
          [round * 2, a],
          [round * 2 + 1, b],
        ] as const) {
          const files: Record<string, string> = { [`skills/alice/item-${n}/SKILL.md`]: skillMd(`item-${n}`) };
          if (n > 0) files['skills/alice/item-0/SKILL.md'] = skillMd('item-0', `Revision ${n}.`);
          const after = await fake.pushCommit({ files, message: `Commit ${n}` });
          const payload = pushPayload({ after, before, repository: `${fake.owner}/${fake.repo}` });
          sent.push([target, `delivery-${n}-${after.slice(0, 8)}`, payload]);
          before = after;
        }
        const answers = await Promise.all(sent.map(([target, id, payload]) => deliver(target, id, payload)));
        expect(answers.map((r) => [r.status, r.body.outcome])).toEqual([
          [202, 'queued'],
          [202, 'queued'],
        ]);
        deliveries.push(...sent.map(([, id]) => id));
        // GitHub redelivers now and then: the copy lands on the other process.
        const [, id, payload] = sent[0]!;
        const copy = await deliver(b, id, payload);
        expect([copy.status, copy.body.outcome]).toEqual([200, 'duplicate']);
      }

      const head = await fake.head();
      await eventually(
        async () => {
          const state = await test.database.sync.getState();
          const pending =
            (await test.database.sync.countJobs('queued')) + (await test.database.sync.countJobs('running'));
          return state.lastSyncedSha === head && pending === 0 ? true : undefined;
        },
        15_000,
        'both processes to finish every job',
      );

      const stored = await rowsOf<{ delivery_id: string; outcome: string }>(
        sql`select delivery_id, outcome from webhook_deliveries order by delivery_id`,
      );
      expect(stored).toEqual([...deliveries].sort().map((id) => ({ delivery_id: id, outcome: 'queued' })));
      const jobs = await rowsOf<{ delivery_id: string | null; reason: string; status: string; attempts: number }>(
        sql`select delivery_id, reason, status, attempts from sync_jobs order by delivery_id nulls last`,
      );
      const webhookJobs = jobs.filter((j) => j.reason === 'webhook');
      expect(webhookJobs.map((j) => j.delivery_id)).toEqual([...deliveries].sort());
      expect(webhookJobs.map((j) => [j.delivery_id, j.status])).toEqual(
        [...deliveries].sort().map((id) => [id, 'done']),
      );
      // Exactly once also means at the first attempt: a sync that failed because another process ran at the
      // same time is a sync that ran twice. Soft, so that the checks below still report.
      const failures = servers.flatMap((s) => s.output().split('\n')).filter((l) => l.includes('sync failed'));
      expect
        .soft(
          webhookJobs.filter((j) => j.attempts !== 1).map((j) => `${j.delivery_id}: ${j.attempts} attempts`),
          failures.join('\n'),
        )
        .toEqual([]);
      // The poller may have seen a push before its webhook; whatever it queued is done too.
      expect(jobs.filter((j) => j.reason !== 'webhook').every((j) => j.reason === 'poll' && j.status === 'done')).toBe(
        true,
      );

      const pollers = servers.filter((s) => s.output().includes('"msg":"this process is the poller"'));
      expect(pollers).toHaveLength(1);
      expect(pollers[0]!.output().split('this process is the poller')).toHaveLength(2);

      const drift = await driftOf(deps);
      expect(drift.driftCount).toBe(0);
      expect(drift.live).toEqual(drift.folders);
      const item0 = await test.database.items.findByGitPath('skills/alice/item-0');
      expect(item0).toMatchObject({
        description: `Revision ${ROUNDS * 2 - 1}.`,
        ownerUserId: alice.id,
        commitSha: head,
      });
    } finally {
      const codes = await Promise.all(servers.map((s) => s.stop()));
      expect(codes).toEqual(servers.map(() => 0));
    }
  }, 90_000);

  it('keeps every publish answered 201 through either server, applied once, with a worker and webhooks, drift 0', async () => {
    const started = await Promise.allSettled([
      startServerProcess(envFor('c')),
      startServerProcess(envFor('d')),
      startServerProcess(envFor('worker'), 30_000, 'worker'),
    ]);
    const processes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const deps = depsFor(test.database, githubStore(fake), { content: githubContent(fake) });
    try {
      for (const s of started) if (s.status === 'rejected') throw s.reason;
      const [c, d] = processes as [ServerProcess, ServerProcess, ServerProcess];
      const { token, secret } = issueToken(alice.id, 'personal', 'two-servers', new Date(), null);
      await test.database.tokens.insert(token);

      // Ten publishes of distinct new items through each server at once, all on the same head, while people
      // push to other items on GitHub and the webhooks land on either server.
      const names = Array.from({ length: 20 }, (_, i) => `published-${String(i).padStart(2, '0')}`);
      const publish = (target: ServerProcess, name: string) =>
        fetch(`${target.url}/api/v1/items`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
          body: JSON.stringify({ namespace: 'alice', files: [{ path: 'SKILL.md', content: skillMd(name) }] }),
        }).then(async (res) => ({ name, status: res.status, etag: res.headers.get('etag'), body: await res.text() }));
      const pushes = async () => {
        const delivered: string[] = [];
        for (let n = 0; n < 3; n++) {
          const before = await fake.head();
          const after = await fake.pushCommit({
            files: { [`skills/alice/pushed-${n}/SKILL.md`]: skillMd(`pushed-${n}`) },
            message: `Push ${n}`,
          });
          const id = `concurrent-${n}-${after.slice(0, 8)}`;
          const payload = pushPayload({ after, before, repository: `${fake.owner}/${fake.repo}` });
          const answer = await deliver(n % 2 ? d : c, id, payload);
          expect(answer.status).toBe(202);
          delivered.push(id);
        }
        return delivered;
      };
      const [answers, delivered] = await Promise.all([
        Promise.all(names.map((name, i) => publish(i % 2 ? d : c, name))),
        pushes(),
      ]);
      expect(answers.filter((a) => a.status !== 201).map((a) => `${a.name}: ${a.status} ${a.body}`)).toEqual([]);

      const head = await fake.head();
      await eventually(
        async () => {
          const state = await test.database.sync.getState();
          const pending =
            (await test.database.sync.countJobs('queued')) + (await test.database.sync.countJobs('running'));
          return state.lastSyncedSha === head && pending === 0 ? true : undefined;
        },
        20_000,
        'the processes to finish every job',
      );

      // Nothing answered 201 is lost: each item is in git at the head and in the database, with the tree SHA
      // its answer named.
      const folders = new Map((await deps.content.listItems(head)).map((t) => [t.folder, t.treeSha]));
      for (const answer of answers) {
        const folder = `skills/alice/${answer.name}`;
        expect(`"${folders.get(folder)}"`, folder).toBe(answer.etag);
        expect((await test.database.items.findByGitPath(folder))?.treeSha, folder).toBe(folders.get(folder));
      }
      // Nothing is applied twice: one recorded version per published item, one job per delivery, first attempt.
      const versions = await rowsOf<{ name: string; count: number }>(
        sql`select i.name, count(*)::int as count from item_versions v join catalog_items i on i.id = v.item_id
            where i.name like 'published-%' group by i.name order by i.name`,
      );
      expect(versions).toEqual(names.map((name) => ({ name, count: 1 })));
      const jobs = await rowsOf<{ delivery_id: string; status: string; attempts: number }>(
        sql`select delivery_id, status, attempts from sync_jobs where delivery_id like 'concurrent-%' order by delivery_id`,
      );
      expect(jobs).toEqual([...delivered].sort().map((id) => ({ delivery_id: id, status: 'done', attempts: 1 })));

      const drift = await driftOf(deps);
      expect(drift.driftCount).toBe(0);
      expect(drift.live).toEqual(drift.folders);
    } finally {
      const codes = await Promise.all(processes.map((p) => p.stop()));
      expect(codes).toEqual(processes.map(() => 0));
    }
  }, 120_000);
});
