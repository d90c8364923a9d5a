import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTENT_LIMITS } from '../content/content-limits.ts';
import type { ItemFile } from '../content/content-store.ts';
import { TooLargeError, ValidationError } from '../errors.ts';
import { mcpItemName, prepareBundle } from './prepare-bundle.ts';

const file = (path: string, text: string, executable = false): ItemFile => ({
  path,
  content: new TextEncoder().encode(text),
  executable,
});
const skill = (name: string, description = 'Does a thing.') =>
  file('SKILL.md', `---\nname: ${name}\ndescription: ${description}\n---\n# ${name}\n`);

function refusal(run: () => unknown): ValidationError | TooLargeError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError || error instanceof TooLargeError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('prepareBundle', () => {
  it('names the kind and the item from the manifest, sorts the files and computes the tree SHA', () => {
    const bundle = prepareBundle([file('scripts/run.sh', 'echo', true), skill('pdf-tools')], DEFAULT_CONTENT_LIMITS);
    expect(bundle).toMatchObject({ kind: 'skill', name: 'pdf-tools', warnings: [] });
    expect(bundle.files.map((f) => f.path)).toEqual(['SKILL.md', 'scripts/run.sh']);
    const again = prepareBundle([skill('pdf-tools'), file('scripts/run.sh', 'echo', true)], DEFAULT_CONTENT_LIMITS);
    expect(again.treeSha).toBe(bundle.treeSha);
    expect(
      prepareBundle([skill('pdf-tools'), file('scripts/run.sh', 'echo')], DEFAULT_CONTENT_LIMITS).treeSha,
    ).not.toBe(bundle.treeSha);
  });

  it('reports file problems and manifest problems in one answer, with item-relative paths', () => {
    const error = refusal(() =>
      prepareBundle([file('SKILL.md', '---\nname: x1\n---\n'), file('../escape.sh', 'x')], DEFAULT_CONTENT_LIMITS),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.problems.map((p) => p.path)).toEqual(['../escape.sh', 'SKILL.md#/description']);
  });

  it('refuses a bundle over the limits with TooLargeError naming the file or "the item", changing no path', () => {
    const limits = { ...DEFAULT_CONTENT_LIMITS, maxFileBytes: 10, maxItemBytes: 100, maxFiles: 3 };
    const big = refusal(() =>
      prepareBundle([skill('a1'), file('data.bin', 'x'.repeat(200))], { ...limits, maxFileBytes: 1000 }),
    );
    expect(big).toBeInstanceOf(TooLargeError);
    expect(big.problems).toEqual([{ path: 'the item', message: expect.stringMatching(/the limit is .* an item$/) }]);
    const many = refusal(() =>
      prepareBundle([skill('a1'), file('a', ''), file('b', ''), file('c', '')], { ...limits, maxFileBytes: 1000 }),
    );
    expect(many.problems).toEqual([{ path: 'the item', message: 'writes 4 files; the limit is 3 an item' }]);
  });

  it('refuses a manifest over the file limit unread, as too large', () => {
    const huge = skill('a1', `${'word '.repeat(100)}`);
    const error = refusal(() => prepareBundle([huge], { ...DEFAULT_CONTENT_LIMITS, maxFileBytes: 64 }));
    expect(error).toBeInstanceOf(TooLargeError);
    expect(error.problems.map((p) => p.path)).toEqual(['SKILL.md']);
  });

  it('keeps the kind and the name of an existing item', () => {
    const wrongKind = refusal(() =>
      prepareBundle([file('tool.json', '{}')], DEFAULT_CONTENT_LIMITS, { existing: { kind: 'skill', name: 'a1' } }),
    );
    expect(wrongKind.problems).toEqual([
      { path: 'tool.json', message: 'this item is a skill; its manifest is SKILL.md' },
    ]);
    const renamed = refusal(() =>
      prepareBundle([skill('other')], DEFAULT_CONTENT_LIMITS, { existing: { kind: 'skill', name: 'a1' } }),
    );
    expect(renamed).toBeInstanceOf(ValidationError);
  });

  it('makes an MCP server catalog name from its reverse-DNS name, or takes the one asked for', () => {
    expect(mcpItemName('io.github.acme/GitHub_MCP')).toBe('github-mcp');
    const server = file(
      'server.json',
      JSON.stringify({
        $schema: 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json',
        name: 'io.github.acme/weather',
        description: 'Weather forecasts.',
        version: '1.0.0',
        remotes: [{ type: 'streamable-http', url: 'https://weather.example.com/mcp' }],
      }),
    );
    expect(prepareBundle([server], DEFAULT_CONTENT_LIMITS).name).toBe('weather');
    expect(prepareBundle([server], DEFAULT_CONTENT_LIMITS, { requestedName: 'forecasts' }).name).toBe('forecasts');
    expect(
      refusal(() => prepareBundle([server], DEFAULT_CONTENT_LIMITS, { requestedName: 'Bad Name' })).problems[0]?.path,
    ).toBe('name');
  });
});
