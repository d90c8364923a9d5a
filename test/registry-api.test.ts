/**
 * The MCP Registry API over HTTP on every database, as its clients read it: VS Code's probe, browse, pages and
 * lookups; Docker's import of every latest version; visibility (the public registry, tokens, team registries);
 * deprecated and deleted servers; `updated_since`; CORS. Every answer is checked against the wire schemas.
 */
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AtlasDeps } from '../src/application/deps.ts';
import { assembleDeps } from '../src/composition-root.ts';
import type { Database } from '../src/domain/repositories.ts';
import { type AtlasApp, buildApp } from '../src/entrypoints/http/app.ts';
import {
  ATLAS_META,
  OFFICIAL_META,
  RegistryErrorSchema,
  ServerListSchema,
  ServerResponseSchema,
} from '../src/entrypoints/http/schemas/registry.ts';
import { CHEAP_ARGON2 } from '../src/testing/in-memory-deps.ts';
import { textFile } from './support/catalog-helpers.ts';
import { describeEachDatabase } from './support/each-database.ts';
import { client, register } from './support/http.ts';
import { SwappableContentStore } from './support/swappable-content-store.ts';

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);
const validList = ajv.compile(ServerListSchema);
const validServer = ajv.compile(ServerResponseSchema);
const validError = ajv.compile(RegistryErrorSchema);

const WEATHER = 'io.github.acme/weather';
const serverJson = (name: string, version: string, extra: Record<string, unknown> = {}) => ({
  $schema: 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json',
  name,
  description: `The ${name.split('/')[1]} server.`,
  version,
  remotes: [{ type: 'streamable-http', url: `https://${name.split('/')[1]}.example.com/mcp` }],
  ...extra,
});
const files = (json: object) => [textFile('server.json', JSON.stringify(json))];

