/**
 * Text PostgreSQL cannot store (U+0000, lone surrogates) on every database: refused with a 400 naming the
 * field before git or the database is written (publish, accounts, teams, tokens, query strings); found in git
 * by sync, the folder is marked invalid with storable problems and sync moves on; a job's own error is
 * recorded storable, so no job stays `running`. The in-memory database would accept all of it; PGlite and
 * the PostgreSQL server refuse it, which is why every case runs on all three.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { InMemoryContentStore } from '../src/adapters/memory/in-memory-content-store.ts';
import { openTestPglite, type TestDatabase } from '../src/adapters/postgres/testing/test-databases.ts';
import type { AtlasDeps } from '../src/application/deps.ts';
import { newSyncJob, runNextSyncJob } from '../src/application/sync/run-sync-job.ts';
import { syncCatalog } from '../src/application/sync/sync-catalog.ts';
import { ValidationError } from '../src/domain/errors.ts';
import type { Database } from '../src/domain/repositories.ts';
import { buildItem, buildUser } from '../src/domain/testing/builders.ts';
import { type AtlasApp, buildApp } from '../src/entrypoints/http/app.ts';
import { catalogState, skillMd, textFile } from './support/catalog-helpers.ts';
import { describeEachDatabase } from './support/each-database.ts';
import { client, register, snapshot } from './support/http.ts';
import { commitFiles, depsFor, FailingContentStore, seedNamespaces } from './support/sync-helpers.ts';

const NUL = '\u0000';

describeEachDatabase('text the database cannot store, over HTTP', (open) => {
  let deps: AtlasDeps;
  let app: AtlasApp;
  let api: ReturnType<typeof client>;
  let content: InMemoryContentStore;
  let token: string;

  beforeAll(async () => {
    const db = await open();
    content = new InMemoryContentStore();
    deps = depsFor(db, content);
    app = await buildApp(deps, { rateLimits: { perAddress: 100_000, perAccount: 100_000 } });
    await app.ready();
    api = client(app);
    return () => app.close();
  });
  beforeEach(async () => {
    await open();
    token = await register(app, 'alice');
  });

  const unchanged = async () => ({
    head: await content.head(),
    catalog: await catalogState(deps),
    accounts: await snapshot(deps),
  });

  it.each([
    [
      'a NUL in the description',
      `---\nname: nul-skill\ndescription: "bad${'\\0'}text"\n---\n# x\n`,
      'SKILL.md#/description',
    ],
    [
      'a NUL in a metadata key',
      `---\nname: nul-skill\ndescription: ok\nmetadata:\n  "k${'\\0'}": v\n---\n`,
      'SKILL.md#/metadata/k\uFFFD',
    ],
    [
      'a lone surrogate in a field',
      `---\nname: nul-skill\ndescription: ok\nlicense: "x${'\\uD800'}"\n---\n`,
      'SKILL.md#/license',
    ],
  ])('refuses a SKILL.md with %s: 400 naming the field, nothing written', async (_, skill, path) => {
    const before = await unchanged();
    const res = await api.post('/api/v1/items', { namespace: 'alice', files: [textFile('SKILL.md', skill)] }, token);
    expect(res.status, res.raw).toBe(400);
    expect(res.body.problems).toContainEqual({ path, message: expect.stringMatching(/NUL|lone surrogate/) });
    expect(await unchanged()).toEqual(before);
  });

  it('refuses a server.json and a tool.json with \\u0000 in a string or key: 400 naming the pointer', async () => {
    const before = await unchanged();
    const server = JSON.stringify({
      name: 'io.github.acme/vault',
      description: 'Reads secrets.',
      version: '1.0.0',
      remotes: [{ type: 'streamable-http', url: 'https://vault.example.com/mcp' }],
      _meta: { [`x${NUL}`]: 'y' },
    });
    const mcp = await api.post(
      '/api/v1/items',
      { namespace: 'alice', files: [textFile('server.json', server)] },
      token,
    );
    expect(mcp.status, mcp.raw).toBe(400);
    expect(mcp.body.problems).toContainEqual({
      path: 'server.json#/_meta/x\uFFFD',
      message: expect.stringMatching(/NUL/),
    });
    const tool = JSON.stringify({
      name: 'get_weather',
      description: 'The weather.',
      input_schema: { type: 'object', properties: { city: { type: 'string', description: `a${NUL}` } } },
    });
    const res = await api.post('/api/v1/items', { namespace: 'alice', files: [textFile('tool.json', tool)] }, token);
    expect(res.status, res.raw).toBe(400);
    expect(res.body.problems).toContainEqual({
      path: 'tool.json#/input_schema/properties/city/description',
      message: expect.stringMatching(/NUL/),
    });
    expect(await unchanged()).toEqual(before);
  });

  it('refuses a NUL in a display name, a password, a team name or description and a token name', async () => {
    const before = await unchanged();
    const account = await api.post('/api/v1/auth/register', {
      email: 'bob@example.com',
      username: 'bob',
      password: 'a long test passphrase',
      displayName: `Bob${NUL}`,
    });
    expect(account.status, account.raw).toBe(400);
    expect(account.body.problems).toEqual([{ path: 'displayName', message: expect.stringMatching(/NUL/) }]);
    const password = await api.post('/api/v1/auth/register', {
      email: 'bob@example.com',
      username: 'bob',
      password: `a long test${NUL}passphrase`,
    });
    expect(password.status, password.raw).toBe(400);
    expect(password.body.problems).toEqual([{ path: 'password', message: expect.stringMatching(/NUL/) }]);
    const team = await api.post(
      '/api/v1/teams',
      { slug: 'platform', name: `Plat${NUL}form`, description: `x${NUL}` },
      token,
    );
    expect(team.status, team.raw).toBe(400);
    expect(team.body.problems.map((p: { path: string }) => p.path).sort()).toEqual(['description', 'name']);
    const personal = await api.post('/api/v1/tokens', { name: `ci${NUL}` }, token);
    expect(personal.status, personal.raw).toBe(400);
    expect(personal.body.problems).toEqual([{ path: 'name', message: expect.stringMatching(/NUL/) }]);
    expect(await unchanged()).toEqual(before);
  });

  it('answers 400 naming query/q, not 500, for a NUL in a query string', async () => {
    const res = await api.get('/api/v1/items?q=pdf%00tools', token);
    expect(res.status, res.raw).toBe(400);
    expect(res.body.problems).toEqual([{ path: 'query/q', message: expect.stringMatching(/NUL/) }]);
  });
});

describeEachDatabase('sync of a folder git holds with text the database cannot store', (open) => {
  let db: Database;
  let content: InMemoryContentStore;
  let deps: AtlasDeps;

  beforeEach(async () => {
    db = await open();
    content = new InMemoryContentStore();
    deps = depsFor(db, content);
    await seedNamespaces(db);
  });

  it('marks the folder invalid with storable problems and advances past it', async () => {
    // Committed straight to git, as a person would: no publish checked these manifests.
    const head = await commitFiles(content, {
      'skills/alice/poisoned/SKILL.md': `---\nname: poisoned\ndescription: "bad${'\\0'}text"\n---\n# x\n`,
      // A range version echoed in the problem's message, NUL and all.
      'mcp/alice/echo/server.json': JSON.stringify({
        name: 'io.github.acme/echo',
        description: 'Echoes.',
        version: `^1.0${NUL}`,
        remotes: [{ type: 'streamable-http', url: 'https://echo.example.com/mcp' }],
      }),
      'skills/alice/good/SKILL.md': skillMd('good'),
    });
    const result = await syncCatalog(deps);
    expect(result.counts).toMatchObject({ added: 1, invalid: 2 });
    expect((await db.sync.getState()).lastSyncedSha).toBe(head);

    const poisoned = await db.items.findByGitPath('skills/alice/poisoned');
    expect(poisoned).toMatchObject({ status: 'invalid', statusMessage: 'invalid in git' });
    expect(poisoned!.problems).toContainEqual({ path: 'SKILL.md#/description', message: expect.stringMatching(/NUL/) });
    const echo = await db.items.findByGitPath('mcp/alice/echo');
    expect(echo).toMatchObject({ status: 'invalid' });
    const recorded = JSON.stringify(echo!.problems);
    expect(recorded).not.toContain('\\u0000');
    expect(echo!.problems).toContainEqual({
      path: 'server.json#/version',
      message: expect.stringContaining('^1.0\uFFFD'),
    });
    expect(await db.items.findByGitPath('skills/alice/good')).toMatchObject({ status: 'active' });

    // A later change syncs as usual: nothing is stuck on the poisoned folder.
    const next = await commitFiles(content, { 'skills/alice/later/SKILL.md': skillMd('later') });
    expect((await syncCatalog(deps)).counts).toMatchObject({ added: 1, invalid: 0 });
    expect((await db.sync.getState()).lastSyncedSha).toBe(next);
  });

  it('marks a folder invalid when validating it throws something other than a ValidationError', async () => {
    // A stand-in for a parser bug: the folder's files are such that validation throws a TypeError.
    class BrokenFolderStore extends InMemoryContentStore {
      override async readItem(folder: string, at?: string) {
        const snapshot = await super.readItem(folder, at);
        if (!snapshot || folder !== 'skills/alice/broken') return snapshot;
        return { ...snapshot, files: snapshot.files.map((file) => ({ ...file, content: null as never })) };
      }
    }
    const broken = new BrokenFolderStore();
    const head = await commitFiles(broken, {
      'skills/alice/broken/SKILL.md': skillMd('broken'),
      'skills/alice/fine/SKILL.md': skillMd('fine'),
    });
    const result = await syncCatalog(depsFor(db, broken));
    expect(result.counts).toMatchObject({ added: 1, invalid: 1 });
    expect((await db.sync.getState()).lastSyncedSha).toBe(head);
    expect((await db.items.findByGitPath('skills/alice/broken'))?.problems).toEqual([
      { path: 'skills/alice/broken', message: expect.stringContaining('could not be read as an item') },
    ]);
  });

  it('records a job error holding a NUL, so the job is queued again instead of staying running', async () => {
    const failing = new FailingContentStore(content);
    failing.failNext(1, () => new Error(`git said: bad${NUL}object`));
    const jobDeps = depsFor(db, failing);
    const job = newSyncJob({ kind: 'manual' }, new Date(), {}, 3);
    await db.sync.enqueue(job);
    const outcome = await runNextSyncJob(jobDeps, 'w1');
    expect(outcome).toMatchObject({ error: 'Error: git said: bad\uFFFDobject' });
    expect(await db.sync.findJob(job.id)).toMatchObject({
      status: 'queued',
      lockedBy: null,
      lastError: 'Error: git said: bad\uFFFDobject',
    });
  });
});

describe('the PostgreSQL adapters, when a NUL reaches them anyway', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestPglite(inject('pgliteDump'));
  });
  afterAll(() => test.close());
  beforeEach(() => test.reset());

  it('record a job error holding a NUL with the NUL replaced', async () => {
    const job = newSyncJob({ kind: 'manual' }, new Date());
    await test.database.sync.enqueue(job);
    await test.database.sync.claim('w1', new Date(), new Date(Date.now() + 60_000));
    await test.database.sync.fail(job.id, `bad${NUL}object`, new Date(), null);
    expect(await test.database.sync.findJob(job.id)).toMatchObject({ status: 'failed', lastError: 'bad\uFFFDobject' });
  });

  it('turn "invalid byte sequence" (22021) and "unsupported Unicode escape" (22P05) into a ValidationError', async () => {
    await expect(test.database.users.insert(buildUser({ displayName: `Ada${NUL}` }))).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      test.database.items.insert(buildItem('skill/alice/x', { manifest: { description: `x${NUL}` } })),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
