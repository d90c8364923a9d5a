// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} placeholders are what the clients read
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  copyFixture,
  readJson,
  registerUser,
  type Sandbox,
  sandbox,
  startTestServer,
} from '../support/cli-harness.ts';

type Json = Record<string, unknown>;

/** The entry shapes each client documents for a local (stdio) server. */
function expectStdioEntry(entry: Json, client: 'claude-code' | 'claude-desktop' | 'cursor' | 'vscode', secret: string) {
  const typed = client === 'claude-code' || client === 'vscode';
  expect(Object.keys(entry).sort()).toEqual(typed ? ['args', 'command', 'env', 'type'] : ['args', 'command', 'env']);
  if (typed) expect(entry.type).toBe('stdio');
  expect(entry.command).toBe('npx');
  expect(entry.args).toEqual(['-y', '@acme/github-mcp@0.9.1']);
  const env = entry.env as Record<string, string>;
  expect(env.GITHUB_HOST).toBe('github.com');
  expect(env.GITHUB_TOKEN).toBe(secret);
}

describe('atlas install and uninstall into each client', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let box: Sandbox;
  let token: string;
  let repo: string;
  let skillCommits: string[];
  const backups = (folder: string, name: string) =>
    readdirSync(folder).filter((file) => file.startsWith(`${name}.`) && file.endsWith('.bak'));

  beforeAll(async () => {
    server = await startTestServer();
    token = await registerUser(server.url, 'alice');
    box = sandbox({ ATLAS_URL: server.url, ATLAS_TOKEN: token });
    repo = copyFixture('skills-repo', box.root);
    const servers = copyFixture('servers', box.root);
    const imported = await box.run(['import', servers, '--json']);
    expect(imported.json().summary).toMatchObject({ published: 3, invalid: 0 });
    const skill = join(repo, 'skills', 'pdf-tools');
    expect((await box.run(['publish', skill])).code).toBe(0);
    writeFileSync(join(skill, 'NOTES.md'), 'Second version.\n');
    expect((await box.run(['publish', skill, '--update'])).code).toBe(0);
    const versions = await api<{ items: { commitSha: string }[] }>(
      server.url,
      token,
      'GET',
      '/api/v1/items/skill/alice/pdf-tools/versions',
    );
    skillCommits = versions.items.map((version) => version.commitSha);
  });
  afterAll(async () => {
    await server?.stop();
    box?.cleanup();
  });

  it('installs a skill into ~/.claude/skills by default, keeping executable bits and binary files, and records it', async () => {
    const run = await box.run(['install', '--yes', 'skill/alice/pdf-tools', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const target = join(box.home, '.claude', 'skills', 'pdf-tools');
    expect(run.json()).toMatchObject({
      ref: 'skill/alice/pdf-tools',
      client: 'claude-code',
      scope: 'user',
      action: 'installed',
      path: target,
      files: 4,
    });
    expect(run.json().usageCount).toBe(1);
    expect(statSync(join(target, 'scripts', 'extract.sh')).mode & 0o111).not.toBe(0);
    expect(statSync(join(target, 'SKILL.md')).mode & 0o111).toBe(0);
    expect(readFileSync(join(target, 'assets', 'icon.png'))).toEqual(
      readFileSync(join(repo, 'skills', 'pdf-tools', 'assets', 'icon.png')),
    );
    expect(readdirSync(join(box.home, '.claude', 'skills'))).toEqual(['pdf-tools']);

    const again = await box.run(['install', '--yes', 'skill/alice/pdf-tools']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already installed/);
  });

  it('keeps a changed skill folder unless --force, and installs an older version by commit prefix', async () => {
    const target = join(box.home, '.claude', 'skills', 'pdf-tools');
    writeFileSync(join(target, 'SKILL.md'), 'edited by hand\n');
    const kept = await box.run(['install', '--yes', 'skill/alice/pdf-tools']);
    expect(kept.code).toBe(1);
    expect(kept.stderr).toMatch(/already holds other files/);
    expect(kept.stderr).toMatch(/--force/);
    expect(readFileSync(join(target, 'SKILL.md'), 'utf8')).toBe('edited by hand\n');

    const older = skillCommits.at(-1)!;
    const forced = await box.run([
      'install',
      '--yes',
      'skill/alice/pdf-tools',
      '--force',
      '--version',
      older.slice(0, 10),
      '--json',
    ]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.json()).toMatchObject({ action: 'replaced', commitSha: older });
    expect(existsSync(join(target, 'NOTES.md'))).toBe(false);
    expect(readFileSync(join(target, 'SKILL.md'), 'utf8')).toContain('name: pdf-tools');
  });

  it("installs a skill into each client's project folder, and as a zip for Claude Desktop", async () => {
    const project = await box.run(['install', '--yes', 'skill/alice/pdf-tools', '--scope', 'project']);
    expect(project.code, project.stderr).toBe(0);
    expect(existsSync(join(box.project, '.claude', 'skills', 'pdf-tools', 'SKILL.md'))).toBe(true);
    const cursor = await box.run([
      'install',
      '--yes',
      'skill/alice/pdf-tools',
      '--client',
      'cursor',
      '--scope',
      'project',
    ]);
    expect(cursor.code, cursor.stderr).toBe(0);
    expect(existsSync(join(box.project, '.cursor', 'skills', 'pdf-tools', 'scripts', 'extract.sh'))).toBe(true);
    const vscode = await box.run([
      'install',
      '--yes',
      'skill/alice/pdf-tools',
      '--client',
      'vscode',
      '--scope',
      'project',
    ]);
    expect(vscode.code, vscode.stderr).toBe(0);
    expect(existsSync(join(box.project, '.github', 'skills', 'pdf-tools', 'SKILL.md'))).toBe(true);
    const desktop = await box.run([
      'install',
      '--yes',
      'skill/alice/pdf-tools',
      '--client',
      'claude-desktop',
      '--json',
    ]);
    expect(desktop.code, desktop.stderr).toBe(0);
    expect(desktop.json()).toMatchObject({
      action: 'downloaded',
      path: join(box.project, 'pdf-tools.zip'),
      scope: null,
    });
    expect(readFileSync(join(box.project, 'pdf-tools.zip')).subarray(0, 2).toString()).toBe('PK');

    const noLocalScope = await box.run(['install', '--yes', 'skill/alice/pdf-tools', '--scope', 'local']);
    expect(noLocalScope.code).toBe(2);
    expect(noLocalScope.stderr).toMatch(/Claude Code has no local-level skills folder/);
  });

  it("merges an MCP server into Claude Code's ~/.claude.json, keeping everything else and a backup", async () => {
    const file = join(box.home, '.claude.json');
    const original = `${JSON.stringify({ numStartups: 7, projects: { '/work': { allowedTools: [] } }, mcpServers: { other: { type: 'stdio', command: 'other-mcp', args: [] } } }, null, 2)}\n`;
    writeFileSync(file, original, { mode: 0o600 });
    const run = await box.run(['install', '--yes', 'mcp/alice/github', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = run.json();
    expect(result).toMatchObject({
      client: 'claude-code',
      scope: 'user',
      action: 'added',
      path: file,
      created: false,
      secrets: ['GITHUB_TOKEN'],
    });
    const config = readJson(file);
    expect(config.numStartups).toBe(7);
    expect(config.projects).toEqual({ '/work': { allowedTools: [] } });
    const servers = config.mcpServers as Record<string, Json>;
    expect(servers.other).toEqual({ type: 'stdio', command: 'other-mcp', args: [] });
    expectStdioEntry(servers.github!, 'claude-code', '${GITHUB_TOKEN}');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(result.backup, 'utf8')).toBe(original);

    const human = await box.run(['install', '--yes', 'mcp/alice/github']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/already in ~\/\.claude\.json/);
    expect(human.stdout).toContain('GITHUB_TOKEN');
  });

  it("writes a project .mcp.json for Claude Code, Claude Desktop's file, and Cursor's files in their formats", async () => {
    const project = await box.run(['install', '--yes', 'mcp/alice/github', '--scope', 'project']);
    expect(project.code, project.stderr).toBe(0);
    expectStdioEntry(
      (readJson(join(box.project, '.mcp.json')).mcpServers as Record<string, Json>).github!,
      'claude-code',
      '${GITHUB_TOKEN}',
    );

    const desktop = await box.run(['install', '--yes', 'mcp/alice/github', '--client', 'claude-desktop', '--json']);
    expect(desktop.code, desktop.stderr).toBe(0);
    const desktopFile = join(box.xdg, 'Claude', 'claude_desktop_config.json');
    expect(desktop.json()).toMatchObject({ path: desktopFile, created: true, backup: null });
    expectStdioEntry(
      (readJson(desktopFile).mcpServers as Record<string, Json>).github!,
      'claude-desktop',
      '<set GITHUB_TOKEN>',
    );

    const cursor = await box.run(['install', '--yes', 'mcp/alice/github', '--client', 'cursor']);
    expect(cursor.code, cursor.stderr).toBe(0);
    expectStdioEntry(
      (readJson(join(box.home, '.cursor', 'mcp.json')).mcpServers as Record<string, Json>).github!,
      'cursor',
      '${env:GITHUB_TOKEN}',
    );

    const remote = await box.run([
      'install',
      '--yes',
      'mcp/alice/remote-docs',
      '--client',
      'cursor',
      '--scope',
      'project',
    ]);
    expect(remote.code, remote.stderr).toBe(0);
    const entry = (readJson(join(box.project, '.cursor', 'mcp.json')).mcpServers as Record<string, Json>)[
      'remote-docs'
    ];
    expect(entry).toEqual({
      url: 'https://mcp.docs.example.com/mcp',
      headers: { Authorization: '${env:REMOTE_DOCS_AUTHORIZATION}' },
    });
  });

  it('writes .vscode/mcp.json with servers and password inputs, and removes them again on uninstall', async () => {
    const run = await box.run(['install', '--yes', 'mcp/alice/github', '--client', 'vscode', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({ scope: 'project', containerKey: 'servers' });
    const file = join(box.project, '.vscode', 'mcp.json');
    const config = readJson(file);
    expectStdioEntry((config.servers as Record<string, Json>).github!, 'vscode', '${input:github-token}');
    expect(config.inputs).toEqual([
      {
        type: 'promptString',
        id: 'github-token',
        description: 'A personal access token with repo scope',
        password: true,
      },
    ]);
    expect(config.mcpServers).toBeUndefined();

    const weather = await box.run(['install', '--yes', 'mcp/alice/weather', '--client', 'vscode']);
    expect(weather.code, weather.stderr).toBe(0);
    const gone = await box.run(['uninstall', 'mcp/alice/github', '--client', 'vscode', '--json']);
    expect(gone.code, gone.stderr).toBe(0);
    expect(gone.json()).toMatchObject({
      action: 'removed',
      path: file,
      backup: expect.stringMatching(/mcp\.json\.\d{8}-\d{6}(-\d+)?\.bak$/),
    });
    const after = readJson(file);
    expect(Object.keys(after.servers as Json)).toEqual(['weather']);
    expect((after.inputs as { id: string }[]).map((input) => input.id)).toEqual(['weather-api-key']);
  });

  it('refuses a client config that is not valid JSON, leaves it byte for byte, and does not record the install', async () => {
    const folder = join(box.project, '.cursor');
    mkdirSync(folder, { recursive: true });
    const file = join(folder, 'mcp.json');
    const broken = '{\n  "mcpServers": {\n    "mine": { "command": "x", }\n';
    writeFileSync(file, broken);
    const before = await api<{ item: { usageCount: number } }>(
      server.url,
      token,
      'GET',
      '/api/v1/items/mcp/alice/weather',
    );
    const run = await box.run(['install', '--yes', 'mcp/alice/weather', '--client', 'cursor', '--scope', 'project']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${file} is not valid JSON`);
    expect(run.stderr).toContain('left it untouched');
    expect(readFileSync(file, 'utf8')).toBe(broken);
    expect(backups(folder, 'mcp.json')).toEqual([]);
    const after = await api<{ item: { usageCount: number } }>(
      server.url,
      token,
      'GET',
      '/api/v1/items/mcp/alice/weather',
    );
    expect(after.item.usageCount).toBe(before.item.usageCount);

    const uninstall = await box.run(['uninstall', 'mcp/alice/weather', '--client', 'cursor', '--scope', 'project']);
    expect(uninstall.code).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe(broken);
  });

  it('refuses an unknown client with the list of clients, and exit code 2', async () => {
    const run = await box.run(['install', '--yes', 'mcp/alice/github', '--client', 'emacs']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '--client must be one of claude-code, claude-desktop, cursor, vscode, codex, gemini, windsurf, agents (got "emacs")',
    );
  });

  it('uninstalls: the config entry goes (with a backup, others kept) and the skill folder goes', async () => {
    const file = join(box.home, '.claude.json');
    const run = await box.run(['uninstall', 'mcp/alice/github']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Removed mcp\/alice\/github from ~\/\.claude\.json/);
    const config = readJson(file);
    expect(Object.keys(config.mcpServers as Json)).toEqual(['other']);
    expect(config.numStartups).toBe(7);
    expect(backups(box.home, '.claude.json').length).toBeGreaterThanOrEqual(2);

    const skill = await box.run(['uninstall', 'skill/alice/pdf-tools', '--json']);
    expect(skill.json()).toMatchObject({ action: 'removed', path: join(box.home, '.claude', 'skills', 'pdf-tools') });
    expect(readdirSync(join(box.home, '.claude', 'skills'))).toEqual([]);
    const again = await box.run(['uninstall', 'skill/alice/pdf-tools']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/not installed/);
  });

  it('counts the installs on the server, once a day for one person', async () => {
    const show = await box.run(['show', 'mcp/alice/github', '--json']);
    expect(show.json().item.usageCount).toBe(1);
  });
});
