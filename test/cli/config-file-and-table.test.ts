// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${input:...} references are what VS Code reads
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../src/domain/errors.ts';
import { addMcpServer, removeMcpServer } from '../../src/entrypoints/cli/local/mcp-config-file.ts';
import { displayWidth, jsonForTerminal, renderTable, stripControl } from '../../src/entrypoints/cli/terminal.ts';
import { mcpConfigPath, resolveClientPath } from '../../src/lib/install/client-locations.ts';

describe('client config files', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'atlas-config-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  const entry = { type: 'stdio', command: 'npx', args: ['-y', 'demo@1.0.0'] };

  it('keeps the indentation, line ends and mode of the file it merges into', async () => {
    const file = join(folder, 'mcp.json');
    writeFileSync(file, '{\r\n\t"theme": "dark"\r\n}\r\n', { mode: 0o640 });
    const change = await addMcpServer(file, { containerKey: 'mcpServers', serverKey: 'demo', entry });
    expect(change).toMatchObject({ action: 'added', created: false });
    const text = readFileSync(file, 'utf8');
    expect(text).toBe(
      '{\r\n\t"theme": "dark",\r\n\t"mcpServers": {\r\n\t\t"demo": {\r\n\t\t\t"type": "stdio",\r\n\t\t\t"command": "npx",\r\n\t\t\t"args": [\r\n\t\t\t\t"-y",\r\n\t\t\t\t"demo@1.0.0"\r\n\t\t\t]\r\n\t\t}\r\n\t}\r\n}\r\n',
    );
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readFileSync(change.backup!, 'utf8')).toBe('{\r\n\t"theme": "dark"\r\n}\r\n');
  });

  it('creates the file and its folders, changes nothing for the same entry, and refuses another without force', async () => {
    const file = join(folder, 'a', 'b', 'mcp.json');
    expect(await addMcpServer(file, { containerKey: 'mcpServers', serverKey: 'demo', entry })).toMatchObject({
      action: 'added',
      created: true,
      backup: null,
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const same = await addMcpServer(file, { containerKey: 'mcpServers', serverKey: 'demo', entry: { ...entry } });
    expect(same.action).toBe('unchanged');
    const other = { ...entry, args: ['-y', 'demo@2.0.0'] };
    await expect(addMcpServer(file, { containerKey: 'mcpServers', serverKey: 'demo', entry: other })).rejects.toThrow(
      ConflictError,
    );
    const forced = await addMcpServer(
      file,
      { containerKey: 'mcpServers', serverKey: 'demo', entry: other },
      { force: true },
    );
    expect(forced.action).toBe('replaced');
    expect(readdirSync(join(folder, 'a', 'b')).filter((name) => name.endsWith('.bak'))).toHaveLength(1);
  });

  it.each([
    ['[1, 2]', /is not a JSON object/],
    ['{"mcpServers": []}', /"mcpServers" is not a JSON object/],
    ['{"mcpServers": {', /is not valid JSON \(line 1, column 17\)/],
  ])('refuses %j and leaves it as it was', async (text, message) => {
    const file = join(folder, 'mcp.json');
    writeFileSync(file, text);
    const attempt = addMcpServer(file, { containerKey: 'mcpServers', serverKey: 'demo', entry });
    await expect(attempt).rejects.toThrow(ValidationError);
    await expect(attempt).rejects.toThrow(message);
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(readdirSync(folder)).toEqual(['mcp.json']);
  });

  it('adds VS Code inputs once and removes those no remaining server uses', async () => {
    const file = join(folder, 'mcp.json');
    const input = (id: string) => ({ type: 'promptString', id, description: id, password: true });
    const server = (id: string) => ({ type: 'stdio', command: 'x', env: { TOKEN: `\${input:${id}}` } });
    await addMcpServer(file, {
      containerKey: 'servers',
      serverKey: 'a',
      entry: server('shared'),
      inputs: [input('shared')],
    });
    await addMcpServer(file, {
      containerKey: 'servers',
      serverKey: 'b',
      entry: server('shared'),
      inputs: [input('shared')],
    });
    await addMcpServer(file, { containerKey: 'servers', serverKey: 'c', entry: server('own'), inputs: [input('own')] });
    const ids = () => (JSON.parse(readFileSync(file, 'utf8')).inputs as { id: string }[]).map((item) => item.id);
    expect(ids()).toEqual(['shared', 'own']);
    await removeMcpServer(file, { containerKey: 'servers', serverKey: 'c' });
    expect(ids()).toEqual(['shared']);
    await removeMcpServer(file, { containerKey: 'servers', serverKey: 'a' });
    expect(ids()).toEqual(['shared']);
    expect(await removeMcpServer(file, { containerKey: 'servers', serverKey: 'a' })).toMatchObject({
      action: 'absent',
    });
  });

  it("places Claude Desktop's and VS Code's per-user files by platform, and resolves ~ and project paths", () => {
    const context = (platform: NodeJS.Platform, env: Record<string, string> = {}) => ({
      home: '/home/ann',
      cwd: '/work/app',
      platform,
      env,
    });
    expect(mcpConfigPath('claude-desktop', 'user', context('linux'))).toBe(
      '/home/ann/.config/Claude/claude_desktop_config.json',
    );
    expect(mcpConfigPath('claude-desktop', 'user', context('linux', { XDG_CONFIG_HOME: '/xdg' }))).toBe(
      '/xdg/Claude/claude_desktop_config.json',
    );
    expect(mcpConfigPath('claude-desktop', 'user', context('darwin'))).toBe(
      '/home/ann/Library/Application Support/Claude/claude_desktop_config.json',
    );
    expect(mcpConfigPath('vscode', 'user', context('darwin'))).toBe(
      '/home/ann/Library/Application Support/Code/User/mcp.json',
    );
    expect(mcpConfigPath('vscode', 'project', context('linux'))).toBe('/work/app/.vscode/mcp.json');
    expect(mcpConfigPath('claude-desktop', 'project', context('linux'))).toBeUndefined();
    expect(resolveClientPath('~/.claude.json', context('linux'))).toBe('/home/ann/.claude.json');
  });
});

