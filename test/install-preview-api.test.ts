/**
 * The install preview over HTTP on every database: `GET .../install-config` renders exactly what
 * `POST .../installs` renders, for every client and scope, and changes nothing: no count, no install event,
 * no audit entry. Reading it follows the item's visibility; a bad query is a 400 naming the parameter.
 */

import { beforeAll, beforeEach, expect, it } from 'vitest';
import type { AtlasDeps } from '../src/application/deps.ts';
import { assembleDeps } from '../src/composition-root.ts';
import { MCP_CLIENTS } from '../src/domain/catalog/install-clients.ts';
import { type AtlasApp, buildApp } from '../src/entrypoints/http/app.ts';
import { CHEAP_ARGON2 } from '../src/testing/in-memory-deps.ts';
import { catalogState, skillMd, textFile } from './support/catalog-helpers.ts';
import { describeEachDatabase } from './support/each-database.ts';
import { client, register } from './support/http.ts';
import { SwappableContentStore } from './support/swappable-content-store.ts';

const SECRET_DEFAULT = 'sk-live-default-never-shown';
const vaultServer = (overrides: Record<string, unknown> = {}) => ({
  name: 'io.github.acme/vault',
  description: 'Reads secrets from the vault.',
  version: '1.0.0',
  packages: [
    {
      registryType: 'npm',
      identifier: '@acme/vault-mcp',
      version: '1.0.0',
      transport: { type: 'stdio' },
      environmentVariables: [
        { name: 'VAULT_TOKEN', description: 'A token', isRequired: true, isSecret: true, default: SECRET_DEFAULT },
        { name: 'VAULT_ADDR', description: 'The address', default: 'https://vault.example.com' },
      ],
    },
  ],
  ...overrides,
});

describeEachDatabase('the install preview over HTTP', (open) => {
  let deps: AtlasDeps;
  let app: AtlasApp;
  let api: ReturnType<typeof client>;
  let tokens: { admin: string; alice: string; bob: string };
  const content = new SwappableContentStore();

  beforeAll(async () => {
    deps = assembleDeps(
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

  // ada is the site admin; alice owns team platform; bob belongs to no team.
  beforeEach(async () => {
    await open();
    content.reset();
    tokens = {
      admin: await register(app, 'ada'),
      alice: await register(app, 'alice'),
      bob: await register(app, 'bob'),
    };
    expect((await api.post('/api/v1/teams', { slug: 'platform', name: 'Platform' }, tokens.alice)).status).toBe(201);
    const published = [
      { namespace: 'alice', files: [textFile('server.json', JSON.stringify(vaultServer()))] },
      { namespace: 'alice', files: [textFile('SKILL.md', skillMd('pdf-tools', 'Extract tables from PDF files.'))] },
      {
        namespace: 'platform',
        visibility: 'team',
        files: [textFile('SKILL.md', skillMd('team-notes', 'Notes for the team only.'))],
      },
      {
        namespace: 'alice',
        name: 'nothing',
        files: [
          textFile('server.json', JSON.stringify(vaultServer({ name: 'io.github.acme/nothing', packages: undefined }))),
        ],
      },
    ];
    for (const body of published) {
      const res = await api.post('/api/v1/items', body, tokens.alice);
      expect(res.status, res.raw).toBe(201);
    }
  });

  const preview = (ref: string, query: string, token?: string) =>
    api.get(`/api/v1/items/${ref}/install-config?${query}`, token);

  it('renders what an install renders for every client, and counts, records and audits nothing', async () => {
    const before = await catalogState(deps);
    for (const installClient of MCP_CLIENTS) {
      const res = await preview('mcp/alice/vault', `client=${installClient}`, tokens.bob);
      expect(res.status, res.raw).toBe(200);
      expect(res.body).toMatchObject({ usageCount: 0, client: installClient, scope: 'user', item: { usageCount: 0 } });
      expect(res.body.install.config).toMatchObject({ client: installClient, secrets: ['VAULT_TOKEN'] });
      expect(res.raw).not.toContain(SECRET_DEFAULT);
    }
    expect(await catalogState(deps)).toEqual(before);
    expect((await deps.db.audit.list({ action: 'item.install' }, { limit: 10 })).items).toEqual([]);

    const shown = await preview('mcp/alice/vault', 'client=cursor&scope=project', tokens.bob);
    const installed = await api.post('/api/v1/items/mcp/alice/vault/installs', { client: 'cursor' }, tokens.bob);
    expect(installed.body.usageCount).toBe(1);
    expect(shown.body.install).toEqual(installed.body.install);
    expect(shown.body.location).toBe(installed.body.install.config.configPath.project);
    expect(shown.body.location).toMatch(/\.cursor\/mcp\.json$/);
    // The preview shows the count as it stands, and leaves it there.
    const after = await preview('mcp/alice/vault', 'client=cursor', tokens.alice);
    expect(after.body.usageCount).toBe(1);
    expect((await api.get('/api/v1/items/mcp/alice/vault', tokens.bob)).body.item.usageCount).toBe(1);
  });

  it("names a skill's folder for the scope asked for, with its archive path, and none for an upload client", async () => {
    const user = await preview('skill/alice/pdf-tools', 'client=claude-code', tokens.bob);
    expect(user.status, user.raw).toBe(200);
    expect(user.body).toMatchObject({
      scope: 'user',
      location: '~/.claude/skills/pdf-tools',
      install: {
        kind: 'skill',
        archivePath: '/api/v1/items/skill/alice/pdf-tools/archive',
        folder: { user: '~/.claude/skills/pdf-tools', project: '.claude/skills/pdf-tools' },
      },
    });
    const project = await preview('skill/alice/pdf-tools', 'client=claude-code&scope=project', tokens.bob);
    expect(project.body.location).toBe('.claude/skills/pdf-tools');
    const desktop = await preview('skill/alice/pdf-tools', 'client=claude-desktop', tokens.bob);
    expect(desktop.body).toMatchObject({ location: null, install: { folder: null } });
    expect((await api.get('/api/v1/items/skill/alice/pdf-tools', tokens.bob)).body.item.usageCount).toBe(0);
  });

  it('reads as the item reads: 404 for a team-only item outside the team, 401 without a token', async () => {
    expect((await preview('skill/platform/team-notes', 'client=cursor', tokens.alice)).status).toBe(200);
    const outsider = await preview('skill/platform/team-notes', 'client=cursor', tokens.bob);
    expect(outsider.status).toBe(404);
    expect(outsider.body.code).toBe('not_found');
    expect((await preview('skill/alice/pdf-tools', 'client=cursor')).status).toBe(401);
    expect((await preview('skill/alice/missing', 'client=cursor', tokens.bob)).status).toBe(404);
  });

  it('refuses a bad query with a 400 naming it, and an item the client cannot install with a 400', async () => {
    const before = await catalogState(deps);
    for (const [query, path] of [
      ['', 'query/client'],
      ['client=emacs', 'query/client'],
      ['client=cursor&scope=local', 'query/scope'],
      ['client=cursor&userId=someone', 'query'],
    ] as const) {
      const res = await preview('mcp/alice/vault', query, tokens.bob);
      expect(res.status, query).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.problems.map((p: { path: string }) => p.path).join(' '), query).toContain(path);
    }
    const agents = await preview('mcp/alice/vault', 'client=agents', tokens.bob);
    expect(agents.status).toBe(400);
    expect(agents.raw).toContain('agents is the shared .agents/skills folder');
    expect((await preview('mcp/alice/nothing', 'client=claude-code', tokens.bob)).status).toBe(400);
    expect(await catalogState(deps)).toEqual(before);
  });
});
