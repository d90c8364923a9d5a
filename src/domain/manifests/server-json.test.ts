import { describe, expect, it } from 'vitest';
import { type Problem, ValidationError } from '../errors.ts';
import { parseServerJson } from './server-json.ts';
import { type ManifestFixture, readManifestFixture } from './testing/manifest-fixtures.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);
const json = (value: unknown) => utf8(JSON.stringify(value, null, 2));
const base = { name: 'io.github.acme/demo', description: 'A demo server.', version: '1.0.0' };
const npm = (extra: Record<string, unknown> = {}) => ({
  registryType: 'npm',
  identifier: '@acme/demo',
  version: '1.0.0',
  transport: { type: 'stdio' },
  ...extra,
});
const withPackage = (extra: Record<string, unknown> = {}) => ({ ...base, packages: [npm(extra)] });
const remote = (extra: Record<string, unknown> = {}) => ({
  ...base,
  remotes: [{ type: 'streamable-http', url: 'https://mcp.example.com/mcp', ...extra }],
});

function problems(value: unknown): Problem[] {
  const bytes = value instanceof Uint8Array ? value : json(value);
  try {
    parseServerJson(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return [...(error as ValidationError).problems];
  }
  throw new Error('expected a ValidationError');
}

const paths = (list: readonly { path: string }[]) => list.map((item) => item.path);
const warningPaths = (value: unknown) => paths(parseServerJson(json(value)).warnings);

describe('parseServerJson', () => {
  describe('real-world servers', () => {
    it.each<ManifestFixture>(['githubServer', 'filesystemServer', 'weatherServer', 'nugetServer', 'mcpbServer'])(
      'parses the %s fixture without warnings',
      (fixture) => {
        const parsed = parseServerJson(readManifestFixture(fixture));
        expect(parsed.kind).toBe('mcp');
        expect(parsed.warnings).toEqual([]);
      },
    );

    it('returns the name, description, version and the manifest as written', () => {
      const parsed = parseServerJson(readManifestFixture('githubServer'));
      expect(parsed.name).toBe('io.github.acme/github');
      expect(parsed.description).toBe('Read and manage GitHub repositories, issues and pull requests.');
      expect(parsed.version).toBe('0.9.1');
      expect(parsed.manifest.packages?.[0]?.environmentVariables?.[0]).toMatchObject({
        name: 'GITHUB_TOKEN',
        isSecret: true,
      });
      expect(parsed.manifest._meta).toEqual({
        'io.modelcontextprotocol.registry/publisher-provided': { tool: 'atlas', buildInfo: { commit: '4f2a9c1' } },
      });
    });

    it('accepts a minimal remote-only server', () => {
      expect(parseServerJson(json(remote())).warnings).toEqual([]);
    });
  });

  describe('JSON and text', () => {
    it('reports a syntax error with its line and column', () => {
      const text = '{\n  "name": "io.github.acme/demo",\n  "version": "1.0.0"\n  "description": "x"\n}';
      expect(problems(utf8(text))).toEqual([
        { path: 'server.json:4:3', message: `is not valid JSON: expected ',' or '}', found character "\\""` },
      ]);
    });

    it('reports a trailing comma', () => {
      expect(problems(utf8('{\n  "name": "a/b",\n}'))).toEqual([
        {
          path: 'server.json:3:1',
          message: 'is not valid JSON: expected a property name in double quotes, found character "}"',
        },
      ]);
    });

    it('reports a misspelt literal', () => {
      expect(paths(problems(utf8('{"a": tru}')))).toEqual(['server.json:1:7']);
    });

    it('reports an unterminated document', () => {
      expect(problems(utf8('{"a": [1, 2'))).toEqual([
        { path: 'server.json:1:12', message: `is not valid JSON: expected ',' or ']', found end of input` },
      ]);
    });

    it('reports an empty file', () => {
      expect(problems(utf8(''))).toEqual([
        { path: 'server.json:1:1', message: 'is not valid JSON: unexpected end of input' },
      ]);
    });

    it('reports text after the value', () => {
      expect(paths(problems(utf8('{}\n{}')))).toEqual(['server.json:2:1']);
    });

    it('counts columns on CRLF files as on LF ones', () => {
      expect(paths(problems(utf8('{\r\n  "a": 1,\r\n  oops\r\n}')))).toEqual(['server.json:3:3']);
    });

    it.each([
      ['a list', '[]'],
      ['a string', '"server"'],
      ['null', 'null'],
    ])('refuses a document that is %s', (_, text) => {
      expect(problems(utf8(text))).toEqual([
        { path: 'server.json', message: 'must hold a JSON object at the top level' },
      ]);
    });

    it('refuses invalid UTF-8', () => {
      expect(problems(new Uint8Array([0x7b, 0xff, 0x7d]))).toEqual([
        { path: 'server.json', message: expect.stringMatching(/UTF-8/) },
      ]);
    });

    it('accepts a byte order mark', () => {
      const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...json(remote())]);
      expect(parseServerJson(bytes).name).toBe('io.github.acme/demo');
    });
  });

  describe('top-level fields', () => {
    it('requires name, description and version', () => {
      expect(problems({ remotes: remote().remotes })).toEqual([
        { path: 'server.json#/name', message: 'is required' },
        { path: 'server.json#/description', message: 'is required' },
        { path: 'server.json#/version', message: 'is required' },
      ]);
    });

    it.each([
      'weather',
      'io.github.acme/weather/extra',
      'io github/weather',
      'io.github.acme/',
      '/weather',
      'io.github.acme/wea@ther',
    ])('refuses the name %s', (name) => {
      expect(paths(problems({ ...remote(), name }))).toEqual(['server.json#/name']);
    });

    it('accepts a name of 3 characters and refuses one of 201', () => {
      expect(parseServerJson(json({ ...remote(), name: 'a/b' })).name).toBe('a/b');
      expect(problems({ ...remote(), name: `io.example/${'n'.repeat(190)}` })).toEqual([
        { path: 'server.json#/name', message: 'must be 3-200 characters' },
      ]);
    });

    it('refuses a name that is not a string', () => {
      expect(problems({ ...remote(), name: 7 })).toEqual([{ path: 'server.json#/name', message: 'must be a string' }]);
    });

    it('refuses an empty description and one over 100 characters', () => {
      expect(problems({ ...remote(), description: '' })).toEqual([
        { path: 'server.json#/description', message: 'must not be empty' },
      ]);
      expect(problems({ ...remote(), description: 'd'.repeat(101) })).toEqual([
        { path: 'server.json#/description', message: 'must be at most 100 characters (it has 101)' },
      ]);
    });

    it.each(['^1.2', '~1.2', '>=1', '1.x', '1.2.*', '*', 'latest'])('refuses the server version %s', (version) => {
      expect(paths(problems({ ...remote(), version }))).toEqual(['server.json#/version']);
    });

    it('refuses a title over 100 characters', () => {
      expect(paths(problems({ ...remote(), title: 't'.repeat(101) }))).toEqual(['server.json#/title']);
    });

    it.each(['ftp://example.com', 'example.com', 'not a url'])('refuses the websiteUrl %s', (websiteUrl) => {
      expect(paths(problems({ ...remote(), websiteUrl }))).toEqual(['server.json#/websiteUrl']);
    });

    it('refuses a $schema that is not a string', () => {
      expect(paths(problems({ ...remote(), $schema: 1 }))).toEqual(['server.json#/$schema']);
    });

    it('refuses _meta that is not an object, and keeps any object as is', () => {
      expect(paths(problems({ ...remote(), _meta: [] }))).toEqual(['server.json#/_meta']);
      const meta = { 'com.example/anything': { deep: [1, { x: null }] } };
      expect(parseServerJson(json({ ...remote(), _meta: meta })).manifest._meta).toEqual(meta);
    });

    it('keeps an unknown field with a warning', () => {
      const parsed = parseServerJson(json({ ...remote(), status: 'active' }));
      expect((parsed.manifest as unknown as Record<string, unknown>).status).toBe('active');
      expect(parsed.warnings).toEqual([
        { path: 'server.json#/status', message: 'is not a known server.json field; kept as is' },
      ]);
    });

    it('warns when there is neither a package nor a remote', () => {
      expect(parseServerJson(json(base)).warnings).toEqual([
        { path: 'server.json', message: expect.stringMatching(/no packages and no remotes/) },
      ]);
      expect(warningPaths({ ...base, packages: [], remotes: [] })).toEqual(['server.json']);
    });
  });

  describe('repository and icons', () => {
    const repository = { url: 'https://github.com/acme/demo', source: 'github' };

    it('accepts a repository with id and subfolder', () => {
      expect(warningPaths({ ...remote(), repository: { ...repository, id: '123', subfolder: 'src/demo' } })).toEqual(
        [],
      );
    });

    it('requires url and source', () => {
      expect(problems({ ...remote(), repository: {} })).toEqual([
        { path: 'server.json#/repository/url', message: 'is required' },
        { path: 'server.json#/repository/source', message: 'is required' },
      ]);
    });

    it('refuses a repository that is not an object', () => {
      expect(paths(problems({ ...remote(), repository: 'https://github.com/acme/demo' }))).toEqual([
        'server.json#/repository',
      ]);
    });

    it('refuses a repository url that is not a URL', () => {
      expect(paths(problems({ ...remote(), repository: { ...repository, url: 'github.com/acme' } }))).toEqual([
        'server.json#/repository/url',
      ]);
    });

    it.each(['../outside', '/absolute', 'a//b', 'a/./b'])('refuses the subfolder %s', (subfolder) => {
      expect(paths(problems({ ...remote(), repository: { ...repository, subfolder } }))).toEqual([
        'server.json#/repository/subfolder',
      ]);
    });

    it('checks each icon', () => {
      const icons = [
        { src: 'https://example.com/a.png', mimeType: 'image/png', sizes: ['48x48', 'any'], theme: 'dark' },
        { src: 'http://example.com/b.png', mimeType: 'image/gif', sizes: ['big'], theme: 'blue' },
        'https://example.com/c.png',
        {},
      ];
      expect(problems({ ...remote(), icons })).toEqual([
        { path: 'server.json#/icons/1/src', message: 'must use https://' },
        { path: 'server.json#/icons/1/mimeType', message: expect.stringMatching(/must be one of image\/png/) },
        { path: 'server.json#/icons/1/sizes/0', message: expect.stringMatching(/48x48/) },
        { path: 'server.json#/icons/1/theme', message: 'must be "light" or "dark"' },
        { path: 'server.json#/icons/2', message: 'must be an object' },
        { path: 'server.json#/icons/3/src', message: 'is required' },
      ]);
    });
  });

  describe('packages', () => {
    it('requires registryType, identifier, version and transport', () => {
      expect(problems({ ...base, packages: [{}] })).toEqual([
        { path: 'server.json#/packages/0/registryType', message: 'is required' },
        { path: 'server.json#/packages/0/identifier', message: 'is required' },
        { path: 'server.json#/packages/0/version', message: 'is required' },
        { path: 'server.json#/packages/0/transport', message: 'is required' },
      ]);
    });

    it('refuses packages that are not a list, and items that are not objects', () => {
      expect(paths(problems({ ...base, packages: {} }))).toEqual(['server.json#/packages']);
      expect(paths(problems({ ...base, packages: ['npm'] }))).toEqual(['server.json#/packages/0']);
    });

    it.each(['npm', 'pypi', 'oci', 'nuget'])('accepts the registry type %s without a warning', (registryType) => {
      expect(warningPaths(withPackage({ registryType }))).toEqual([]);
    });

    it('accepts an unknown registry type with a warning', () => {
      expect(parseServerJson(json(withPackage({ registryType: 'cargo' }))).warnings).toEqual([
        { path: 'server.json#/packages/0/registryType', message: expect.stringMatching(/"cargo" is not one of/) },
      ]);
    });

    it('warns when an mcpb package has no fileSha256', () => {
      expect(warningPaths(withPackage({ registryType: 'mcpb', identifier: 'https://example.com/x.mcpb' }))).toEqual([
        'server.json#/packages/0/fileSha256',
      ]);
    });

    it.each(['latest', '^1.0.0', '1.x', ''])('refuses the package version "%s"', (version) => {
      expect(paths(problems(withPackage({ version })))).toEqual(['server.json#/packages/0/version']);
    });

    it('refuses an identifier with spaces', () => {
      expect(paths(problems(withPackage({ identifier: '@acme/demo server' })))).toEqual([
        'server.json#/packages/0/identifier',
      ]);
    });

    it('refuses a registryBaseUrl that is not a URL', () => {
      expect(paths(problems(withPackage({ registryBaseUrl: 'npmjs' })))).toEqual([
        'server.json#/packages/0/registryBaseUrl',
      ]);
    });

    it.each(['abc', 'F'.repeat(64), 'a'.repeat(63)])('refuses the fileSha256 %s', (fileSha256) => {
      expect(paths(problems(withPackage({ fileSha256 })))).toEqual(['server.json#/packages/0/fileSha256']);
    });

    it('warns when runtimeArguments come without a runtimeHint', () => {
      const args = [{ type: 'positional', value: '--quiet' }];
      expect(warningPaths(withPackage({ runtimeArguments: args }))).toEqual(['server.json#/packages/0/runtimeHint']);
      expect(warningPaths(withPackage({ runtimeArguments: args, runtimeHint: 'npx' }))).toEqual([]);
    });

    it('warns about unknown package fields', () => {
      expect(warningPaths(withPackage({ registry_type: 'npm' }))).toEqual(['server.json#/packages/0/registry_type']);
    });

    describe('transport', () => {
      it('refuses an unknown transport type', () => {
        expect(problems(withPackage({ transport: { type: 'websocket' } }))).toEqual([
          { path: 'server.json#/packages/0/transport/type', message: 'must be one of stdio, streamable-http, sse' },
        ]);
      });

      it('refuses a transport without a type', () => {
        expect(paths(problems(withPackage({ transport: {} })))).toEqual(['server.json#/packages/0/transport/type']);
      });

      it('refuses a url on a stdio transport', () => {
        expect(paths(problems(withPackage({ transport: { type: 'stdio', url: 'https://x.example.com' } })))).toEqual([
          'server.json#/packages/0/transport/url',
        ]);
      });

      it('requires a url on http transports', () => {
        expect(problems(withPackage({ transport: { type: 'streamable-http' } }))).toEqual([
          { path: 'server.json#/packages/0/transport/url', message: 'is required' },
        ]);
      });

      it('accepts placeholders that name environment variables and arguments', () => {
        const pkg = withPackage({
          transport: { type: 'streamable-http', url: 'http://localhost:{PORT}/{mount}/mcp' },
          environmentVariables: [{ name: 'PORT', default: '8080' }],
          packageArguments: [{ type: 'positional', valueHint: 'mount', default: 'api' }],
        });
        expect(parseServerJson(json(pkg)).warnings).toEqual([]);
      });

      it('refuses a placeholder nothing declares', () => {
        expect(
          problems(
            withPackage({ transport: { type: 'sse', url: 'http://localhost:{PORT}/sse' }, environmentVariables: [] }),
          ),
        ).toEqual([
          { path: 'server.json#/packages/0/transport/url', message: 'uses {PORT}, but no variable is declared' },
        ]);
      });

      it('refuses a transport url that is not http(s)', () => {
        expect(paths(problems(withPackage({ transport: { type: 'sse', url: 'ws://localhost/sse' } })))).toEqual([
          'server.json#/packages/0/transport/url',
        ]);
      });
    });
  });

  describe('inputs', () => {
    const env = (...inputs: unknown[]) => withPackage({ environmentVariables: inputs });

    it('accepts every input field', () => {
      const input = {
        name: 'MODE',
        description: 'Mode',
        isRequired: true,
        isSecret: false,
        format: 'string',
        default: 'fast',
        placeholder: 'fast or safe',
        choices: ['fast', 'safe'],
      };
      expect(warningPaths(env(input))).toEqual([]);
    });

    it('requires a name on environment variables', () => {
      expect(problems(env({ description: 'x' }))).toEqual([
        { path: 'server.json#/packages/0/environmentVariables/0/name', message: 'is required' },
      ]);
    });

    it('refuses mistyped fields, each with its pointer', () => {
      const input = {
        name: 'A',
        isRequired: 'yes',
        isSecret: 1,
        description: 3,
        value: 4,
        choices: 'a,b',
        format: 'date',
      };
      expect(problems(env(input))).toEqual([
        { path: 'server.json#/packages/0/environmentVariables/0/description', message: 'must be a string' },
        { path: 'server.json#/packages/0/environmentVariables/0/isRequired', message: 'must be true or false' },
        { path: 'server.json#/packages/0/environmentVariables/0/isSecret', message: 'must be true or false' },
        { path: 'server.json#/packages/0/environmentVariables/0/value', message: 'must be a string' },
        {
          path: 'server.json#/packages/0/environmentVariables/0/format',
          message: 'must be one of string, number, boolean, filepath',
        },
        { path: 'server.json#/packages/0/environmentVariables/0/choices', message: 'must be a list' },
      ]);
    });

    it('refuses choices that are not strings', () => {
      expect(paths(problems(env({ name: 'A', choices: ['a', 2] })))).toEqual([
        'server.json#/packages/0/environmentVariables/0/choices/1',
      ]);
    });

    it('refuses a default that is not one of the choices', () => {
      expect(problems(env({ name: 'A', choices: ['a', 'b'], default: 'c' }))).toEqual([
        {
          path: 'server.json#/packages/0/environmentVariables/0/default',
          message: 'must be one of the choices (a, b)',
        },
      ]);
    });

    it('warns when a default does not fit the format', () => {
      expect(
        warningPaths(
          env({ name: 'A', format: 'number', default: 'ten' }, { name: 'B', format: 'boolean', default: 'yes' }),
        ),
      ).toEqual([
        'server.json#/packages/0/environmentVariables/0/default',
        'server.json#/packages/0/environmentVariables/1/default',
      ]);
    });

    it('refuses a repeated environment variable', () => {
      expect(paths(problems(env({ name: 'A' }, { name: 'A' })))).toEqual([
        'server.json#/packages/0/environmentVariables/1/name',
      ]);
    });

    it('warns about a non-portable environment variable name', () => {
      expect(warningPaths(env({ name: 'API-KEY' }))).toEqual(['server.json#/packages/0/environmentVariables/0/name']);
    });

    it('checks the variables of an input', () => {
      const input = {
        name: 'A',
        value: '{x}-{y}',
        variables: { x: { default: 'a' }, y: { isSecret: 'no' }, z: 'bad' },
      };
      expect(problems(env(input))).toEqual([
        {
          path: 'server.json#/packages/0/environmentVariables/0/variables/y/isSecret',
          message: 'must be true or false',
        },
        { path: 'server.json#/packages/0/environmentVariables/0/variables/z', message: 'must be an object' },
      ]);
    });

    it('warns about unknown input fields', () => {
      expect(warningPaths(env({ name: 'A', is_secret: true }))).toEqual([
        'server.json#/packages/0/environmentVariables/0/is_secret',
      ]);
    });

    describe('arguments', () => {
      const args = (...list: unknown[]) => withPackage({ packageArguments: list });

      it('accepts positional and named arguments', () => {
        const list = [
          { type: 'positional', valueHint: 'dir', isRepeated: true },
          { type: 'positional', value: 'start' },
          { type: 'named', name: '--port', default: '8080', format: 'number' },
          { type: 'named', name: '-e', value: 'MODE={mode}', variables: { mode: { default: 'x' } } },
        ];
        expect(warningPaths(args(...list))).toEqual([]);
      });

      it('refuses a positional argument with neither value nor valueHint', () => {
        expect(problems(args({ type: 'positional', description: 'x' }))).toEqual([
          {
            path: 'server.json#/packages/0/packageArguments/0',
            message: 'a positional argument needs a value or a valueHint',
          },
        ]);
      });

      it('refuses a named argument without a name', () => {
        expect(problems(args({ type: 'named', value: 'x' }))).toEqual([
          { path: 'server.json#/packages/0/packageArguments/0/name', message: 'is required' },
        ]);
      });

      it.each(['--port 8080', '--dir <path>', '$HOME'])('refuses the named argument name %s', (name) => {
        expect(paths(problems(args({ type: 'named', name })))).toEqual([
          'server.json#/packages/0/packageArguments/0/name',
        ]);
      });

      it('refuses a value that repeats the flag', () => {
        expect(paths(problems(args({ type: 'named', name: '--port', value: '--port=8080' })))).toEqual([
          'server.json#/packages/0/packageArguments/0/value',
        ]);
      });

      it('refuses a missing or unknown type', () => {
        expect(problems(args({ value: 'x' }, { type: 'flag', name: '-v' }))).toEqual([
          { path: 'server.json#/packages/0/packageArguments/0/type', message: 'is required' },
          { path: 'server.json#/packages/0/packageArguments/1/type', message: 'must be "positional" or "named"' },
        ]);
      });

      it('refuses a non-boolean isRepeated in runtime arguments too', () => {
        const pkg = withPackage({
          runtimeHint: 'npx',
          runtimeArguments: [{ type: 'positional', value: 'x', isRepeated: 'y' }],
        });
        expect(paths(problems(pkg))).toEqual(['server.json#/packages/0/runtimeArguments/0/isRepeated']);
      });

      it('refuses arguments that are not a list', () => {
        expect(paths(problems(withPackage({ packageArguments: { type: 'named' } })))).toEqual([
          'server.json#/packages/0/packageArguments',
        ]);
      });
    });
  });

  describe('remotes', () => {
    it('accepts streamable-http and sse remotes with headers and variables', () => {
      const value = {
        ...base,
        remotes: [
          {
            type: 'streamable-http',
            url: 'https://{tenant}.example.com/mcp',
            variables: { tenant: { description: 'Tenant', isRequired: true } },
            headers: [
              {
                name: 'Authorization',
                value: 'Bearer {token}',
                isSecret: true,
                variables: { token: { isSecret: true } },
              },
            ],
          },
          { type: 'sse', url: 'https://example.com/sse' },
        ],
      };
      expect(warningPaths(value)).toEqual([]);
    });

    it('refuses a stdio remote', () => {
      expect(problems(remote({ type: 'stdio' }))).toEqual([
        { path: 'server.json#/remotes/0/type', message: 'must be one of streamable-http, sse' },
      ]);
    });

    it('requires a url', () => {
      expect(problems({ ...base, remotes: [{ type: 'sse' }] })).toEqual([
        { path: 'server.json#/remotes/0/url', message: 'is required' },
      ]);
    });

    it('refuses a url that is not http(s)', () => {
      expect(paths(problems(remote({ url: 'mcp.example.com' })))).toEqual(['server.json#/remotes/0/url']);
    });

    it('refuses a placeholder that is not among the variables', () => {
      expect(problems(remote({ url: 'https://{tenant}.example.com/mcp', variables: { region: {} } }))).toEqual([
        { path: 'server.json#/remotes/0/url', message: 'uses {tenant}, which is not declared (declared: region)' },
      ]);
    });

    it('refuses a header without a name, with an invalid name, or repeated', () => {
      const headers = [{ description: 'x' }, { name: 'X Api Key' }, { name: 'X-Key' }, { name: 'x-key' }];
      expect(problems(remote({ headers }))).toEqual([
        { path: 'server.json#/remotes/0/headers/0/name', message: 'is required' },
        { path: 'server.json#/remotes/0/headers/1/name', message: expect.stringMatching(/valid HTTP header name/) },
        { path: 'server.json#/remotes/0/headers/3/name', message: 'repeats the header "x-key"' },
      ]);
    });

    it('escapes variable names in pointers', () => {
      expect(
        paths(problems(remote({ url: 'https://example.com/mcp', variables: { 'a/b': { isSecret: 1 } } }))),
      ).toEqual(['server.json#/remotes/0/variables/a~1b/isSecret']);
    });

    it('warns about unknown remote fields', () => {
      expect(warningPaths(remote({ transport_type: 'sse' }))).toEqual(['server.json#/remotes/0/transport_type']);
    });
  });

  it('reports every problem at once, each with its pointer', () => {
    const value = {
      name: 'weather',
      description: '',
      version: '^1.0.0',
      websiteUrl: 'nope',
      packages: [
        {
          registryType: 'npm',
          identifier: '@acme/weather',
          version: 'latest',
          transport: { type: 'streamable-http' },
          environmentVariables: [{ isSecret: true }],
          packageArguments: [{ type: 'positional' }],
        },
      ],
      remotes: [{ type: 'websocket', url: 'wss://example.com' }],
    };
    expect(paths(problems(value))).toEqual([
      'server.json#/name',
      'server.json#/description',
      'server.json#/version',
      'server.json#/websiteUrl',
      'server.json#/packages/0/version',
      'server.json#/packages/0/environmentVariables/0/name',
      'server.json#/packages/0/packageArguments/0',
      'server.json#/packages/0/transport/url',
      'server.json#/remotes/0/type',
    ]);
  });
});
