/**
 * A server.json `name` belongs to one item, over HTTP on every database: a publish or update that declares a name
 * another live item holds answers 409 `server_name_taken` and changes nothing in git or the database; two publishes
 * racing for one name leave exactly one item in git and in the catalog; sync records a folder pushed by hand that
 * declares a held name as invalid, naming the holder.
 */
import { beforeAll, beforeEach, expect, it } from 'vitest';
import type { AtlasDeps } from '../src/application/deps.ts';
import { syncCatalog } from '../src/application/sync/sync-catalog.ts';
import { contentWithHooks } from '../src/application/testing/use-case-helpers.ts';
import { assembleDeps } from '../src/composition-root.ts';
import { parseItemRef } from '../src/domain/catalog/item-ref.ts';
import type { Database } from '../src/domain/repositories.ts';
import { type AtlasApp, buildApp } from '../src/entrypoints/http/app.ts';
import { CHEAP_ARGON2 } from '../src/testing/in-memory-deps.ts';
import { catalogState, skillMd, textFile } from './support/catalog-helpers.ts';
import { describeEachDatabase } from './support/each-database.ts';
import { client, register } from './support/http.ts';
import { SwappableContentStore } from './support/swappable-content-store.ts';

const WEATHER = 'io.github.acme/weather';
const serverJson = (name = WEATHER, version = '1.0.0') =>
  JSON.stringify({
    name,
    description: 'Forecasts for the agent.',
    version,
    remotes: [{ type: 'streamable-http', url: 'https://weather.example.com/mcp' }],
  });
const serverFiles = (name?: string, version?: string) => [textFile('server.json', serverJson(name, version))];

