// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} references are what the clients read
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ParseError, parse as parseJsonc } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, registerUser, type Sandbox, sandbox, startTestServer } from '../support/cli-harness.ts';

type Json = Record<string, unknown>;

/** Reads a written config file with the parser its client uses: JSON, JSON with comments, or TOML. */
function readConfig(path: string, format: string): Json {
  const text = readFileSync(path, 'utf8');
  if (format === 'toml') return parseToml(text) as Json;
  if (format === 'jsonc') {
    const errors: ParseError[] = [];
    const data = parseJsonc(text, errors, { allowTrailingComma: true });
    expect(errors, path).toEqual([]);
    return data;
  }
  return JSON.parse(text);
}

/** The value at a path of keys. */
const at = (data: unknown, keys: readonly string[]): unknown =>
  keys.reduce<unknown>((value, key) => (value as Json | undefined)?.[key], data);

const GITHUB_ARGS = ['-y', '@acme/github-mcp@0.9.1'];

// Each of the longer tests runs a few dozen CLI processes; the machine that runs them may be busy.
describe('atlas install --client for every client', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let box: Sandbox;

  beforeAll(async () => {
    server = await startTestServer();
    const token = await registerUser(server.url, 'alice');
    box = sandbox({ ATLAS_URL: server.url, ATLAS_TOKEN: token });
    const servers = copyFixture('servers', box.root);
    // A remote whose Authorization header is a bearer token: each client's own way to send one from the environment.
    const bearer = join(servers, 'bearer-docs');
    mkdirSync(bearer);
    writeFileSync(
      join(bearer, 'server.json'),
      JSON.stringify({
        name: 'com.example.docs/bearer',
        description: 'Search the docs with a bearer token.',
        version: '1.0.0',
        remotes: [
          {
            type: 'streamable-http',
            url: 'https://mcp.docs.example.com/mcp',
            headers: [
              {
                name: 'Authorization',
                value: 'Bearer {token}',
                variables: { token: { isSecret: true, isRequired: true, description: 'Docs API token' } },
              },
            ],
          },
        ],
      }),
    );
    const imported = await box.run(['import', servers, '--json']);
    expect(imported.json().summary).toMatchObject({ published: 4, invalid: 0 });
    const repo = copyFixture('skills-repo', box.root);
    expect((await box.run(['publish', join(repo, 'skills', 'pdf-tools')])).code).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    box?.cleanup();
  });

  /**
   * Every client and scope Atlas writes an MCP server into: the file (relative to the sandbox's home or project),
   * the keys to the entry, the file's syntax, and the entry with the client's own reference to the secret.
   */
  const targets = (): {
    label: string;
    args: string[];
    file: string;
    keys: string[];
    format: 'json' | 'jsonc' | 'toml';
    entry: Json;
  }[] => {
    const home = (path: string) => join(box.home, path);
    const project = (path: string) => join(box.project, path);
    const typed = (token: string) => ({
      type: 'stdio',
      command: 'npx',
      args: GITHUB_ARGS,
      env: { GITHUB_TOKEN: token, GITHUB_HOST: 'github.com' },
    });
    const plain = (token: string) => ({
      command: 'npx',
      args: GITHUB_ARGS,
      env: { GITHUB_TOKEN: token, GITHUB_HOST: 'github.com' },
    });
    const codex = { command: 'npx', args: GITHUB_ARGS, env: { GITHUB_HOST: 'github.com' }, env_vars: ['GITHUB_TOKEN'] };
    return [
      {
        label: 'Claude Code, user',
        args: [],
        file: home('.claude.json'),
        keys: ['mcpServers'],
        format: 'json',
        entry: typed('${GITHUB_TOKEN}'),
      },
      {
        label: 'Claude Code, local',
        args: ['--scope', 'local'],
        file: home('.claude.json'),
        keys: ['projects', box.project, 'mcpServers'],
        format: 'json',
        entry: typed('${GITHUB_TOKEN}'),
      },
      {
        label: 'Claude Code, project',
        args: ['--scope', 'project'],
        file: project('.mcp.json'),
        keys: ['mcpServers'],
        format: 'json',
        entry: typed('${GITHUB_TOKEN}'),
      },
      {
        label: 'Claude Desktop',
        args: ['--client', 'claude-desktop'],
        file: join(box.xdg, 'Claude', 'claude_desktop_config.json'),
        keys: ['mcpServers'],
        format: 'json',
        entry: plain('<set GITHUB_TOKEN>'),
      },
      {
        label: 'Cursor, user',
        args: ['--client', 'cursor'],
        file: home('.cursor/mcp.json'),
        keys: ['mcpServers'],
        format: 'json',
        entry: plain('${env:GITHUB_TOKEN}'),
      },
      {
        label: 'Cursor, project',
        args: ['--client', 'cursor', '--scope', 'project'],
        file: project('.cursor/mcp.json'),
        keys: ['mcpServers'],
        format: 'json',
        entry: plain('${env:GITHUB_TOKEN}'),
      },
      {
        label: 'VS Code, project',
        args: ['--client', 'vscode'],
        file: project('.vscode/mcp.json'),
        keys: ['servers'],
        format: 'jsonc',
        entry: typed('${input:github-token}'),
      },
      {
        label: 'VS Code, user',
        args: ['--client', 'vscode', '--scope', 'user'],
        file: join(box.xdg, 'Code', 'User', 'mcp.json'),
        keys: ['servers'],
        format: 'jsonc',
        entry: typed('${input:github-token}'),
      },
      {
        label: 'Copilot (portable), user',
        args: ['--client', 'vscode', '--portable', '--scope', 'user'],
        file: home('.copilot/mcp-config.json'),
        keys: ['mcpServers'],
        format: 'json',
        entry: typed('${GITHUB_TOKEN}'),
      },
      {
        label: 'Codex, user',
        args: ['--client', 'codex'],
        file: home('.codex/config.toml'),
        keys: ['mcp_servers'],
        format: 'toml',
        entry: codex,
      },
      {
        label: 'Codex, project',
        args: ['--client', 'codex', '--scope', 'project'],
        file: project('.codex/config.toml'),
        keys: ['mcp_servers'],
        format: 'toml',
        entry: codex,
      },
      {
        label: 'Gemini CLI, user',
        args: ['--client', 'gemini'],
        file: home('.gemini/settings.json'),
        keys: ['mcpServers'],
        format: 'jsonc',
        entry: plain('${GITHUB_TOKEN}'),
      },
      {
        label: 'Gemini CLI, project',
        args: ['--client', 'gemini', '--scope', 'project'],
        file: project('.gemini/settings.json'),
        keys: ['mcpServers'],
        format: 'jsonc',
        entry: plain('${GITHUB_TOKEN}'),
      },
      {
        label: 'Windsurf',
        args: ['--client', 'windsurf'],
        file: home('.codeium/windsurf/mcp_config.json'),
        keys: ['mcpServers'],
        format: 'json',
        entry: plain('${env:GITHUB_TOKEN}'),
      },
    ];
  };

  it('installs an MCP server with a secret into every client and scope, in its format, and uninstalls it', async () => {
    // Files that were there before: Atlas merges into them and keeps what they hold, comments included.
    mkdirSync(join(box.home, '.codex'), { recursive: true });
    const codexConfig = '# my Codex settings\nmodel = "o3"\n\n[mcp_servers.other]\ncommand = "other-mcp" # mine\n';
    writeFileSync(join(box.home, '.codex', 'config.toml'), codexConfig);
    mkdirSync(join(box.home, '.gemini'), { recursive: true });
    const geminiSettings = '{\n  // my look\n  "ui": { "theme": "GitHub" }\n}\n';
    writeFileSync(join(box.home, '.gemini', 'settings.json'), geminiSettings);
    mkdirSync(join(box.project, '.vscode'), { recursive: true });
    const vscodeConfig =
      '{\n  // workspace servers\n  "servers": { "mine": { "type": "stdio", "command": "mine" } },\n}\n';
    writeFileSync(join(box.project, '.vscode', 'mcp.json'), vscodeConfig);

    for (const target of targets()) {
      const run = await box.run(['install', 'mcp/alice/github', ...target.args, '--yes', '--json']);
      expect(run.code, `${target.label}: ${run.stderr}`).toBe(0);
      const result = run.json();
      expect(result.path, target.label).toBe(target.file);
      expect(result.format, target.label).toBe(target.format);
      expect(result.secrets, target.label).toEqual(['GITHUB_TOKEN']);
      const data = readConfig(target.file, target.format);
      expect(at(data, [...target.keys, 'github']), target.label).toEqual(target.entry);
    }

    // What was there stays: the other Codex server and every comment, Gemini's settings, VS Code's own server.
    const codexText = readFileSync(join(box.home, '.codex', 'config.toml'), 'utf8');
    expect(codexText).toContain('# my Codex settings');
    expect(codexText).toContain('command = "other-mcp" # mine');
    expect((parseToml(codexText).mcp_servers as Json).other).toEqual({ command: 'other-mcp' });
    const geminiText = readFileSync(join(box.home, '.gemini', 'settings.json'), 'utf8');
    expect(geminiText).toContain('// my look');
    expect(readConfig(join(box.home, '.gemini', 'settings.json'), 'jsonc').ui).toEqual({ theme: 'GitHub' });
    const vscode = readConfig(join(box.project, '.vscode', 'mcp.json'), 'jsonc');
    expect(Object.keys(vscode.servers as Json)).toEqual(['mine', 'github']);
    expect(vscode.inputs).toEqual([
      {
        type: 'promptString',
        id: 'github-token',
        description: 'A personal access token with repo scope',
        password: true,
      },
    ]);
    expect(readFileSync(join(box.project, '.vscode', 'mcp.json'), 'utf8')).toContain('// workspace servers');
    // The user and local scopes of Claude Code share ~/.claude.json without touching each other.
    const claude = readConfig(join(box.home, '.claude.json'), 'json');
    expect(Object.keys(claude.mcpServers as Json)).toEqual(['github']);
    expect(Object.keys(claude.projects as Json)).toEqual([box.project]);

    for (const target of targets()) {
      const run = await box.run(['uninstall', 'mcp/alice/github', ...target.args, '--json']);
      expect(run.code, `${target.label}: ${run.stderr}`).toBe(0);
      expect(run.json().path, target.label).toBe(target.file);
      expect(at(readConfig(target.file, target.format), [...target.keys, 'github']), target.label).toBeUndefined();
    }
    // Uninstalling leaves a file as Atlas found it.
    expect(readFileSync(join(box.home, '.codex', 'config.toml'), 'utf8')).toBe(codexConfig);
    expect(readConfig(join(box.home, '.gemini', 'settings.json'), 'jsonc')).toEqual({
      ui: { theme: 'GitHub' },
      mcpServers: {},
    });
    expect(readFileSync(join(box.home, '.gemini', 'settings.json'), 'utf8')).toContain('// my look');
    expect(readConfig(join(box.project, '.vscode', 'mcp.json'), 'jsonc')).toEqual({
      servers: { mine: { type: 'stdio', command: 'mine' } },
      inputs: [],
    });
  }, 300_000);

  it('sends a remote bearer token the way each client reads one from the environment', async () => {
    const remotes: [string[], string, string[], Json][] = [
      [
        [],
        join(box.home, '.claude.json'),
        ['mcpServers'],
        {
          type: 'http',
          url: 'https://mcp.docs.example.com/mcp',
          headers: { Authorization: 'Bearer ${BEARER_DOCS_TOKEN}' },
        },
      ],
      [
        ['--client', 'codex'],
        join(box.home, '.codex', 'config.toml'),
        ['mcp_servers'],
        { url: 'https://mcp.docs.example.com/mcp', bearer_token_env_var: 'BEARER_DOCS_TOKEN' },
      ],
      [
        ['--client', 'gemini'],
        join(box.home, '.gemini', 'settings.json'),
        ['mcpServers'],
        { httpUrl: 'https://mcp.docs.example.com/mcp', headers: { Authorization: 'Bearer ${BEARER_DOCS_TOKEN}' } },
      ],
      [
        ['--client', 'windsurf'],
        join(box.home, '.codeium', 'windsurf', 'mcp_config.json'),
        ['mcpServers'],
        {
          serverUrl: 'https://mcp.docs.example.com/mcp',
          headers: { Authorization: 'Bearer ${env:BEARER_DOCS_TOKEN}' },
        },
      ],
    ];
    for (const [args, file, keys, entry] of remotes) {
      const run = await box.run(['install', 'mcp/alice/bearer-docs', ...args, '--yes', '--json']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.json().secrets).toEqual(['BEARER_DOCS_TOKEN']);
      const format = file.endsWith('.toml') ? 'toml' : file.includes('.gemini') ? 'jsonc' : 'json';
      expect(at(readConfig(file, format), [...keys, 'bearer-docs'])).toEqual(entry);
    }

    const human = await box.run(['install', 'mcp/alice/bearer-docs', '--client', 'codex', '--yes']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('already in ~/.codex/config.toml');
    expect(human.stdout).toMatch(/Codex passes these from its own environment/);
    expect(human.stdout).toContain('BEARER_DOCS_TOKEN (secret): Docs API token');
  }, 300_000);

  it('shows what it will write and asks, naming the variables only', async () => {
    const run = await box.run(['install', 'mcp/alice/weather', '--client', 'codex']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Codex will run mcp/alice/weather as "weather" from ~/.codex/config.toml:');
    expect(run.stdout).toContain('Command      uvx example-weather-mcp==2.3.0');
    expect(run.stdout).toContain('Environment  WEATHER_API_KEY');
    expect(run.stderr).toContain('not confirmed');
    expect(parseToml(readFileSync(join(box.home, '.codex', 'config.toml'), 'utf8')).mcp_servers).not.toHaveProperty(
      'weather',
    );
  });

  it('installs a skill into every skills folder', async () => {
    const folders: [string[], string][] = [
      [[], join(box.home, '.claude', 'skills')],
      [['--scope', 'project'], join(box.project, '.claude', 'skills')],
      [['--client', 'cursor'], join(box.home, '.cursor', 'skills')],
      [['--client', 'cursor', '--scope', 'project'], join(box.project, '.cursor', 'skills')],
      [['--client', 'vscode'], join(box.home, '.copilot', 'skills')],
      [['--client', 'vscode', '--scope', 'project'], join(box.project, '.github', 'skills')],
      [['--client', 'agents'], join(box.home, '.agents', 'skills')],
      [['--client', 'agents', '--scope', 'project'], join(box.project, '.agents', 'skills')],
      [['--client', 'codex'], join(box.home, '.agents', 'skills')],
      [['--client', 'gemini', '--scope', 'project'], join(box.project, '.agents', 'skills')],
      [['--client', 'windsurf'], join(box.home, '.codeium', 'windsurf', 'skills')],
      [['--client', 'windsurf', '--scope', 'project'], join(box.project, '.windsurf', 'skills')],
    ];
    for (const [args, folder] of folders) {
      const run = await box.run(['install', 'skill/alice/pdf-tools', ...args, '--yes', '--json']);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
      expect(run.json().path).toBe(join(folder, 'pdf-tools'));
      // Codex and Gemini CLI read the folder an earlier line already filled: nothing changes.
      expect(['installed', 'unchanged']).toContain(run.json().action);
      expect(existsSync(join(folder, 'pdf-tools', 'SKILL.md')), folder).toBe(true);
    }
    const removed = await box.run(['uninstall', 'skill/alice/pdf-tools', '--client', 'agents', '--json']);
    expect(removed.json()).toMatchObject({ action: 'removed', path: join(box.home, '.agents', 'skills', 'pdf-tools') });
  }, 300_000);

  it('refuses an MCP server for the agents folder, --portable outside VS Code, and a scope the client lacks', async () => {
    const agents = await box.run(['install', 'mcp/alice/github', '--client', 'agents', '--yes']);
    expect(agents.code).toBe(2);
    expect(agents.stderr).toContain('agents is the shared .agents/skills folder, which takes skills');
    const portable = await box.run(['install', 'mcp/alice/github', '--client', 'cursor', '--portable', '--yes']);
    expect(portable.code).toBe(2);
    expect(portable.stderr).toContain('--portable is for VS Code MCP servers');
    const local = await box.run(['install', 'mcp/alice/github', '--client', 'windsurf', '--scope', 'project', '--yes']);
    expect(local.code).toBe(2);
    expect(local.stderr).toContain('Windsurf has no project-level MCP config file');
  });
});
