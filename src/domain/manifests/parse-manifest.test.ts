import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import { detectManifest } from './detect-manifest.ts';
import { parseManifest } from './parse-manifest.ts';
import { readManifestFixture } from './testing/manifest-fixtures.ts';

const files = (...paths: string[]) => paths.map((path) => ({ path }));

function problemOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems;
  }
  throw new Error('expected a ValidationError');
}

describe('detectManifest', () => {
  it.each([
    ['skill', ['SKILL.md', 'scripts/fill.py', 'references/forms.md']],
    ['mcp', ['server.json', 'README.md']],
    ['tool', ['tool.json']],
    ['skill', ['./SKILL.md']],
  ] as const)('says %s for %j', (kind, paths) => {
    expect(detectManifest(files(...paths))).toBe(kind);
  });

  it('ignores manifests in subfolders', () => {
    expect(detectManifest(files('SKILL.md', 'assets/server.json', 'examples/tool.json'))).toBe('skill');
  });

  it('refuses a folder without a manifest', () => {
    expect(problemOf(() => detectManifest(files('README.md', 'docs/SKILL.md')))).toEqual([
      { path: '.', message: 'no manifest at the top of the folder: expected one of SKILL.md, server.json, tool.json' },
    ]);
  });

  it('refuses an empty folder', () => {
    expect(problemOf(() => detectManifest([]))[0]?.path).toBe('.');
  });

  it('names a manifest with the wrong case', () => {
    expect(problemOf(() => detectManifest(files('skill.md')))).toEqual([
      { path: 'skill.md', message: expect.stringMatching(/case-sensitive/) },
    ]);
  });

  it('refuses a folder with several manifests', () => {
    expect(problemOf(() => detectManifest(files('SKILL.md', 'server.json', 'tool.json')))).toEqual([
      { path: 'SKILL.md, server.json, tool.json', message: expect.stringMatching(/exactly one manifest/) },
    ]);
  });
});

describe('parseManifest', () => {
  it('parses a skill', () => {
    const parsed = parseManifest('skill', readManifestFixture('pdfSkill'), 'pdf-tools');
    expect(parsed.kind).toBe('skill');
    expect(parsed.body).toContain('# PDF tools');
  });

  it('parses an MCP server without tying its name to the folder', () => {
    const parsed = parseManifest('mcp', readManifestFixture('githubServer'), 'github');
    expect(parsed).toMatchObject({ kind: 'mcp', name: 'io.github.acme/github', version: '0.9.1' });
  });

  it('reads server.json leniently by default and strictly when asked, with the schema version it declares', () => {
    const server = new TextEncoder().encode(
      JSON.stringify({
        $schema: 'https://static.modelcontextprotocol.io/schemas/2025-10-17/server.schema.json',
        name: 'io.github.acme/plain',
        description: 'A server served over plain http.',
        version: '1.0.0',
        remotes: [{ type: 'sse', url: 'http://mcp.acme.example.com/sse' }],
      }),
    );
    const lenient = parseManifest('mcp', server);
    expect(lenient.schemaVersion).toBe('2025-10-17');
    expect(lenient.warnings.map((warning) => warning.path)).toEqual([
      'server.json#/$schema',
      'server.json#/remotes/0/url',
    ]);
    expect(parseManifest('mcp', server, undefined, { serverJson: { strict: false } }).warnings).toHaveLength(2);
    expect(problemOf(() => parseManifest('mcp', server, undefined, { serverJson: { strict: true } }))).toEqual([
      { path: 'server.json#/remotes/0/url', message: expect.stringMatching(/https/) },
    ]);
  });

  it('ignores server.json options for skills and tools', () => {
    const strict = { serverJson: { strict: true } };
    expect(parseManifest('skill', readManifestFixture('pdfSkill'), 'pdf-tools', strict).name).toBe('pdf-tools');
    expect(parseManifest('tool', readManifestFixture('httpTool'), 'get-weather', strict).name).toBeDefined();
  });

  it('parses a tool', () => {
    expect(parseManifest('tool', readManifestFixture('httpTool'), 'get-weather')).toMatchObject({
      kind: 'tool',
      name: 'get-weather',
    });
  });

  it('passes the folder name to the skill and tool rules', () => {
    expect(problemOf(() => parseManifest('tool', readManifestFixture('httpTool'), 'other'))).toEqual([
      { path: 'tool.json#/name', message: 'must match the folder name "other" (the name in lowercase, "_" as "-")' },
    ]);
    expect(problemOf(() => parseManifest('skill', readManifestFixture('claudeCodeSkill'), 'other'))).toEqual([
      { path: 'SKILL.md#/name', message: 'must equal the folder name "other"' },
    ]);
  });

  it('checks only the naming rule when there is no folder yet', () => {
    expect(parseManifest('skill', readManifestFixture('claudeCodeSkill')).name).toBe('release-notes');
    expect(parseManifest('tool', readManifestFixture('httpTool')).name).toBeDefined();
  });

  it('returns manifests that are plain JSON data', () => {
    for (const parsed of [
      parseManifest('skill', readManifestFixture('claudeCodeSkill'), 'release-notes'),
      parseManifest('mcp', readManifestFixture('filesystemServer'), 'filesystem'),
      parseManifest('tool', readManifestFixture('mcpTool'), 'search-issues'),
    ]) {
      expect(JSON.parse(JSON.stringify(parsed.manifest))).toEqual(parsed.manifest);
    }
  });
});
