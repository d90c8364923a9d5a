// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} references are what the clients read
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ParseError, parse as parseJsonc } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../domain/errors.ts';
import { addMcpServer, readMcpConfig, removeMcpServer } from './mcp-config-file.ts';

/** Parses JSON with comments the way VS Code and Gemini CLI read it; fails the test on any error. */
function readJsonc(text: string): Record<string, unknown> {
  const errors: ParseError[] = [];
  const data = parseJsonc(text, errors, { allowTrailingComma: true });
  expect(errors).toEqual([]);
  return data;
}

describe('MCP config files in each syntax', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'atlas-config-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));
  const backups = () => readdirSync(folder).filter((name) => name.endsWith('.bak'));

  describe('JSON with comments (VS Code, Gemini CLI)', () => {
    const original = `{
  // Servers for this workspace
  "servers": {
    /* added by hand */
    "mine": { "type": "stdio", "command": "mine-mcp" },
  },
  "inputs": [
    { "type": "promptString", "id": "mine-key", "description": "Mine", "password": true },
  ],
}
`;
    const github = { type: 'stdio', command: 'npx', args: ['-y', 'gh@1.0.0'], env: { TOKEN: '${input:github-token}' } };
    const input = { type: 'promptString', id: 'github-token', description: 'GitHub token', password: true };

    it('adds a server and its input, keeping comments, trailing commas and the other entries', async () => {
      const file = join(folder, 'mcp.json');
      writeFileSync(file, original);
      const change = await addMcpServer(file, {
        containerKey: 'servers',
        format: 'jsonc',
        serverKey: 'github',
        entry: github,
        inputs: [input],
      });
      expect(change).toMatchObject({ action: 'added', created: false });
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('// Servers for this workspace');
      expect(text).toContain('/* added by hand */');
      const data = readJsonc(text);
      expect(data.servers).toEqual({ mine: { type: 'stdio', command: 'mine-mcp' }, github });
      expect((data.inputs as { id: string }[]).map((item) => item.id)).toEqual(['mine-key', 'github-token']);
      expect(readFileSync(change.backup!, 'utf8')).toBe(original);
    });

    it('removes the server and the input only it used, keeping the comments', async () => {
      const file = join(folder, 'mcp.json');
      writeFileSync(file, original);
      await addMcpServer(file, {
        containerKey: 'servers',
        format: 'jsonc',
        serverKey: 'github',
        entry: github,
        inputs: [input],
      });
      const change = await removeMcpServer(file, { containerKey: 'servers', format: 'jsonc', serverKey: 'github' });
      expect(change.action).toBe('removed');
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('// Servers for this workspace');
      expect(text).toContain('/* added by hand */');
      expect(readJsonc(text)).toEqual(readJsonc(original));
    });

    it('merges into Gemini CLI settings next to its other settings', async () => {
      const file = join(folder, 'settings.json');
      const settings = '{\n  // my theme\n  "ui": { "theme": "GitHub" },\n  "mcpServers": {}\n}\n';
      writeFileSync(file, settings);
      const entry = { httpUrl: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer ${TOKEN}' } };
      await addMcpServer(file, { containerKey: 'mcpServers', format: 'jsonc', serverKey: 'docs', entry });
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('// my theme');
      expect(readJsonc(text)).toEqual({ ui: { theme: 'GitHub' }, mcpServers: { docs: entry } });
    });

    it('refuses a file that is not JSON with comments either, saying where, and leaves it', async () => {
      const file = join(folder, 'mcp.json');
      writeFileSync(file, '{\n  "servers": { "a": }\n}\n');
      await expect(
        addMcpServer(file, { containerKey: 'servers', format: 'jsonc', serverKey: 'x', entry: { command: 'x' } }),
      ).rejects.toThrow(/is not valid JSON with comments \(line 2, column 21: ValueExpected\)/);
      expect(backups()).toEqual([]);
    });
  });

  describe('plain JSON (Claude Code, Claude Desktop, Cursor, Windsurf)', () => {
    it("nests Claude Code's local servers under the project in ~/.claude.json, keeping its other projects", async () => {
      const file = join(folder, '.claude.json');
      const original = `${JSON.stringify({ numStartups: 3, projects: { '/other': { allowedTools: ['Bash'] } } }, null, 2)}\n`;
      writeFileSync(file, original);
      const entry = { type: 'stdio', command: 'npx', args: ['-y', 'gh@1.0.0'], env: { TOKEN: '${TOKEN}' } };
      const container = { containerKey: 'mcpServers', within: ['projects', '/work/app'] } as const;
      await addMcpServer(file, { ...container, serverKey: 'github', entry });
      const data = JSON.parse(readFileSync(file, 'utf8'));
      expect(data).toEqual({
        numStartups: 3,
        projects: { '/other': { allowedTools: ['Bash'] }, '/work/app': { mcpServers: { github: entry } } },
      });
      expect(data.mcpServers).toBeUndefined();
      expect(await addMcpServer(file, { ...container, serverKey: 'github', entry })).toMatchObject({
        action: 'unchanged',
      });
      await removeMcpServer(file, { ...container, serverKey: 'github' });
      expect(JSON.parse(readFileSync(file, 'utf8')).projects['/work/app']).toEqual({ mcpServers: {} });
    });

    it('refuses comments where the client reads plain JSON, and a key above the servers that is not an object', async () => {
      const file = join(folder, 'mcp.json');
      const commented = '{\n  // mine\n  "mcpServers": {}\n}\n';
      writeFileSync(file, commented);
      await expect(
        addMcpServer(file, { containerKey: 'mcpServers', serverKey: 'x', entry: { command: 'x' } }),
      ).rejects.toThrow(/holds comments or trailing commas, which its client does not read/);
      expect(readFileSync(file, 'utf8')).toBe(commented);

      writeFileSync(file, '{"projects": {"/work/app": []}}');
      await expect(
        addMcpServer(file, {
          containerKey: 'mcpServers',
          within: ['projects', '/work/app'],
          serverKey: 'x',
          entry: { command: 'x' },
        }),
      ).rejects.toThrow(/"projects"\."\/work\/app" is not a JSON object/);
    });
  });

  describe('TOML (Codex)', () => {
    const original = `# my Codex settings
model = "o3"

[mcp_servers.other]
command = "other-mcp" # keep me

[features]
web_search_request = true
`;
    const entry = {
      command: 'npx',
      args: ['-y', '@acme/github-mcp@0.9.1'],
      env: { GITHUB_HOST: 'github.com' },
      env_vars: ['GITHUB_TOKEN'],
    };
    const container = { containerKey: 'mcp_servers', format: 'toml' } as const;

    it('adds a [mcp_servers.<name>] table, keeping the other tables and comments, and removes it again', async () => {
      const file = join(folder, 'config.toml');
      writeFileSync(file, original);
      const added = await addMcpServer(file, { ...container, serverKey: 'github', entry });
      expect(added).toMatchObject({ action: 'added', created: false });
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('# my Codex settings');
      expect(text).toContain('command = "other-mcp" # keep me');
      expect(parseToml(text)).toEqual({
        model: 'o3',
        mcp_servers: { other: { command: 'other-mcp' }, github: entry },
        features: { web_search_request: true },
      });
      const removed = await removeMcpServer(file, { ...container, serverKey: 'github' });
      expect(removed.action).toBe('removed');
      expect(readFileSync(file, 'utf8')).toBe(original);
    });

    it('starts a new file, and replaces a different entry only with force', async () => {
      const file = join(folder, 'codex', 'config.toml');
      expect(await addMcpServer(file, { ...container, serverKey: 'github', entry })).toMatchObject({ created: true });
      expect(parseToml(readFileSync(file, 'utf8'))).toEqual({ mcp_servers: { github: entry } });
      const other = { url: 'https://mcp.example.com/mcp', bearer_token_env_var: 'GITHUB_TOKEN' };
      await expect(addMcpServer(file, { ...container, serverKey: 'github', entry: other })).rejects.toThrow(
        /already has a different server named "github" under "mcp_servers"/,
      );
      await addMcpServer(file, { ...container, serverKey: 'github', entry: other }, { force: true });
      expect(parseToml(readFileSync(file, 'utf8'))).toEqual({ mcp_servers: { github: other } });
      await removeMcpServer(file, { ...container, serverKey: 'github' });
      expect(parseToml(readFileSync(file, 'utf8'))).toEqual({});
    });

    it.each([
      [
        'servers written inline',
        'mcp_servers = { other = { command = "x" } }\n',
        /could not be changed without disturbing/,
      ],
      ['not a table', 'mcp_servers = 3\n', /"mcp_servers" is not a TOML table/],
      ['not TOML', 'model = \n', /is not valid TOML \(line 1, column 9\)/],
    ])('refuses a file with %s and leaves it byte for byte', async (_label, text, message) => {
      const file = join(folder, 'config.toml');
      writeFileSync(file, text);
      await expect(addMcpServer(file, { ...container, serverKey: 'github', entry })).rejects.toThrow(message);
      expect(readFileSync(file, 'utf8')).toBe(text);
      expect(backups()).toEqual([]);
    });

    it('reads an entry that dotted keys define, and refuses to remove what it cannot cut out', async () => {
      const file = join(folder, 'config.toml');
      const dotted = 'mcp_servers.github.command = "old"\n';
      writeFileSync(file, dotted);
      expect((await readMcpConfig(file, container)).data).toEqual({ mcp_servers: { github: { command: 'old' } } });
      const attempt = removeMcpServer(file, { ...container, serverKey: 'github' });
      await expect(attempt).rejects.toBeInstanceOf(ValidationError);
      expect(readFileSync(file, 'utf8')).toBe(dotted);
    });
  });
});
