/**
 * Token scopes over HTTP on every database: a `registry:read` token reads the MCP Registry API (root and team
 * registries, both prefixes) and gets 403 with the reason everywhere else: the REST API, the MCP endpoint and the
 * managed settings exports. Full tokens and sessions are unchanged.
 */
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { assembleDeps } from '../src/composition-root.ts';
import { type AtlasApp, buildApp } from '../src/entrypoints/http/app.ts';
import { CHEAP_ARGON2 } from '../src/testing/in-memory-deps.ts';
import { textFile } from './support/catalog-helpers.ts';
import { describeEachDatabase } from './support/each-database.ts';
import { client, register } from './support/http.ts';
import { SwappableContentStore } from './support/swappable-content-store.ts';

const WEATHER = {
  name: 'io.github.acme/weather',
  description: 'The weather server.',
  version: '1.0.0',
  remotes: [{ type: 'streamable-http', url: 'https://weather.example.com/mcp' }],
};

describeEachDatabase('Token scopes', (open) => {
  let app: AtlasApp;
  let api: ReturnType<typeof client>;
  let admin: string;
  const content = new SwappableContentStore();

  beforeAll(async () => {
    const deps = assembleDeps(
      await open(),
      content,
      { authz: 'rbac', publicRead: false, registration: 'open' },
      { argon2: CHEAP_ARGON2 },
    );
    app = await buildApp(deps, { rateLimits: { perAddress: 100_000, perAccount: 100_000 } });
    await app.ready();
    api = client(app);
    return () => app.close();
  });

  beforeEach(async () => {
    await open();
    content.reset();
    admin = await register(app, 'ada');
    expect((await api.post('/api/v1/teams', { slug: 'platform', name: 'Platform' }, admin)).status).toBe(201);
    const files = [textFile('server.json', JSON.stringify(WEATHER))];
    expect((await api.post('/api/v1/items', { namespace: 'platform', name: 'weather', files }, admin)).status).toBe(
      201,
    );
  });

  const create = async (body: object) => {
    const res = await api.post('/api/v1/tokens', body, admin);
    expect(res.status, res.raw).toBe(201);
    return res.body as { token: { id: string; scopes: string[] }; secret: string };
  };

  it('creates full tokens by default and registry:read tokens on request, and lists both with their scopes', async () => {
    const full = await create({ name: 'ci' });
    const reader = await create({ name: 'vscode', scopes: ['registry:read'] });
    expect(full.token.scopes).toEqual(['full']);
    expect(reader.token.scopes).toEqual(['registry:read']);
    const listed = await api.get('/api/v1/tokens', admin);
    expect(listed.status).toBe(200);
    const scopes = Object.fromEntries(
      listed.body.items.map((t: { name: string; scopes: string[] }) => [t.name, t.scopes]),
    );
    expect(scopes).toMatchObject({ ci: ['full'], vscode: ['registry:read'] });
    // The session that signed up is a full token too.
    expect(listed.body.items.every((t: { scopes: string[] }) => t.scopes.length > 0)).toBe(true);
  });

  it('refuses an unknown scope with 400 naming it', async () => {
    const res = await api.post('/api/v1/tokens', { name: 'x', scopes: ['registry:write'] }, admin);
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([
      { path: 'scopes/0', message: '"registry:write" is not a scope; the scopes are full, registry:read' },
    ]);
  });

  it('lets a registry:read token read the registry, root and team, under /v0.1 and /v0', async () => {
    const { secret } = await create({ name: 'vscode', scopes: ['registry:read'] });
    for (const url of [
      '/v0.1/servers',
      '/v0/servers?version=latest',
      `/v0.1/servers/${encodeURIComponent(WEATHER.name)}/versions/latest`,
      '/registries/platform/v0.1/servers',
    ]) {
      const res = await api.get(url, secret);
      expect(res.status, `${url} ${res.raw}`).toBe(200);
    }
    expect((await api.get('/v0.1/servers', secret)).body.servers).toHaveLength(1);
  });

  it('answers a registry:read token 403 with the reason everywhere else', async () => {
    const { secret } = await create({ name: 'vscode', scopes: ['registry:read'] });
    const refusals = [
      await api.get('/api/v1/me', secret),
      await api.get('/api/v1/items', secret),
      await api.get('/api/v1/items/mcp/platform/weather', secret),
      await api.post('/api/v1/tokens', { name: 'escalate' }, secret),
      await api.get('/api/v1/tokens', secret),
      await api.get('/api/v1/exports/claude-code/managed-settings.json', secret),
      await api.get('/api/v1/audit', secret),
      await api.post('/mcp', { jsonrpc: '2.0', id: 1, method: 'tools/list' }, secret),
    ];
    for (const res of refusals) {
      expect(res.status, res.raw).toBe(403);
      expect(res.body.detail).toMatch(/scope registry:read: it reads the MCP Registry API/);
    }
    // The refused token is still good where it belongs.
    expect((await api.get('/v0.1/servers', secret)).status).toBe(200);
  });

  it('leaves full tokens as they were: they read the registry and everything else', async () => {
    const { secret } = await create({ name: 'ci' });
    expect((await api.get('/v0.1/servers', secret)).status).toBe(200);
    expect((await api.get('/api/v1/me', secret)).status).toBe(200);
    expect((await api.get('/api/v1/exports/kiro/registry.json', secret)).status).toBe(200);
  });
});