describeEachDatabase('MCP Registry API', (open) => {
  let deps: AtlasDeps;
  let app: AtlasApp;
  let publicApp: AtlasApp;
  let api: ReturnType<typeof client>;
  let anon: ReturnType<typeof client>;
  let tokens: { alice: string; bob: string; carol: string };
  const content = new SwappableContentStore();
  let db: Database;

  beforeAll(async () => {
    db = await open();
    deps = assembleDeps(
      db,
      content,
      { authz: 'rbac', publicRead: false, registration: 'open' },
      { argon2: CHEAP_ARGON2 },
    );
    const limits = { rateLimits: { perAddress: 100_000, perAccount: 100_000 } };
    app = await buildApp(deps, { ...limits, corsOrigins: ['https://atlas-ui.example.com'] });
    publicApp = await buildApp({ ...deps, registry: { public: true } }, limits);
    await Promise.all([app.ready(), publicApp.ready()]);
    api = client(app);
    anon = client(publicApp);
    return async () => {
      await app.close();
      await publicApp.close();
    };
  });

  const publish = async (token: string, namespace: string, name: string, json: object, visibility?: string) => {
    const res = await api.post(
      '/api/v1/items',
      { namespace, name, files: files(json), ...(visibility ? { visibility } : {}) },
      token,
    );
    expect(res.status, res.raw).toBe(201);
    return res.body as { treeSha: string };
  };
  const update = async (token: string, ref: string, json: object, treeSha: string) => {
    const res = await app.inject({
      method: 'PUT',
      url: `/api/v1/items/${ref}`,
      headers: { authorization: `Bearer ${token}`, 'if-match': `"${treeSha}"` },
      payload: { files: files(json) },
    });
    expect(res.statusCode, res.body).toBe(200);
  };
  const list = async (c: ReturnType<typeof client>, url: string, token?: string) => {
    const res = await c.get(url, token);
    expect(res.status, res.raw).toBe(200);
    expect(validList(res.body), JSON.stringify(validList.errors)).toBe(true);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    return res.body as {
      servers: { server: Record<string, unknown>; _meta: Record<string, Record<string, unknown>> }[];
      metadata: { count: number; nextCursor?: string };
    };
  };
  const names = (body: Awaited<ReturnType<typeof list>>) =>
    body.servers.map((s) => `${s.server.name}@${s.server.version}`);
  const expectError = (res: { status: number; body: unknown; headers: Record<string, unknown> }, status: number) => {
    expect(res.status).toBe(status);
    expect(validError(res.body), JSON.stringify(res.body)).toBe(true);
    expect(res.body).toMatchObject({ status, error: expect.any(String) });
    expect(res.headers['access-control-allow-origin']).toBe('*');
  };

  // ada is the site admin; alice owns team platform; bob and carol belong to no team.
  let weatherTree: string;
  beforeEach(async () => {
    await open();
    content.reset();
    await register(app, 'ada');
    tokens = {
      alice: await register(app, 'alice'),
      bob: await register(app, 'bob'),
      carol: await register(app, 'carol'),
    };
    expect((await api.post('/api/v1/teams', { slug: 'platform', name: 'Platform' }, tokens.alice)).status).toBe(201);
    weatherTree = (await publish(tokens.alice, 'platform', 'weather', serverJson(WEATHER, '1.0.0'))).treeSha;
    await publish(tokens.alice, 'platform', 'secret', serverJson('com.example/secret', '0.1.0'), 'team');
    await publish(tokens.bob, 'bob', 'files', serverJson('com.example/files', '2.0.0', { title: 'File Browser' }));
    await api.post(
      '/api/v1/items',
      { namespace: 'bob', files: [textFile('SKILL.md', '---\nname: notes\ndescription: Notes.\n---\nBody\n')] },
      tokens.bob,
    );
  });

  it('refuses a reader without a token with 401 in the registry error shape, unless the registry is public', async () => {
    expectError(await api.get('/v0.1/servers'), 401);
    expectError(await api.get(`/v0.1/servers/${encodeURIComponent(WEATHER)}/versions/latest`), 401);
    expectError(await api.get('/v0.1/servers', 'not-a-token'), 401);
    expect(names(await list(anon, '/v0.1/servers'))).toEqual(['com.example/files@2.0.0', `${WEATHER}@1.0.0`]);
  });

  it('answers VS Code: the probe, a browse of latest versions, pages by cursor, a search and lookups', async () => {
    const created = await api.post('/api/v1/tokens', { name: 'vscode' }, tokens.carol);
    expect(created.status, created.raw).toBe(201);
    const token = created.body.secret as string;
    const probe = await list(api, '/v0.1/servers?limit=1', token);
    expect(probe.servers).toHaveLength(1);
    expect(probe.metadata.count).toBe(1);

    const browse = await list(api, '/v0.1/servers?limit=50&version=latest', token);
    expect(names(browse)).toEqual(['com.example/files@2.0.0', `${WEATHER}@1.0.0`]);
    expect(browse.metadata).toEqual({ count: 2 });
    const weather = browse.servers[1]!;
    expect(weather.server).toEqual(serverJson(WEATHER, '1.0.0'));
    expect(weather._meta[OFFICIAL_META]).toMatchObject({ status: 'active', isLatest: true });
    expect(weather._meta[ATLAS_META]).toMatchObject({ ref: 'mcp/platform/weather', team: 'platform', installs: 0 });
    expect(weather._meta[ATLAS_META]?.url).toMatch(/\/mcp\/platform\/weather$/);

    // The next page: the cursor appended as it came, without the search text.
    const first = await list(api, '/v0.1/servers?limit=1&version=latest', token);
    expect(first.metadata.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await list(api, `/v0.1/servers?limit=1&version=latest&cursor=${first.metadata.nextCursor}`, token);
    expect(names(second)).toEqual([`${WEATHER}@1.0.0`]);
    expect(second.metadata.nextCursor).toBeUndefined();

    expect(names(await list(api, '/v0.1/servers?limit=50&version=latest&search=WEATH', token))).toEqual([
      `${WEATHER}@1.0.0`,
    ]);
    expect(names(await list(api, '/v0.1/servers?search=browser', token))).toEqual(['com.example/files@2.0.0']);

    const latest = await api.get(`/v0.1/servers/${encodeURIComponent(WEATHER)}/versions/latest`, token);
    expect(latest.status, latest.raw).toBe(200);
    expect(validServer(latest.body), JSON.stringify(validServer.errors)).toBe(true);
    expect(latest.body.server).toEqual(serverJson(WEATHER, '1.0.0'));
    // A bare slash reaches the same server; the /v0 paths answer the same.
    expect((await api.get(`/v0.1/servers/${WEATHER}/versions/latest`, token)).body).toEqual(latest.body);
    expect((await api.get(`/v0/servers/${encodeURIComponent(WEATHER)}/versions/latest`, token)).body).toEqual(
      latest.body,
    );
    expectError(
      await api.get(`/v0.1/servers/${encodeURIComponent('io.github.acme/nothing')}/versions/latest`, token),
      404,
    );
    expectError(await api.get(`/v0.1/servers/${encodeURIComponent(WEATHER)}/versions/9.9.9`, token), 404);
    expectError(await api.get('/v0.1/servers?cursor=garbage!', token), 400);
    expectError(await api.get('/v0.1/servers?limit=0', token), 400);
    expectError(await api.get('/v0.1/servers?limit=101', token), 400);
    expectError(await api.get('/v0.1/servers?updated_since=yesterday', token), 400);
  });

  it("lists a server's versions, the newest publish of each version winning, each with its own server.json", async () => {
    await update(tokens.alice, 'mcp/platform/weather', serverJson(WEATHER, '1.1.0', { title: 'Weather' }), weatherTree);
    const versions = await list(api, `/v0.1/servers/${encodeURIComponent(WEATHER)}/versions`, tokens.carol);
    expect(names(versions)).toEqual([`${WEATHER}@1.1.0`, `${WEATHER}@1.0.0`]);
    expect(versions.servers.map((s) => s._meta[OFFICIAL_META]?.isLatest)).toEqual([true, false]);
    const old = await api.get(`/v0.1/servers/${encodeURIComponent(WEATHER)}/versions/1.0.0`, tokens.carol);
    expect(old.status, old.raw).toBe(200);
    expect(old.body.server).toEqual(serverJson(WEATHER, '1.0.0'));
    expect(names(await list(api, '/v0.1/servers', tokens.carol))).toEqual([
      'com.example/files@2.0.0',
      `${WEATHER}@1.0.0`,
      `${WEATHER}@1.1.0`,
    ]);
    expect(names(await list(api, '/v0.1/servers?version=1.0.0', tokens.carol))).toEqual([`${WEATHER}@1.0.0`]);
  });

  it("answers Docker's import: every latest version through /v0, page by page to the end", async () => {
    for (const n of [1, 2, 3, 4]) {
      await publish(tokens.bob, 'bob', `extra-${n}`, serverJson(`com.example/extra-${n}`, '1.0.0'));
    }
    const seen: string[] = [];
    for (const limit of [100, 2]) {
      seen.length = 0;
      let cursor: string | undefined;
      do {
        const page = await list(
          api,
          `/v0/servers?version=latest&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
          tokens.carol,
        );
        seen.push(...names(page));
        cursor = page.metadata.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(6);
      expect(new Set(seen).size).toBe(6);
    }
  });

  it("serves team-only servers to their team only, never anonymously, and a team's registry only its servers", async () => {
    const secret = `/v0.1/servers/${encodeURIComponent('com.example/secret')}/versions/latest`;
    expectError(await anon.get(secret), 404);
    expectError(await api.get(secret, tokens.carol), 404);
    expect((await api.get(secret, tokens.alice)).status).toBe(200);
    expect(names(await list(api, '/v0.1/servers', tokens.alice))).toContain('com.example/secret@0.1.0');
    expect(names(await list(anon, '/v0.1/servers'))).not.toContain('com.example/secret@0.1.0');

    expect(names(await list(anon, '/registries/platform/v0.1/servers'))).toEqual([`${WEATHER}@1.0.0`]);
    expect(names(await list(api, '/registries/platform/v0/servers', tokens.alice))).toEqual([
      'com.example/secret@0.1.0',
      `${WEATHER}@1.0.0`,
    ]);
    expectError(await anon.get('/registries/platform/v0.1/servers/com.example%2Ffiles/versions/latest'), 404);
    expectError(await anon.get('/registries/nobody/v0.1/servers'), 404);
    // The skill discovery routes of the same prefix still answer, by their own rules.
    const discovery = await anon.get('/registries/platform/.well-known/agent-skills/index.json');
    expect(discovery.body).toMatchObject({ code: 'not_found', detail: expect.stringContaining('public read is off') });
  });

  it('marks deprecated servers, hides deleted ones unless asked, and lists changes since a moment with deletions', async () => {
    const before = new Date(Date.now() - 1000).toISOString();
    const patched = await api.patch(
      '/api/v1/items/mcp/platform/weather',
      { status: 'deprecated', statusMessage: 'use io.github.acme/weather2' },
      tokens.alice,
    );
    expect(patched.status, patched.raw).toBe(200);
    const deprecated = await api.get(`/v0.1/servers/${encodeURIComponent(WEATHER)}/versions/latest`, tokens.carol);
    expect(deprecated.body._meta[OFFICIAL_META]).toMatchObject({
      status: 'deprecated',
      statusMessage: 'use io.github.acme/weather2',
    });
    expect((await api.delete('/api/v1/items/mcp/bob/files', tokens.bob)).status).toBe(204);

    expect(names(await list(api, '/v0.1/servers', tokens.carol))).toEqual([`${WEATHER}@1.0.0`]);
    const withDeleted = await list(api, '/v0.1/servers?include_deleted=true', tokens.carol);
    expect(withDeleted.servers.map((s) => [s.server.name, s._meta[OFFICIAL_META]?.status])).toEqual([
      ['com.example/files', 'deleted'],
      [WEATHER, 'deprecated'],
    ]);
    const since = await list(api, `/v0.1/servers?updated_since=${encodeURIComponent(before)}`, tokens.carol);
    expect(names(since)).toEqual(['com.example/files@2.0.0', `${WEATHER}@1.0.0`]);
    const later = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    expect((await list(api, `/v0.1/servers?updated_since=${later}`, tokens.carol)).servers).toEqual([]);
    expectError(await api.get('/v0.1/servers/com.example%2Ffiles/versions/latest', tokens.carol), 404);
    expect(
      (await api.get('/v0.1/servers/com.example%2Ffiles/versions/latest?include_deleted=true', tokens.carol)).status,
    ).toBe(200);
  });

  describe('CORS', () => {
    it('answers preflights with 204 and open CORS, whatever origins the app allows elsewhere', async () => {
      for (const url of [
        '/v0.1/servers',
        '/v0/servers/io.github.acme%2Fweather/versions/latest',
        '/registries/platform/v0.1/servers/io.github.acme%2Fweather/versions',
      ]) {
        const res = await app.inject({
          method: 'OPTIONS',
          url,
          headers: {
            origin: 'https://github.com',
            'access-control-request-method': 'GET',
            'access-control-request-headers': 'authorization',
          },
        });
        expect(res.statusCode, url).toBe(204);
        expect(res.headers['access-control-allow-origin']).toBe('*');
        expect(res.headers['access-control-allow-methods']).toBe('GET, OPTIONS');
        expect(res.headers['access-control-allow-headers']).toBe('Authorization, Content-Type');
      }
      const preflight = await publicApp.inject({ method: 'OPTIONS', url: '/v0.1/servers' });
      expect(preflight.statusCode).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('*');
      // The rest of the API keeps the app's own origins.
      const other = await app.inject({
        method: 'OPTIONS',
        url: '/api/v1/items',
        headers: { origin: 'https://github.com', 'access-control-request-method': 'GET' },
      });
      expect(other.headers['access-control-allow-origin']).not.toBe('*');
    });
  });
});
