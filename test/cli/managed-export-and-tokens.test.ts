import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textFile } from '../support/catalog-helpers.ts';
import { api, registerUser, type Sandbox, sandbox, startTestServer } from '../support/cli-harness.ts';

const WEATHER = {
  name: 'io.github.acme/weather',
  description: 'The weather server.',
  version: '1.0.0',
  packages: [{ registryType: 'npm', identifier: '@acme/weather-mcp', version: '1.0.0', transport: { type: 'stdio' } }],
  remotes: [{ type: 'streamable-http', url: 'https://weather.example.com/mcp' }],
};

describe('atlas export --managed and atlas token', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let admin: Sandbox;
  let member: Sandbox;

  beforeAll(async () => {
    server = await startTestServer();
    // The first account is the site administrator.
    const ada = await registerUser(server.url, 'ada');
    const bob = await registerUser(server.url, 'bob');
    await api(server.url, ada, 'POST', '/api/v1/items', {
      namespace: 'ada',
      name: 'weather',
      files: [textFile('server.json', JSON.stringify(WEATHER))],
    });
    admin = sandbox({ ATLAS_URL: server.url, ATLAS_TOKEN: ada });
    member = sandbox({ ATLAS_URL: server.url, ATLAS_TOKEN: bob });
  });
  afterAll(async () => {
    await server?.stop();
    admin?.cleanup();
    member?.cleanup();
  });

  it("writes Claude Code's two managed files into a folder, allowing the server as atlas install writes it", async () => {
    const run = await admin.run(['export', '--managed', 'claude-code', '-o', 'policy']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Wrote managed-settings.json');
    expect(run.stdout).toContain('/etc/claude-code/');
    const settings = JSON.parse(readFileSync(join(admin.project, 'policy', 'managed-settings.json'), 'utf8'));
    expect(settings).toEqual({
      allowedMcpServers: [
        { serverCommand: ['npx', '-y', '@acme/weather-mcp@1.0.0'] },
        { serverUrl: 'https://weather.example.com/mcp' },
      ],
      deniedMcpServers: [],
      allowManagedMcpServersOnly: true,
    });
    const mcp = JSON.parse(readFileSync(join(admin.project, 'policy', 'managed-mcp.json'), 'utf8'));
    expect(mcp.mcpServers.weather).toEqual({ type: 'stdio', command: 'npx', args: ['-y', '@acme/weather-mcp@1.0.0'] });
  });

  it('writes one file where -o says, as JSON output on request, and refuses to overwrite without --force', async () => {
    const run = await admin.run(['export', '--managed', 'kiro', '-o', 'kiro.json', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({
      client: 'kiro',
      files: [{ name: 'registry.json', path: join(admin.project, 'kiro.json') }],
      notes: [],
    });
    const registry = JSON.parse(readFileSync(join(admin.project, 'kiro.json'), 'utf8'));
    expect(registry.servers[0].server.name).toBe('io.github.acme.weather');

    const again = await admin.run(['export', '--managed', 'kiro', '-o', 'kiro.json']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('already exists');
    mkdirSync(join(admin.project, 'copilot'));
    writeFileSync(join(admin.project, 'copilot', 'keep.txt'), 'x');
    const intoFolder = await admin.run(['export', '--managed', 'copilot', '-o', 'copilot', '--tag', 'none']);
    expect(intoFolder.code, intoFolder.stderr).toBe(0);
    const copilot = JSON.parse(readFileSync(join(admin.project, 'copilot', 'managed-settings.json'), 'utf8'));
    expect(copilot).toEqual({ allowedMcpServers: [], deniedMcpServers: [] });
    expect(intoFolder.stderr).toContain('lets no MCP server run');
  });

  it('refuses a member with the reason, and writes nothing', async () => {
    const run = await member.run(['export', '--managed', 'copilot']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/administrators/);
    expect(existsSync(join(member.project, 'managed-settings.json'))).toBe(false);
    const usage = await admin.run(['export', '--managed', 'cursor']);
    expect(usage.code).not.toBe(0);
    expect(usage.stderr).toMatch(/claude-code, copilot, kiro/);
  });

  it('creates a registry:read token that reads the registry and nothing else, and lists it with its scope', async () => {
    const created = await admin.run(['token', 'create', 'vscode', '--scope', 'registry:read', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const { token, secret } = created.json();
    expect(token.scopes).toEqual(['registry:read']);
    const registry = await fetch(`${server.url}/v0.1/servers`, { headers: { authorization: `Bearer ${secret}` } });
    expect(registry.status).toBe(200);
    const me = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    expect(me.status).toBe(403);

    const listed = await admin.run(['token', 'list']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/vscode\s+registry:read/);
    const revoked = await admin.run(['token', 'revoke', token.id]);
    expect(revoked.code, revoked.stderr).toBe(0);
    const after = await fetch(`${server.url}/v0.1/servers`, { headers: { authorization: `Bearer ${secret}` } });
    expect(after.status).toBe(401);

    const bad = await admin.run(['token', 'create', 'x', '--scope', 'admin']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--scope must be one of full, registry:read/);
  });
});
