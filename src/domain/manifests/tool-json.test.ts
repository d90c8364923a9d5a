import { describe, expect, it } from 'vitest';
import { type Problem, ValidationError } from '../errors.ts';
import { fixtureFolderName, type ManifestFixture, readManifestFixture } from './testing/manifest-fixtures.ts';
import { parseToolJson } from './tool-json.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);
const json = (value: unknown) => utf8(JSON.stringify(value));
const schema = { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] };
const base = { name: 'demo', description: 'Does a demo thing.', input_schema: schema };

function problems(value: unknown, folder = 'demo'): Problem[] {
  try {
    parseToolJson(value instanceof Uint8Array ? value : json(value), folder);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return [...(error as ValidationError).problems];
  }
  throw new Error('expected a ValidationError');
}

const paths = (list: readonly { path: string }[]) => list.map((item) => item.path);
const warningPaths = (value: unknown) => paths(parseToolJson(json(value), 'demo').warnings);

describe('parseToolJson', () => {
  it.each<ManifestFixture>(['httpTool', 'mcpTool', 'commandTool'])(
    'parses the %s fixture without warnings',
    (fixture) => {
      const parsed = parseToolJson(readManifestFixture(fixture), fixtureFolderName(fixture));
      expect(parsed.kind).toBe('tool');
      expect(parsed.name).toBe(fixtureFolderName(fixture));
      expect(parsed.warnings).toEqual([]);
    },
  );

  it('returns the version, description and manifest', () => {
    const parsed = parseToolJson(readManifestFixture('httpTool'), 'get-weather');
    expect(parsed.version).toBe('1.1.0');
    expect(parsed.description).toMatch(/^Get the current weather/);
    expect(parsed.manifest.implementation).toEqual({
      type: 'http',
      url: 'https://tools.acme.example.com/weather',
      method: 'POST',
    });
  });

  it('has no version when none is given', () => {
    expect(parseToolJson(json(base), 'demo').version).toBeUndefined();
  });

  it('reports JSON syntax errors with line and column', () => {
    expect(paths(problems(utf8('{\n  "name": "demo",,\n}')))).toEqual(['tool.json:2:18']);
  });

  it('refuses a document that is not an object', () => {
    expect(problems(utf8('[]'))).toEqual([{ path: 'tool.json', message: 'must hold a JSON object at the top level' }]);
  });

  describe('name and description', () => {
    it('requires name, description and input_schema', () => {
      expect(problems({})).toEqual([
        { path: 'tool.json#/name', message: 'is required' },
        { path: 'tool.json#/description', message: 'is required' },
        { path: 'tool.json#/input_schema', message: 'is required' },
      ]);
    });

    it.each(['Demo', 'demo_tool', '-demo', 'de--mo'])('refuses the name %s', (name) => {
      expect(paths(problems({ ...base, name }, name))).toEqual(['tool.json#/name']);
    });

    it('refuses a name that differs from the folder', () => {
      expect(problems(base, 'other')).toEqual([
        { path: 'tool.json#/name', message: 'must match the folder name "other" (the name in lowercase, "_" as "-")' },
      ]);
    });

    it('accepts LLM-style tool names, foldered in lowercase with hyphens', () => {
      expect(parseToolJson(json({ ...base, name: 'Get_Weather' }), 'get-weather').name).toBe('Get_Weather');
      expect(problems({ ...base, name: 'get weather' }, 'get-weather')[0]?.path).toBe('tool.json#/name');
      expect(problems({ ...base, name: 'get__weather' }, 'get--weather')[0]?.path).toBe('tool.json#/name');
    });

    it('refuses an empty description', () => {
      expect(problems({ ...base, description: ' ' })).toEqual([
        { path: 'tool.json#/description', message: 'must not be empty' },
      ]);
    });

    it('warns over 1024 characters and refuses over 4096', () => {
      expect(warningPaths({ ...base, description: 'd'.repeat(1024) })).toEqual([]);
      expect(warningPaths({ ...base, description: 'd'.repeat(1025) })).toEqual(['tool.json#/description']);
      expect(problems({ ...base, description: 'd'.repeat(4097) })).toEqual([
        { path: 'tool.json#/description', message: 'must be at most 4096 characters (it has 4097)' },
      ]);
    });

    it.each(['^1.0.0', 'latest', '1.x'])('refuses the version %s', (version) => {
      expect(paths(problems({ ...base, version }))).toEqual(['tool.json#/version']);
    });

    it('keeps an unknown field with a warning', () => {
      expect(warningPaths({ ...base, cache_control: { type: 'ephemeral' } })).toEqual(['tool.json#/cache_control']);
    });
  });

  describe('input_schema', () => {
    it('points at inputSchema or parameters when input_schema is missing', () => {
      const { input_schema: _, ...rest } = base;
      expect(problems({ ...rest, inputSchema: schema })).toEqual([
        { path: 'tool.json#/input_schema', message: 'is required (found "inputSchema"; rename it to "input_schema")' },
      ]);
      expect(problems({ ...rest, parameters: schema })[0]?.message).toMatch(/found "parameters"/);
    });

    it('refuses a schema that is not an object', () => {
      expect(problems({ ...base, input_schema: [] })).toEqual([
        { path: 'tool.json#/input_schema', message: 'must be an object' },
      ]);
    });

    it.each([
      ['missing', {}],
      ['a string', { type: 'string' }],
      ['a list', { type: ['object', 'null'] }],
    ])('refuses a schema whose type is %s', (_, value) => {
      expect(paths(problems({ ...base, input_schema: value }))).toEqual(['tool.json#/input_schema/type']);
    });

    it('accepts an object schema with no properties', () => {
      expect(warningPaths({ ...base, input_schema: { type: 'object' } })).toEqual([]);
    });

    it('refuses a schema the 2020-12 meta-schema rejects, pointing inside it', () => {
      const input_schema = {
        type: 'object',
        properties: { a: { type: 'strin' }, b: { minLength: -1 } },
        required: 'a',
      };
      expect(problems({ ...base, input_schema })).toEqual([
        {
          path: 'tool.json#/input_schema/properties/a/type',
          message: 'must be one of array, boolean, integer, null, number, object, string (or a list of them)',
        },
        { path: 'tool.json#/input_schema/properties/b/minLength', message: 'must be >= 0 (JSON Schema 2020-12)' },
        { path: 'tool.json#/input_schema/required', message: 'must be array (JSON Schema 2020-12)' },
      ]);
    });

    it('refuses a $ref that does not resolve inside the schema', () => {
      const input_schema = { type: 'object', properties: { a: { $ref: '#/$defs/missing' } } };
      expect(problems({ ...base, input_schema })).toEqual([
        {
          path: 'tool.json#/input_schema/properties/a/$ref',
          message: '"#/$defs/missing" does not resolve inside the schema; tool schemas must be self-contained',
        },
      ]);
    });

    it('refuses a $ref to another document', () => {
      const input_schema = { type: 'object', properties: { a: { $ref: 'https://example.com/a.json' } } };
      expect(paths(problems({ ...base, input_schema }))).toEqual(['tool.json#/input_schema/properties/a/$ref']);
    });

    it('accepts $refs to pointers, anchors and $ids inside the schema', () => {
      const input_schema = {
        $id: 'https://schemas.acme.example.com/demo',
        type: 'object',
        properties: {
          a: { $ref: '#/$defs/name' },
          b: { $ref: '#tag' },
          c: { $ref: 'https://schemas.acme.example.com/part' },
          d: { $ref: 'part#/properties/x' },
          e: { $ref: '#/$defs/a~1b' },
          f: { $ref: '#' },
        },
        $defs: {
          name: { type: 'string' },
          tag: { $anchor: 'tag', type: 'string' },
          part: { $id: 'part', type: 'object', properties: { x: { type: 'number' } } },
          'a/b': { type: 'string' },
        },
      };
      expect(warningPaths({ ...base, input_schema })).toEqual([]);
    });

    it('resolves a relative $id and $ref in a schema without a root $id', () => {
      const input_schema = {
        type: 'object',
        properties: { a: { $ref: 'part.json' }, b: { $ref: 'other.json' } },
        $defs: { part: { $id: 'part.json', type: 'string' } },
      };
      expect(paths(problems({ ...base, input_schema }))).toEqual(['tool.json#/input_schema/properties/b/$ref']);
    });

    it('refuses a pattern that is not a regular expression, pointing at it', () => {
      const input_schema = {
        type: 'object',
        properties: { a: { type: 'string', pattern: '(' } },
        patternProperties: { '[': { type: 'string' }, '^x-': { type: 'string' } },
      };
      expect(paths(problems({ ...base, input_schema }))).toEqual([
        'tool.json#/input_schema/patternProperties/[',
        'tool.json#/input_schema/properties/a/pattern',
      ]);
    });

    it('does not mistake data for keywords: a property named pattern, a default holding $ref', () => {
      const input_schema = {
        type: 'object',
        properties: { pattern: { type: 'string', default: '(' }, $ref: { type: 'object', default: { $ref: '#/x' } } },
      };
      expect(warningPaths({ ...base, input_schema })).toEqual([]);
    });
  });

  describe('input_schema bounds (checked before any validator reads the schema)', () => {
    const wide = (count: number, property: (i: number) => unknown = () => ({ type: 'string' })) => ({
      type: 'object',
      properties: Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, property(i)])),
    });
    const deep = (levels: number) => {
      let node: Record<string, unknown> = { type: 'string' };
      for (let i = 0; i < levels; i += 1) node = { type: 'object', properties: { a: node } };
      return node;
    };

    it('accepts a schema of 1,000 properties', () => {
      expect(parseToolJson(json({ ...base, input_schema: wide(1000) }), 'demo').name).toBe('demo');
    });

    it('refuses 10,000 properties quickly, before parsing, naming where the key limit was crossed', () => {
      const started = performance.now();
      const found = problems({ ...base, input_schema: wide(10_000) });
      // Compiling it took 4 s before the bounds; a busy test machine needs the slack, not the parser.
      expect(performance.now() - started).toBeLessThan(1000);
      // 5 keys to /input_schema/properties, then 2 in each property: the file's 5,121st key is p2557's type.
      expect(found).toEqual([
        {
          path: 'tool.json#/input_schema/properties/p2557/type',
          message: 'brings the file over 5120 keys (an input_schema may have 4096); split the tool',
        },
      ]);
    });

    it('counts keys before parsing without being fooled by strings: quotes, braces and commas inside them', () => {
      const tricky = Object.fromEntries(
        Array.from({ length: 1500 }, (_, i) => [`k"{,[${i}\\`, { type: 'string', description: '}]",:{[' }]),
      );
      const found = problems({ ...base, input_schema: { type: 'object', properties: tricky } });
      // 1,502 + 2 x 1,500 keys: within the file's 5,120, over the schema's 4,096, so the parsed walk names it.
      expect(found).toEqual([
        {
          path: expect.stringMatching(/^tool\.json#\/input_schema\/properties\/k"\{,\[\d+\\$/),
          message: 'brings the schema over 4096 keys (properties and keywords); split the tool',
        },
      ]);
    });

    it('refuses 20,000 properties with patterns quickly, by the size of the file alone', () => {
      const started = performance.now();
      const input_schema = wide(20_000, (i) => ({ type: 'string', pattern: `^(a+)+${i}$` }));
      expect(paths(problems({ ...base, input_schema }))).toEqual(['tool.json']);
      expect(performance.now() - started).toBeLessThan(1000);
    });

    it('refuses a schema over 4,096 keys by their count, without building a pattern', () => {
      // Within the file's bound, so parsed: 2 + 1,400 keys by /input_schema/properties, then 2 in each property.
      const input_schema = wide(1400, () => ({ type: 'string', pattern: '(' }));
      expect(problems({ ...base, input_schema })).toEqual([
        {
          path: 'tool.json#/input_schema/properties/p1347',
          message: 'brings the schema over 4096 keys (properties and keywords); split the tool',
        },
      ]);
    });

    it('refuses deep nesting with a ValidationError, not a crash, and names the first level too deep', () => {
      // 15 levels of properties/a are 31 levels of JSON: accepted; 16 are 33: refused.
      expect(parseToolJson(json({ ...base, input_schema: deep(15) }), 'demo').name).toBe('demo');
      const found = problems({ ...base, input_schema: deep(16) });
      expect(found).toEqual([
        {
          path: `tool.json#/input_schema${'/properties/a'.repeat(16)}`,
          message: 'nests deeper than 32 levels below the top of the file; flatten the schema',
        },
      ]);
      // Too deep for JSON.stringify to write, so written by hand.
      const levels = 5000;
      const text = `{"name":"demo","description":"d","input_schema":${'{"type":"object","properties":{"a":'.repeat(levels)}{}${'}}'.repeat(levels)}}`;
      expect(paths(problems(utf8(text)))).toHaveLength(1);
    });

    it('counts depth through data such as enum and default as well', () => {
      let value: unknown = 1;
      for (let i = 0; i < 40; i += 1) value = [value];
      const found = problems({ ...base, input_schema: { type: 'object', default: value } });
      expect(found[0]?.message).toMatch(/nests deeper than 32 levels/);
    });

    it('refuses a schema over 128 KiB of JSON', () => {
      const input_schema = wide(40, () => ({ type: 'string', description: 'd'.repeat(4000) }));
      expect(problems({ ...base, input_schema })).toEqual([
        { path: 'tool.json#/input_schema', message: expect.stringMatching(/characters of JSON; the limit is 131072$/) },
      ]);
    });

    it('refuses a tool.json over 512 KiB before parsing it', () => {
      const found = problems(utf8(`{"name": "demo", "pad": "${'x'.repeat(600_000)}"`));
      expect(found).toEqual([
        { path: 'tool.json', message: expect.stringMatching(/a tool definition may have at most 524288$/) },
      ]);
    });

    it('refuses a pattern over 1024 characters', () => {
      const input_schema = { type: 'object', properties: { a: { type: 'string', pattern: 'a'.repeat(1025) } } };
      expect(problems({ ...base, input_schema })).toEqual([
        {
          path: 'tool.json#/input_schema/properties/a/pattern',
          message: 'is 1025 characters; a pattern may have at most 1024',
        },
      ]);
    });

    it('accepts a catastrophic-backtracking pattern without running it', () => {
      const input_schema = { type: 'object', properties: { a: { type: 'string', pattern: '^(a+)+$' } } };
      expect(warningPaths({ ...base, input_schema })).toEqual([]);
    });
  });

  describe('input_schema annotations', () => {
    it('accepts annotations and unknown keywords that real tool schemas carry', () => {
      const input_schema = {
        type: 'object',
        title: 'Input',
        properties: { a: { type: 'string', examples: ['x'], 'x-order': 1, format: 'email' } },
      };
      expect(warningPaths({ ...base, input_schema })).toEqual([]);
    });

    it('checks a draft-07 schema as 2020-12, with a warning', () => {
      const input_schema = { $schema: 'http://json-schema.org/draft-07/schema#', ...schema };
      expect(warningPaths({ ...base, input_schema })).toEqual(['tool.json#/input_schema/$schema']);
    });

    it('can parse the same schema with an $id twice', () => {
      const input_schema = { $id: 'https://schemas.acme.example.com/demo', ...schema };
      expect(parseToolJson(json({ ...base, input_schema }), 'demo').name).toBe('demo');
      expect(parseToolJson(json({ ...base, input_schema }), 'demo').name).toBe('demo');
    });
  });

  describe('implementation', () => {
    const impl = (implementation: unknown) => ({ ...base, implementation });

    it.each([
      { type: 'http', url: 'http://localhost:8080/run', method: 'GET' },
      { type: 'command', command: 'python', args: ['-m', 'tool'] },
      { type: 'command', command: 'run-tool' },
      { type: 'mcp', server: 'mcp/platform/github', tool: 'search_issues' },
    ])('accepts %j', (implementation) => {
      expect(warningPaths(impl(implementation))).toEqual([]);
    });

    it('refuses an implementation that is not an object, or has no or an unknown type', () => {
      expect(paths(problems(impl('http')))).toEqual(['tool.json#/implementation']);
      expect(paths(problems(impl({})))).toEqual(['tool.json#/implementation/type']);
      expect(problems(impl({ type: 'lambda' }))).toEqual([
        { path: 'tool.json#/implementation/type', message: 'must be "http", "command" or "mcp"' },
      ]);
    });

    it('checks an http implementation', () => {
      expect(problems(impl({ type: 'http', url: 'file:///tmp/x', method: 'get' }))).toEqual([
        { path: 'tool.json#/implementation/url', message: 'must use http:// or https://' },
        { path: 'tool.json#/implementation/method', message: 'must be one of GET, POST, PUT, PATCH, DELETE' },
      ]);
      expect(paths(problems(impl({ type: 'http' })))).toEqual([
        'tool.json#/implementation/url',
        'tool.json#/implementation/method',
      ]);
    });

    it('checks a command implementation', () => {
      expect(paths(problems(impl({ type: 'command', command: '', args: ['a', 1] })))).toEqual([
        'tool.json#/implementation/command',
        'tool.json#/implementation/args/1',
      ]);
      expect(paths(problems(impl({ type: 'command', command: 'x', args: 'a b' })))).toEqual([
        'tool.json#/implementation/args',
      ]);
    });

    it.each(['github', 'skill/platform/github', 'mcp/platform', 'mcp/Platform/github'])(
      'refuses the MCP server reference %s',
      (server) => {
        expect(paths(problems(impl({ type: 'mcp', server, tool: 't' })))).toEqual(['tool.json#/implementation/server']);
      },
    );

    it('requires the tool of an mcp implementation', () => {
      expect(problems(impl({ type: 'mcp', server: 'mcp/platform/github' }))).toEqual([
        { path: 'tool.json#/implementation/tool', message: 'is required' },
      ]);
    });

    it('warns about unknown implementation fields', () => {
      expect(warningPaths(impl({ type: 'http', url: 'https://x.example.com', method: 'POST', timeout: 5 }))).toEqual([
        'tool.json#/implementation/timeout',
      ]);
    });
  });

  it('refuses a NUL or a lone surrogate written as an escape, in a value or a key', () => {
    const text = (schema: string) =>
      utf8(`{"name":"demo","description":"Does a demo thing.","input_schema":${schema}}`);
    expect(paths(problems(text('{"type":"object","description":"a\\u0000b"}')))).toEqual([
      'tool.json#/input_schema/description',
    ]);
    expect(paths(problems(text('{"type":"object","properties":{"\\uD800":{}}}')))).toEqual([
      'tool.json#/input_schema/properties/\ufffd',
    ]);
    expect(parseToolJson(text('{"type":"object","title":"\\ud83d\\ude00 \\\\u0000"}'), 'demo').name).toBe('demo');
  });

  it('reports every problem at once', () => {
    const value = {
      name: 'Demo',
      description: '',
      version: 'latest',
      input_schema: { type: 'array' },
      implementation: { type: 'http', url: 'nope', method: 'FETCH' },
    };
    expect(paths(problems(value, 'Demo'))).toEqual([
      'tool.json#/name',
      'tool.json#/description',
      'tool.json#/version',
      'tool.json#/input_schema/type',
      'tool.json#/implementation/url',
      'tool.json#/implementation/method',
    ]);
  });
});
