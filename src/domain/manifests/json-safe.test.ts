import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import {
  checkStorable,
  MAX_STORABLE_DEPTH,
  requireStorableText,
  storableText,
  storableTextProblem,
} from './json-safe.ts';
import { ManifestReport } from './manifest-report.ts';
import { parseServerJson } from './server-json.ts';
import { parseSkillMd } from './skill-md.ts';
import { parseToolJson } from './tool-json.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

function problemsOf(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('text PostgreSQL can store', () => {
  it('refuses a NUL and lone surrogates, and accepts pairs and other text', () => {
    expect(storableTextProblem('a\0b')).toMatch(/NUL/);
    expect(storableTextProblem('\ud800')).toMatch(/lone surrogate/);
    expect(storableTextProblem('x\udc00')).toMatch(/lone surrogate/);
    expect(storableTextProblem('\ud83d\ude00 caf\u00e9 \t\n')).toBeUndefined();
    expect(() => requireStorableText('a\0', 'name')).toThrow(ValidationError);
  });

  it('finds every bad string and key in a tree, each under its JSON pointer, the key made storable', () => {
    const report = new ManifestReport('x.json');
    const ok = checkStorable({ a: ['fine', 'b\0'], 'k\0/': { c: '\ud800' } }, '', report);
    expect(ok).toBe(false);
    expect(report.problems.map((p) => p.path)).toEqual(['x.json#/a/1', 'x.json#/k\ufffd~1', 'x.json#/k\ufffd~1/c']);
  });

  it('refuses a tree nested deeper than the database parses, without overflowing the stack itself', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const report = new ManifestReport('x.json');
    expect(checkStorable(deep, '', report)).toBe(false);
    expect(report.problems).toEqual([
      { path: `x.json#${'/0'.repeat(MAX_STORABLE_DEPTH)}`, message: expect.stringContaining('nested too deeply') },
    ]);
    let fine: unknown = 'x';
    for (let i = 0; i < MAX_STORABLE_DEPTH; i++) fine = { a: fine };
    expect(checkStorable(fine, '', new ManifestReport('x.json'))).toBe(true);
  });

  it('makes any text storable: NUL, lone surrogates and control characters replaced, length capped', () => {
    expect(storableText('a\0b\ud800c\u0007d\te\nf')).toBe('a\ufffdb\ufffdc\ufffdd\te\nf');
    expect(storableText('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`);
    // Never cut between the two halves of a pair.
    const cut = storableText(`${'x'.repeat(8)}\ud83d\ude00yyyy`, 10);
    expect(storableTextProblem(cut)).toBeUndefined();
  });
});

describe('manifests refuse text PostgreSQL cannot store', () => {
  it('names the SKILL.md field, key or body line holding a NUL or a lone surrogate', () => {
    const skill = [
      '---',
      'name: pdf-tools',
      'description: "Extract\\0 text"',
      'license: "MIT\\ud800"',
      'metadata:',
      '  "ver\\0": "1"',
      '---',
      '# PDF',
      'a\0b',
    ].join('\n');
    expect(problemsOf(() => parseSkillMd(bytes(skill), 'pdf-tools'))).toEqual([
      { path: 'SKILL.md#/description', message: 'must not contain a NUL character (U+0000)' },
      { path: 'SKILL.md#/license', message: expect.stringContaining('lone surrogate') },
      { path: 'SKILL.md#/metadata/ver\ufffd', message: 'the key must not contain a NUL character (U+0000)' },
      { path: 'SKILL.md:9', message: 'must not contain a NUL character (U+0000)' },
    ]);
  });

  it('names the server.json and tool.json pointers holding \\u0000 or a lone \\ud800', () => {
    const server = `{"name":"io.github.acme/vault","description":"Vault\\u0000","version":"1.0.0",
      "remotes":[{"type":"streamable-http","url":"https://vault.example.com/mcp"}],"_meta":{"a":["\\ud800"]}}`;
    expect(problemsOf(() => parseServerJson(bytes(server)))).toEqual([
      { path: 'server.json#/description', message: expect.stringContaining('NUL') },
      { path: 'server.json#/_meta/a/0', message: expect.stringContaining('lone surrogate') },
    ]);
    const tool = `{"name":"get_weather","description":"Weather.","input_schema":{"type":"object",
      "properties":{"ci\\u0000ty":{"type":"string"}}}}`;
    expect(problemsOf(() => parseToolJson(bytes(tool), 'get-weather'))).toContainEqual({
      path: 'tool.json#/input_schema/properties/ci\ufffdty',
      message: expect.stringContaining('NUL'),
    });
  });

  it('refuses a server.json whose _meta nests deeper than MAX_STORABLE_DEPTH levels', () => {
    const meta = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const server = `{"name":"io.github.acme/vault","description":"Vault","version":"1.0.0","_meta":{"deep":${meta}}}`;
    expect(problemsOf(() => parseServerJson(bytes(server)))).toEqual([
      {
        path: expect.stringMatching(/^server\.json#\/_meta\/deep(\/0)+$/),
        message: expect.stringContaining('nested too deeply'),
      },
    ]);
  });
});
