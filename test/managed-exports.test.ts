/**
 * Managed settings exports over HTTP on every database: who may download them, which servers count as approved
 * (active, visible to the organisation, narrowed by team and tag), what is denied, and how the files are served.
 * Every file is checked against its wire schema.
 */
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import type { AtlasDeps } from '../src/application/deps.ts';
import { assembleDeps } from '../src/composition-root.ts';
import { type AtlasApp, buildApp } from '../src/entrypoints/http/app.ts';
import {
  ClaudeManagedMcpSchema,
  ClaudeManagedSettingsSchema,
  CopilotManagedSettingsSchema,
  EXPORT_NOTES_HEADER,
  KiroRegistrySchema,
} from '../src/entrypoints/http/schemas/exports.ts';
import { ATLAS_META } from '../src/entrypoints/http/schemas/registry.ts';
import { CHEAP_ARGON2 } from '../src/testing/in-memory-deps.ts';
import { textFile } from './support/catalog-helpers.ts';
import { describeEachDatabase } from './support/each-database.ts';
import { client, register } from './support/http.ts';
import { SwappableContentStore } from './support/swappable-content-store.ts';

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);
const FILES = {
  '/api/v1/exports/claude-code/managed-settings.json': ajv.compile(ClaudeManagedSettingsSchema),
  '/api/v1/exports/claude-code/managed-mcp.json': ajv.compile(ClaudeManagedMcpSchema),
  '/api/v1/exports/copilot/managed-settings.json': ajv.compile(CopilotManagedSettingsSchema),
  '/api/v1/exports/kiro/registry.json': ajv.compile(KiroRegistrySchema),
};
type ExportPath = keyof typeof FILES;

const remote = (name: string, host: string) => ({
  name,
  description: `The ${name.split('/')[1]} server.`,
  version: '1.0.0',
  remotes: [{ type: 'streamable-http', url: `https://${host}/mcp` }],
});
const npm = (name: string, identifier: string) => ({
  name,
  description: `The ${name.split('/')[1]} server.`,
  version: '2.0.0',
  packages: [{ registryType: 'npm', identifier, version: '2.0.0', transport: { type: 'stdio' } }],
});

