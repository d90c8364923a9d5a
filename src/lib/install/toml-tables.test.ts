import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { removeTomlTable, setTomlTable, tomlHeaders } from './toml-tables.ts';

/** A Codex config.toml with the things an edit must not disturb: comments, arrays over lines, strings like headers. */
const CONFIG = `# Codex settings
model = "o3"  # the model

[mcp_servers.other]
command = "other-mcp"
args = [
  "--flag", # a comment inside an array
  ["nested"],
  "[not.a.header]",
]

# GitHub, installed by hand
[mcp_servers.github]
command = "old"

[mcp_servers.github.env]
A = "b"

# features follow
[features]
web_search_request = true
notes = """
[mcp_servers.fake]
"""
literal = '''
[mcp_servers.fake2]
'''
`;

const entry = {
  command: 'npx',
  args: ['-y', '@acme/github-mcp@0.9.1'],
  env: { GITHUB_HOST: 'github.com' },
  env_vars: ['GITHUB_TOKEN'],
};

describe('tomlHeaders', () => {
  it('finds the table headers only, not brackets in arrays, strings or comments', () => {
    expect(tomlHeaders(CONFIG).map((header) => header.path)).toEqual([
      ['mcp_servers', 'other'],
      ['mcp_servers', 'github'],
      ['mcp_servers', 'github', 'env'],
      ['features'],
    ]);
  });

  it('reads quoted keys, spaces around dots and arrays of tables, and ties comment lines to the header below', () => {
    const text = `a = 1\n\n# about it\n# more\n[ mcp_servers . "my.server" ]\nx = 1\n[[ 'plugins' ]]\nname = "p"\n`;
    const headers = tomlHeaders(text);
    expect(headers.map((header) => [header.path, header.array])).toEqual([
      [['mcp_servers', 'my.server'], false],
      [['plugins'], true],
    ]);
    expect(text.slice(headers[0]!.attachedStart, headers[0]!.start)).toBe('# about it\n# more\n');
  });
});

describe('setTomlTable', () => {
  it('replaces a table and its sub-tables in place, keeping every other line and comment', () => {
    const text = setTomlTable(CONFIG, ['mcp_servers', 'github'], entry);
    const data = parse(text);
    expect(data.mcp_servers).toEqual({
      other: { command: 'other-mcp', args: ['--flag', ['nested'], '[not.a.header]'] },
      github: entry,
    });
    expect(data.features).toEqual(parse(CONFIG).features);
    for (const line of [
      '# Codex settings',
      'model = "o3"  # the model',
      '# GitHub, installed by hand',
      '# features follow',
    ]) {
      expect(text).toContain(line);
    }
    expect(text.indexOf('[mcp_servers.github]')).toBeGreaterThan(text.indexOf('# GitHub, installed by hand'));
    expect(text).not.toContain('command = "old"');
  });

  it('adds a new table after the last one of its kind, before the comments of the next', () => {
    const text = setTomlTable(CONFIG, ['mcp_servers', 'docs'], { url: 'https://x/mcp', bearer_token_env_var: 'T' });
    expect(text).toContain(
      'A = "b"\n\n[mcp_servers.docs]\nurl = "https://x/mcp"\nbearer_token_env_var = "T"\n\n# features follow\n[features]',
    );
    expect(Object.keys(parse(text).mcp_servers as object)).toEqual(['other', 'github', 'docs']);
  });

  it('starts a document, or appends to one without servers, keeping its line ends', () => {
    expect(setTomlTable('', ['mcp_servers', 'x'], { command: 'a' })).toBe('[mcp_servers.x]\ncommand = "a"\n');
    expect(setTomlTable('model = "o3"', ['mcp_servers', 'x'], { command: 'a' })).toBe(
      'model = "o3"\n\n[mcp_servers.x]\ncommand = "a"\n',
    );
    expect(setTomlTable('model = "o3"\r\n', ['mcp_servers', 'x'], { command: 'a' })).toBe(
      'model = "o3"\r\n\r\n[mcp_servers.x]\r\ncommand = "a"\r\n',
    );
  });

  it('refuses a document with a header it cannot read, so nothing it does not own is touched', () => {
    expect(() => setTomlTable('[a.b c]\n', ['mcp_servers', 'x'], { command: 'a' })).toThrow(/could not be read/);
  });
});

describe('removeTomlTable', () => {
  it('removes the table and its sub-tables only; comments stay, blank lines do not pile up', () => {
    const text = removeTomlTable(CONFIG, ['mcp_servers', 'github']);
    const data = parse(text);
    expect(Object.keys(data.mcp_servers as object)).toEqual(['other']);
    expect(data.features).toEqual(parse(CONFIG).features);
    expect(text).toContain('# GitHub, installed by hand\n\n# features follow\n[features]');
    expect(text).not.toMatch(/\n\n\n/);
  });

  it('gives back the document a table was appended to, byte for byte', () => {
    const original = '# settings\nmodel = "o3"\n\n[mcp_servers.other]\ncommand = "x" # mine\n';
    const added = setTomlTable(original, ['mcp_servers', 'github'], entry);
    expect(removeTomlTable(added, ['mcp_servers', 'github'])).toBe(original);
    expect(removeTomlTable(setTomlTable('', ['mcp_servers', 'github'], entry), ['mcp_servers', 'github'])).toBe('');
  });

  it('leaves a document without the table as it was', () => {
    expect(removeTomlTable(CONFIG, ['mcp_servers', 'missing'])).toBe(CONFIG);
  });
});