describe('tables', () => {
  const columns = [
    { header: 'REF', keep: true },
    { header: 'INSTALLS', align: 'right' as const },
    { header: 'DESCRIPTION', flex: true, min: 10 },
  ];

  it('cut the flexible column with an ellipsis to fit the width, never the reference', () => {
    const lines = renderTable(
      columns,
      [['skill/platform/pdf-tools', '12', 'Extract text and tables from PDF files']],
      50,
    );
    expect(lines).toEqual([
      'REF                       INSTALLS  DESCRIPTION',
      'skill/platform/pdf-tools        12  Extract text…',
    ]);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(50);
  });

  it('count wide characters twice and leave a table that fits alone', () => {
    expect(displayWidth('日本語 ✓')).toBe(8);
    expect(renderTable(columns, [['a', '1', 'short']])).toEqual(['REF  INSTALLS  DESCRIPTION', 'a           1  short']);
  });

  it('strips escape sequences, control characters and bidirectional overrides, keeping tabs, line ends and text', () => {
    const title = '\x1b]0;PWNED\x07';
    const link = '\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\';
    expect(stripControl(`a${title}b\x1b[2K\x1b[1Ac\r${link}\t\u202eé\x9b2J\x9d0;t\x07\n`)).toBe('abcclick\té\n');
    expect(stripControl('plain text, ünïcode ✓')).toBe('plain text, ünïcode ✓');
    expect(jsonForTerminal({ d: 'a\x1b[2K\x9b\u202e' })).toBe('{\n  "d": "a\\u001b[2K\\u009b\\u202e"\n}');
    expect(JSON.parse(jsonForTerminal({ d: 'a\x9b\u202e' })).d).toBe('a\x9b\u202e');
  });
});
