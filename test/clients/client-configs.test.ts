// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} references are what the clients read
/**
 * The coding agents' own command lines read the files `atlas install --client` writes: Codex (`codex mcp list
 * --json`), Gemini CLI (`gemini mcp list`) and Claude Code (`claude mcp get`), installed from npm into a temporary
 * prefix at test time (pinned versions, never dependencies of this project), each run offline with HOME pointed at
 * the sandbox Atlas wrote into. Also runs the `claude mcp add-json` command the install answer prints, in a shell
 * that has the secret set, and checks the secret never reaches the file.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, copyFixture, registerUser, type Sandbox, sandbox, startTestServer } from '../support/cli-harness.ts';
import { installAgentClis } from './support/agent-clis.ts';

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

describe('the coding agents read what atlas install --client writes', () => {
  let scratch: string;
  let prefix: string;
  let unreachable: string | undefined;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let box: Sandbox;
  let token: string;

  /**
   * Runs an installed client (or a program given by its path) in the sandbox: its HOME, the project folder, only
   * Node.js, the prefix and the system's own programs on PATH.
   */
  const client = (name: string, args: string[], env: Record<string, string> = {}) =>
    new Promise<Result>((resolve) => {
      const child = spawn(name.startsWith('/') ? name : join(prefix, 'bin', name), args, {
        cwd: box.project,
        env: {
          PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}:/usr/bin:/bin`,
          HOME: box.home,
          XDG_CONFIG_HOME: box.xdg,
          NO_COLOR: '1',
          // The servers in the files are never reachable here: npx fails at once instead of downloading.
          npm_config_offline: 'true',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
      });
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });

  const atlasInstall = async (ref: string, args: string[]) => {
    const result = await box.run(['install', ref, ...args, '--yes', '--json']);
    expect(result.code, `atlas install ${ref} ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result.json();
  };

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'atlas-agents-'));
    const clis = await installAgentClis();
    if ('unreachable' in clis) {
      unreachable = clis.unreachable;
      return;
    }
    prefix = clis.prefix;
    server = await startTestServer();
    token = await registerUser(server.url, 'alice');
    box = sandbox({ ATLAS_URL: server.url, ATLAS_TOKEN: token });
    const servers = copyFixture('servers', box.root);
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
            headers: [{ name: 'Authorization', value: 'Bearer {token}', variables: { token: { isSecret: true } } }],
          },
        ],
      }),
    );
    const sse = join(servers, 'events');
    mkdirSync(sse);
    writeFileSync(
      join(sse, 'server.json'),
      JSON.stringify({
        name: 'com.example.events/stream',
        description: 'Events over SSE.',
        version: '1.0.0',
        remotes: [{ type: 'sse', url: 'https://events.example.com/sse' }],
      }),
    );
    const imported = await box.run(['import', servers, '--json']);
    expect(imported.json().summary).toMatchObject({ published: 5, invalid: 0 });
  }, 900_000);

  afterAll(async () => {
    await server?.stop();
    box?.cleanup();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('Codex lists the servers of ~/.codex/config.toml and of a trusted project, with the secrets by name', async (context) => {
    if (unreachable) {
      console.warn(`skipped: npm is unreachable, so the clients cannot be installed (${unreachable})`);
      context.skip();
    }
    // The user's own config: a comment, and the trust Codex needs before it reads a project's .codex/config.toml.
    mkdirSync(join(box.home, '.codex'), { recursive: true });
    writeFileSync(
      join(box.home, '.codex', 'config.toml'),
      `# mine\n[projects."${box.project}"]\ntrust_level = "trusted"\n`,
    );
    await atlasInstall('mcp/alice/github', ['--client', 'codex']);
    await atlasInstall('mcp/alice/bearer-docs', ['--client', 'codex']);
    await atlasInstall('mcp/alice/events', ['--client', 'codex']);
    await atlasInstall('mcp/alice/weather', ['--client', 'codex', '--scope', 'project']);

    const listed = await client('codex', ['mcp', 'list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const servers = Object.fromEntries(
      (JSON.parse(listed.stdout) as { name: string; transport: Record<string, unknown> }[]).map((entry) => [
        entry.name,
        entry.transport,
      ]),
    );
    expect(servers.github).toMatchObject({
      type: 'stdio',
      command: 'npx',
      args: ['-y', '@acme/github-mcp@0.9.1'],
      env: { GITHUB_HOST: 'github.com' },
      env_vars: ['GITHUB_TOKEN'],
    });
    expect(servers['bearer-docs']).toMatchObject({
      type: 'streamable_http',
      url: 'https://mcp.docs.example.com/mcp',
      bearer_token_env_var: 'BEARER_DOCS_TOKEN',
    });
    expect(servers.events).toMatchObject({
      type: 'stdio',
      command: 'npx',
      args: ['-y', 'mcp-remote', 'https://events.example.com/sse'],
    });
    expect(servers.weather).toMatchObject({
      type: 'stdio',
      command: 'uvx',
      args: ['example-weather-mcp==2.3.0'],
      env_vars: ['WEATHER_API_KEY'],
    });
    expect(readFileSync(join(box.home, '.codex', 'config.toml'), 'utf8')).toMatch(/^# mine\n/);

    const removed = await box.run(['uninstall', 'mcp/alice/github', '--client', 'codex']);
    expect(removed.code, removed.stderr).toBe(0);
    const after = await client('codex', ['mcp', 'list', '--json']);
    expect((JSON.parse(after.stdout) as { name: string }[]).map((entry) => entry.name).sort()).toEqual([
      'bearer-docs',
      'events',
      'weather',
    ]);
  });

  it('Gemini CLI lists the servers of its user and trusted project settings, with their transports', async (context) => {
    if (unreachable) {
      console.warn(`skipped: npm is unreachable, so the clients cannot be installed (${unreachable})`);
      context.skip();
    }
    mkdirSync(join(box.home, '.gemini'), { recursive: true });
    writeFileSync(join(box.home, '.gemini', 'settings.json'), '{\n  // mine\n  "ui": { "theme": "GitHub" }\n}\n');
    writeFileSync(join(box.home, '.gemini', 'trustedFolders.json'), JSON.stringify({ [box.project]: 'TRUST_FOLDER' }));
    await atlasInstall('mcp/alice/github', ['--client', 'gemini']);
    await atlasInstall('mcp/alice/bearer-docs', ['--client', 'gemini']);
    await atlasInstall('mcp/alice/events', ['--client', 'gemini']);
    await atlasInstall('mcp/alice/weather', ['--client', 'gemini', '--scope', 'project']);

    const listed = await client('gemini', ['mcp', 'list']);
    expect(listed.code, listed.stderr).toBe(0);
    const output = listed.stdout + listed.stderr;
    expect(output).toContain('github: npx -y @acme/github-mcp@0.9.1 (stdio)');
    expect(output).toContain('bearer-docs: https://mcp.docs.example.com/mcp (http)');
    expect(output).toContain('events: https://events.example.com/sse (sse)');
    expect(output).toContain('weather: uvx example-weather-mcp==2.3.0 (stdio)');
    expect(output).not.toMatch(/Error in .*settings\.json/);
  });

  it('Claude Code reads the user, local and project scopes, and the printed add-json command keeps the secret out', async (context) => {
    if (unreachable) {
      console.warn(`skipped: npm is unreachable, so the clients cannot be installed (${unreachable})`);
      context.skip();
    }
    await atlasInstall('mcp/alice/github', []);
    await atlasInstall('mcp/alice/weather', ['--scope', 'local']);
    await atlasInstall('mcp/alice/bearer-docs', ['--scope', 'project']);
    const expectations: [string, RegExp[]][] = [
      [
        'github',
        [/Scope: User config/, /Command: npx/, /Args: -y @acme\/github-mcp@0\.9\.1/, /GITHUB_TOKEN=\$\{GITHUB_TOKEN\}/],
      ],
      ['weather', [/Scope: Local config/, /Command: uvx/, /Args: example-weather-mcp==2\.3\.0/]],
      ['bearer-docs', [/Scope: Project config/, /Type: http/, /URL: https:\/\/mcp\.docs\.example\.com\/mcp/]],
    ];
    for (const [name, patterns] of expectations) {
      const got = await client('claude', ['mcp', 'get', name]);
      expect(got.code, `${name}: ${got.stderr}`).toBe(0);
      for (const pattern of patterns) expect(got.stdout, name).toMatch(pattern);
    }

    // The command the install answer gives, run as a user would, with the secret in their environment.
    const answer = await api<{ install: { config: { command: string } } }>(
      server.url,
      token,
      'POST',
      '/api/v1/items/mcp/alice/github/installs',
      { client: 'claude-code' },
    );
    const home = join(box.root, 'other-home');
    mkdirSync(home);
    const added = await client('/bin/sh', ['-c', answer.install.config.command], {
      HOME: home,
      GITHUB_TOKEN: 'a-secret-the-shell-must-not-expand',
    });
    expect(added.code, added.stderr).toBe(0);
    const stored = readFileSync(join(home, '.claude.json'), 'utf8');
    expect(stored).not.toContain('a-secret-the-shell-must-not-expand');
    expect(JSON.parse(stored).mcpServers.github.env.GITHUB_TOKEN).toBe('${GITHUB_TOKEN}');
  });
});
