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
          path: 'tool.json#/input_schema',
          message: expect.stringMatching(/not a usable JSON Schema: can't resolve reference/),
        },
      ]);
    });

    it('refuses a $ref to another document', () => {
      const input_schema = { type: 'object', properties: { a: { $ref: 'https://example.com/a.json' } } };
      expect(paths(problems({ ...base, input_schema }))).toEqual(['tool.json#/input_schema']);
    });

    it('refuses a pattern that is not a regular expression', () => {
      const input_schema = { type: 'object', properties: { a: { type: 'string', pattern: '(' } } };
      expect(paths(problems({ ...base, input_schema }))).toEqual(['tool.json#/input_schema']);
    });

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