describeEachDatabase('Managed settings exports', (open) => {
  let app: AtlasApp;
  let api: ReturnType<typeof client>;
  let tokens: { ada: string; alice: string; bob: string };
  const content = new SwappableContentStore();

  beforeAll(async () => {
    const db = await open();
    const deps: AtlasDeps = assembleDeps(
      db,
      content,
      { authz: 'rbac', publicRead: false, registration: 'open' },
      { argon2: CHEAP_ARGON2 },
    );
    const limits = { rateLimits: { perAddress: 100_000, perAccount: 100_000 } };
    app = await buildApp(deps, limits);
    await app.ready();
    api = client(app);
    return () => app.close();
  });

  const publish = async (token: string, namespace: string, name: string, json: object, visibility?: string) => {
    const files = [textFile('server.json', JSON.stringify(json))];
    const res = await api.post(
      '/api/v1/items',
      { namespace, name, files, ...(visibility ? { visibility } : {}) },
      token,
    );
    expect(res.status, res.raw).toBe(201);
  };
  const download = async (path: ExportPath, query = '', token = tokens.ada) => {
    const res = await api.get(`${path}${query}`, token);
    expect(res.status, res.raw).toBe(200);
    const validate = FILES[path];
    expect(validate(JSON.parse(res.raw)), JSON.stringify(validate.errors)).toBe(true);
    return res;
  };

  // ada is the site admin (the first account); alice owns team platform; bob is a member of nothing.
  beforeEach(async () => {
    await open();
    content.reset();
    tokens = {
      ada: await register(app, 'ada'),
      alice: await register(app, 'alice'),
      bob: await register(app, 'bob'),
    };
    expect((await api.post('/api/v1/teams', { slug: 'platform', name: 'Platform' }, tokens.alice)).status).toBe(201);
    await publish(tokens.alice, 'platform', 'weather', remote('io.github.acme/weather', 'weather.example.com'));
    await publish(tokens.alice, 'platform', 'secret', remote('com.example/secret', 'secret.example.com'), 'team');
    await publish(tokens.alice, 'platform', 'legacy', npm('com.example/legacy', '@acme/legacy-mcp'));
    await publish(tokens.bob, 'bob', 'files', npm('com.example/files', '@bob/files-mcp'));
    await publish(tokens.bob, 'bob', 'gone', npm('com.example/gone', '@bob/gone-mcp'));
    await api.post(
      '/api/v1/items',
      { namespace: 'bob', files: [textFile('SKILL.md', '---\nname: notes\ndescription: Notes.\n---\nBody\n')] },
      tokens.bob,
    );
    const patched = await api.patch(
      '/api/v1/items/mcp/platform/legacy',
      { status: 'deprecated', statusMessage: 'use weather' },
      tokens.alice,
    );
    expect(patched.status, patched.raw).toBe(200);
    expect((await api.delete('/api/v1/items/mcp/bob/gone', tokens.bob)).status).toBe(204);
    expect((await api.patch('/api/v1/items/mcp/bob/files', { tags: ['approved'] }, tokens.bob)).status).toBe(200);
  });

  it('answers anonymous readers 401, members 403, administrators 200 with a JSON file to save', async () => {
    for (const path of Object.keys(FILES) as ExportPath[]) {
      const anonymous = await api.get(path);
      expect(anonymous.status, path).toBe(401);
      expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
      const member = await api.get(path, tokens.alice);
      expect(member.status, path).toBe(403);
      expect(member.body.detail).toMatch(/administrators/);
      const res = await download(path);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="${path.split('/').pop()}"`);
      expect(res.headers['cache-control']).toBe('no-store');
    }
    expect((await api.get('/api/v1/exports/claude-code/registry.json', tokens.ada)).status).toBe(404);
  });

  it('allows the active org-visible servers and denies the deprecated and deleted ones, for Claude Code', async () => {
    const settings = JSON.parse((await download('/api/v1/exports/claude-code/managed-settings.json')).raw);
    expect(settings).toEqual({
      allowedMcpServers: [
        { serverCommand: ['npx', '-y', '@bob/files-mcp@2.0.0'] },
        { serverUrl: 'https://weather.example.com/mcp' },
      ],
      deniedMcpServers: [
        { serverCommand: ['npx', '-y', '@bob/gone-mcp@2.0.0'] },
        { serverCommand: ['npx', '-y', '@acme/legacy-mcp@2.0.0'] },
      ],
      allowManagedMcpServersOnly: true,
    });
    const mcp = JSON.parse((await download('/api/v1/exports/claude-code/managed-mcp.json')).raw);
    expect(mcp).toEqual({
      mcpServers: {
        files: { type: 'stdio', command: 'npx', args: ['-y', '@bob/files-mcp@2.0.0'] },
        weather: { type: 'http', url: 'https://weather.example.com/mcp' },
      },
    });
  });

  it("adds Atlas's plugin marketplace to Claude Code's settings only when asked, as known or as the only one", async () => {
    const extra = JSON.parse(
      (await download('/api/v1/exports/claude-code/managed-settings.json', '?marketplace=extra')).raw,
    );
    expect(extra.extraKnownMarketplaces).toEqual({
      atlas: {
        source: { source: 'url', url: expect.stringMatching(/^http:\/\/[^/]+\/marketplaces\/claude-code\.json$/) },
      },
    });
    expect(extra.strictKnownMarketplaces).toBeUndefined();
    const strict = JSON.parse(
      (await download('/api/v1/exports/claude-code/managed-settings.json', '?marketplace=strict')).raw,
    );
    expect(strict.strictKnownMarketplaces).toEqual([extra.extraKnownMarketplaces.atlas.source]);
    const bad = await api.get('/api/v1/exports/claude-code/managed-settings.json?marketplace=always', tokens.ada);
    expect(bad.status).toBe(400);
    expect(bad.raw).toMatch(/marketplace/);
  });

  it('writes the same servers for Copilot and for Kiro, with Kiro names free of slashes', async () => {
    const copilot = JSON.parse((await download('/api/v1/exports/copilot/managed-settings.json')).raw);
    expect(copilot.allowedMcpServers).toEqual([
      { serverCommand: ['npx', '-y', '@bob/files-mcp@2.0.0'] },
      { serverUrl: 'https://weather.example.com/mcp' },
    ]);
    expect(copilot.deniedMcpServers).toHaveLength(2);
    const kiro = JSON.parse((await download('/api/v1/exports/kiro/registry.json')).raw);
    expect(kiro.servers.map((s: { server: { name: string } }) => s.server.name)).toEqual([
      'com.example.files',
      'io.github.acme.weather',
    ]);
    expect(kiro.servers[1].server._meta[ATLAS_META]).toEqual({
      serverName: 'io.github.acme/weather',
      ref: 'mcp/platform/weather',
    });
  });

  it('narrows the approved servers to a team or a tag; a tag does not narrow what is denied', async () => {
    const team = JSON.parse(
      (await download('/api/v1/exports/claude-code/managed-settings.json', '?team=platform')).raw,
    );
    expect(team.allowedMcpServers).toEqual([{ serverUrl: 'https://weather.example.com/mcp' }]);
    expect(team.deniedMcpServers).toEqual([{ serverCommand: ['npx', '-y', '@acme/legacy-mcp@2.0.0'] }]);
    const tagged = JSON.parse((await download('/api/v1/exports/copilot/managed-settings.json', '?tag=approved')).raw);
    expect(tagged.allowedMcpServers).toEqual([{ serverCommand: ['npx', '-y', '@bob/files-mcp@2.0.0'] }]);
    expect(tagged.deniedMcpServers).toHaveLength(2);
    const none = JSON.parse((await download('/api/v1/exports/kiro/registry.json', '?team=platform&tag=approved')).raw);
    expect(none).toEqual({ servers: [] });
    const unknown = await api.get('/api/v1/exports/kiro/registry.json?team=nobody', tokens.ada);
    expect(unknown.status).toBe(404);
  });

  it('says which servers a file leaves out, in a header', async () => {
    await publish(tokens.bob, 'bob', 'rooted', {
      ...npm('com.example/rooted', '@bob/rooted-mcp'),
      packages: [
        {
          registryType: 'npm',
          identifier: '@bob/rooted-mcp',
          version: '2.0.0',
          transport: { type: 'stdio' },
          packageArguments: [{ type: 'positional', valueHint: 'root', isRequired: true }],
        },
      ],
    });
    const res = await download('/api/v1/exports/kiro/registry.json');
    const notes = JSON.parse(decodeURIComponent(String(res.headers[EXPORT_NOTES_HEADER])));
    expect(notes).toEqual([
      expect.stringMatching(/^mcp\/bob\/rooted left out of the Kiro registry: package 0 needs root/),
    ]);
    expect(JSON.parse(res.raw).servers).toHaveLength(2);
    expect(
      (await download('/api/v1/exports/claude-code/managed-mcp.json')).headers[EXPORT_NOTES_HEADER],
    ).toBeUndefined();
  });
});