describeEachDatabase('server names over HTTP', (open) => {
  let db: Database;
  let deps: AtlasDeps;
  let app: AtlasApp;
  let api: ReturnType<typeof client>;
  let tokens: { alice: string; bob: string };
  const content = new SwappableContentStore();

  beforeAll(async () => {
    db = await open();
    deps = assembleDeps(
      db,
      content,
      { authz: 'rbac', publicRead: false, registration: 'open' },
      { argon2: CHEAP_ARGON2 },
    );
    app = await buildApp(deps, { rateLimits: { perAddress: 100_000, perAccount: 100_000 } });
    await app.ready();
    api = client(app);
    return () => app.close();
  });

  // ada is the site admin; alice owns team platform; bob belongs to no team.
  beforeEach(async () => {
    await open();
    content.reset();
    await register(app, 'ada');
    tokens = { alice: await register(app, 'alice'), bob: await register(app, 'bob') };
    expect((await api.post('/api/v1/teams', { slug: 'platform', name: 'Platform' }, tokens.alice)).status).toBe(201);
  });

  const publish = (body: Record<string, unknown>, token: string) => api.post('/api/v1/items', body, token);
  const folders = async () => (await content.listItems()).map((tree) => tree.folder);

  function expectTaken(res: { status: number; headers: Record<string, unknown>; body: Record<string, unknown> }) {
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'urn:atlas:problem:server_name_taken',
      title: 'Conflict',
      status: 409,
      code: 'server_name_taken',
    });
  }

  it('answers 409 server_name_taken naming the item that holds the name and its team, and changes nothing', async () => {
    const first = await publish({ namespace: 'platform', name: 'weather', files: serverFiles() }, tokens.alice);
    expect(first.status, first.raw).toBe(201);
    expect(first.body.item).toMatchObject({ ref: 'mcp/platform/weather', serverName: WEATHER });
    const before = await catalogState(deps);

    const taken = await publish({ namespace: 'bob', files: serverFiles() }, tokens.bob);
    expectTaken(taken);
    expect(taken.body.detail).toBe(
      `server name "${WEATHER}" is already declared by mcp/platform/weather (team "platform"); a server name belongs to one item: publish this as a new version of mcp/platform/weather, or give this server another name in server.json`,
    );
    expect(await catalogState(deps)).toEqual(before);
    expect(await folders()).toEqual(['mcp/platform/weather']);

    // Another spelling is another server; the holder publishes new versions of it as versions of its item.
    expect((await publish({ namespace: 'bob', files: serverFiles('io.github.acme/Weather') }, tokens.bob)).status).toBe(
      201,
    );
    const next = await app.inject({
      method: 'PUT',
      url: '/api/v1/items/mcp/platform/weather',
      headers: { authorization: `Bearer ${tokens.alice}`, 'if-match': `"${first.body.treeSha}"` },
      payload: { files: serverFiles(WEATHER, '1.1.0') },
    });
    expect(next.statusCode, next.body).toBe(200);
    expect(next.json().item).toMatchObject({ serverName: WEATHER, version: '1.1.0' });
  });

  it('tells a caller who may not read the holding item only that an item they cannot see holds the name', async () => {
    const hidden = await publish(
      { namespace: 'platform', name: 'weather', files: serverFiles(), visibility: 'team' },
      tokens.alice,
    );
    expect(hidden.status).toBe(201);
    const before = await catalogState(deps);
    const taken = await publish({ namespace: 'bob', files: serverFiles() }, tokens.bob);
    expectTaken(taken);
    expect(taken.body.detail).toBe(
      `server name "${WEATHER}" is already declared by an item you cannot see; give this server another name in server.json`,
    );
    expect(JSON.stringify(taken.body)).not.toContain('platform');
    expect(await catalogState(deps)).toEqual(before);
  });

  it('answers 409 to an update that takes a held name, and lets one that keeps its own name through', async () => {
    expect((await publish({ namespace: 'alice', files: serverFiles() }, tokens.alice)).status).toBe(201);
    const mine = await publish(
      { namespace: 'bob', name: 'radar', files: serverFiles('io.github.bob/radar') },
      tokens.bob,
    );
    expect(mine.status).toBe(201);
    const url = '/api/v1/items/mcp/bob/radar';
    const before = await catalogState(deps);
    const update = (files: unknown[], tag: string) =>
      app.inject({
        method: 'PUT',
        url,
        headers: { authorization: `Bearer ${tokens.bob}`, 'if-match': `"${tag}"` },
        payload: { files },
      });

    const taken = await update(serverFiles(WEATHER, '1.1.0'), mine.body.treeSha);
    expectTaken({ status: taken.statusCode, headers: taken.headers, body: taken.json() });
    expect(taken.json().detail).toContain('mcp/alice/weather (user "alice")');
    expect(await catalogState(deps)).toEqual(before);

    const kept = await update(serverFiles('io.github.bob/radar', '1.1.0'), mine.body.treeSha);
    expect(kept.statusCode).toBe(200);
    expect(kept.json().item).toMatchObject({ serverName: 'io.github.bob/radar', version: '1.1.0' });
  });

  it('shows the server name in item answers of MCP servers only', async () => {
    expect((await publish({ namespace: 'alice', files: serverFiles() }, tokens.alice)).status).toBe(201);
    const skill = await publish(
      { namespace: 'alice', files: [textFile('SKILL.md', skillMd('pdf-tools'))] },
      tokens.alice,
    );
    expect(skill.status).toBe(201);
    expect((await api.get('/api/v1/items/mcp/alice/weather', tokens.bob)).body.item.serverName).toBe(WEATHER);
    expect((await api.get('/api/v1/items/skill/alice/pdf-tools', tokens.bob)).body.item).not.toHaveProperty(
      'serverName',
    );
    const listed = await api.get('/api/v1/items?kind=mcp', tokens.bob);
    expect(listed.body.items.map((item: { serverName?: string }) => item.serverName)).toEqual([WEATHER]);
  });

  it('lets exactly one of two parallel publishes of different items with one server name land: 201 and 409, one folder in git', async () => {
    for (const round of [1, 2, 3]) {
      const name = `io.github.acme/race-${round}`;
      const [one, two] = await Promise.all([
        publish({ namespace: 'platform', name: `race-${round}`, files: serverFiles(name) }, tokens.alice),
        publish({ namespace: 'bob', name: `race-${round}`, files: serverFiles(name) }, tokens.bob),
      ]);
      expect([one.status, two.status].sort(), JSON.stringify([one.body, two.body])).toEqual([201, 409]);
      const [won, lost] = one.status === 201 ? [one, two] : [two, one];
      expect(lost.body.code).toBe('server_name_taken');
      const raced = (await folders()).filter((folder) => folder.endsWith(`/race-${round}`));
      expect(raced).toEqual([`mcp/${won.body.item.namespace}/race-${round}`]);
      expect((await db.items.findByServerName(name))?.namespace).toBe(won.body.item.namespace);
    }
    // Nothing was left in git for sync to record as a second holder, or as anything else.
    await syncCatalog(deps);
    const invalid = await db.items.search({ status: 'invalid', sort: 'name', limit: 10, viewer: { kind: 'admin' } });
    expect(invalid.items).toEqual([]);
    const live = await db.items.search({ kind: 'mcp', sort: 'name', limit: 10, viewer: { kind: 'admin' } });
    expect(live.items).toHaveLength(3);
  });

  it('answers 409 to the publish whose database write loses a race after its commit, taking its commit back', async () => {
    // A rival publish of another item with the same name lands between this one's check and its commit: the
    // unique index decides, after git was written.
    const hooked = contentWithHooks(content.inner);
    content.inner = hooked.content;
    let rival: Awaited<ReturnType<typeof publish>> | undefined;
    hooked.beforeNextCommit(async () => {
      rival = await publish({ namespace: 'bob', files: serverFiles() }, tokens.bob);
    });
    const late = await publish({ namespace: 'platform', name: 'weather', files: serverFiles() }, tokens.alice);
    expect(rival?.status, JSON.stringify(rival?.body)).toBe(201);
    expectTaken(late);
    expect(late.body.detail).toContain('declared by mcp/bob/weather (user "bob")');
    expect(await folders()).toEqual(['mcp/bob/weather']);
    const { entries } = await content.history('mcp/platform/weather', { limit: 5 });
    expect(entries.map((entry) => entry.message.split('\n')[0])).toEqual([
      `Revert "Publish mcp/platform/weather": server name ${WEATHER} was taken meanwhile`,
      'Publish mcp/platform/weather',
    ]);
    expect(await db.items.findByRef(parseItemRef('mcp/platform/weather'))).toBeUndefined();
    await syncCatalog(deps);
    expect(await db.items.findByGitPath('mcp/platform/weather')).toBeUndefined();
    expect((await db.items.findByServerName(WEATHER))?.gitPath).toBe('mcp/bob/weather');
  });

  it('has sync record a folder pushed by hand that declares a held name as invalid, naming the holder', async () => {
    expect((await publish({ namespace: 'alice', files: serverFiles() }, tokens.alice)).status).toBe(201);
    await content.commit({
      changes: [
        { type: 'write', path: 'mcp/bob/weather/server.json', content: new TextEncoder().encode(serverJson()) },
      ],
      message: 'Push by hand',
      author: { name: 'Bob', email: 'bob@example.com' },
      expectedHead: await content.head(),
    });
    const result = await syncCatalog(deps);
    expect(result.to).toBe(await content.head());
    expect(await db.items.findByGitPath('mcp/bob/weather')).toMatchObject({
      status: 'invalid',
      serverName: null,
      problems: [
        {
          path: 'server.json#/name',
          message: `server name "${WEATHER}" is already declared by mcp/alice/weather; give this server another name, or make it a version of that item`,
        },
      ],
    });
    expect((await db.items.findByServerName(WEATHER))?.gitPath).toBe('mcp/alice/weather');
    expect((await db.sync.getState()).lastSyncedSha).toBe(await content.head());
  });
});
