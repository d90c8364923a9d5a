import { describe, expect, it } from 'vitest';
import { type Problem, ValidationError } from '../errors.ts';
import {
  CURRENT_SERVER_SCHEMA_VERSION,
  parseServerJson,
  SERVER_SCHEMA_VERSIONS,
  type ServerJsonOptions,
  serverSchemaUrl,
  serverSchemaVersionOf,
} from './server-json.ts';
import { type ManifestFixture, readManifestFixture } from './testing/manifest-fixtures.ts';
import {
  readServerJsonFixture,
  SERVER_JSON_FIXTURES,
  type ServerJsonFixture,
  serverJsonFixture,
} from './testing/server-json-fixtures.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);
const json = (value: unknown) => utf8(JSON.stringify(value, null, 2));
// biome-ignore lint/suspicious/noExplicitAny: the tests edit fixture documents at any depth, as JSON
type Doc = Record<string, any>;
const base = {
  $schema: serverSchemaUrl('2025-12-11'),
  name: 'io.github.acme/demo',
  description: 'A demo server.',
  version: '1.0.0',
};
const SHA = 'fe333e598595000ae021bd27117db32ec69af6987f507ba7a63c90638ff633ce';
const MCPB_URL = 'https://github.com/acme/demo/releases/download/v1.0.0/demo.mcpb';
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

function problems(value: unknown, options: ServerJsonOptions = {}): Problem[] {
  const bytes = value instanceof Uint8Array ? value : json(value);
  try {
    parseServerJson(bytes, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return [...(error as ValidationError).problems];
  }
  throw new Error('expected a ValidationError');
}

const paths = (list: readonly { path: string }[]) => list.map((item) => item.path);
const warningPaths = (value: unknown, options: ServerJsonOptions = {}) =>
  paths(parseServerJson(json(value), options).warnings);
/** A fixture of one version, changed by `change`, which may edit it in place. */
const fixtureWith = (name: ServerJsonFixture, change: (doc: Doc) => void) => {
  const doc = serverJsonFixture(name) as Doc;
  change(doc);
  return doc;
};
/** The warnings of a document besides the one about its $schema being older than current. */
const otherWarnings = (value: unknown, options: ServerJsonOptions = {}) =>
  warningPaths(value, options).filter((path) => path !== 'server.json#/$schema');

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

  describe('$schema', () => {
    it.each(SERVER_SCHEMA_VERSIONS)('recognises version %s by its published URL', (version) => {
      const parsed = parseServerJson(json({ ...remote(), $schema: serverSchemaUrl(version) }));
      expect(parsed.schemaVersion).toBe(version);
    });

    it('knows the URL forms of the first 2025-07-09 draft and of the draft in the registry repository', () => {
      expect(serverSchemaVersionOf('https://modelcontextprotocol.io/schemas/draft/2025-07-09/server.json')).toEqual({
        version: '2025-07-09',
        firstDraft: true,
      });
      expect(
        serverSchemaVersionOf(
          'https://raw.githubusercontent.com/modelcontextprotocol/registry/main/docs/reference/server-json/draft/server.schema.json',
        ),
      ).toEqual({ version: 'draft', firstDraft: false });
      expect(serverSchemaVersionOf(serverSchemaUrl('2025-10-17'))).toEqual({
        version: '2025-10-17',
        firstDraft: false,
      });
    });

    it('says nothing of the current version', () => {
      expect(CURRENT_SERVER_SCHEMA_VERSION).toBe('2025-12-11');
      expect(parseServerJson(json(remote())).warnings).toEqual([]);
    });

    it.each(SERVER_SCHEMA_VERSIONS.filter((version) => version !== '2025-12-11' && version !== 'draft'))(
      'warns that %s is older than the current version, and checks the file by its rules',
      (version) => {
        const parsed = parseServerJson(json({ ...remote(), $schema: serverSchemaUrl(version) }));
        expect(parsed.warnings).toEqual([
          {
            path: 'server.json#/$schema',
            message: expect.stringContaining(`is version ${version}, older than the current 2025-12-11`),
          },
        ]);
      },
    );

    it('warns that the draft is not released', () => {
      expect(parseServerJson(json({ ...remote(), $schema: serverSchemaUrl('draft') })).warnings).toEqual([
        { path: 'server.json#/$schema', message: expect.stringMatching(/draft schema, which is not released/) },
      ]);
    });

    it('accepts a file without $schema with a warning, as the current version', () => {
      const { $schema: _, ...rest } = remote();
      const parsed = parseServerJson(json(rest));
      expect(parsed.schemaVersion).toBe('2025-12-11');
      expect(parsed.warnings).toEqual([
        {
          path: 'server.json#/$schema',
          message: `is missing; the file is read as the current version, ${serverSchemaUrl('2025-12-11')}`,
        },
      ]);
    });

    it('refuses a file without $schema when strict, as the official registry does', () => {
      const { $schema: _, ...rest } = remote();
      expect(problems(rest, { strict: true })).toEqual([
        { path: 'server.json#/$schema', message: expect.stringMatching(/^is required by the official MCP Registry/) },
      ]);
    });

    it.each([
      'https://static.modelcontextprotocol.io/schemas/2025-01-27/server.schema.json',
      'http://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json',
      'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.json',
      'https://json-schema.org/draft/2020-12/schema',
      '2025-12-11',
    ])('refuses the unknown schema URL %s, naming /$schema', (url) => {
      expect(problems({ ...remote(), $schema: url })).toEqual([
        { path: 'server.json#/$schema', message: expect.stringMatching(/^is not a published server.json schema/) },
      ]);
    });

    it('still checks the rest of a file whose $schema is unknown, by the current rules', () => {
      expect(paths(problems({ ...remote(), $schema: 'https://example.com/schema.json', name: 'bad' }))).toEqual([
        'server.json#/$schema',
        'server.json#/name',
      ]);
    });
  });

  describe.each(SERVER_JSON_FIXTURES)('a complete %s document', (name) => {
    it('parses, with no warning but the one about its $schema, in strict mode too', () => {
      for (const strict of [false, true]) {
        const parsed = parseServerJson(readServerJsonFixture(name), { strict });
        expect(parsed.schemaVersion).toBe(name === '2025-07-09-first-draft' ? '2025-07-09' : name);
        expect(otherWarnings(serverJsonFixture(name), { strict })).toEqual([]);
      }
    });

    it('gives a manifest in the camelCase spelling that parses again the same way', () => {
      const parsed = parseServerJson(readServerJsonFixture(name));
      const again = parseServerJson(json(parsed.manifest));
      expect(again.manifest).toEqual(parsed.manifest);
      expect(again.name).toBe(parsed.name);
      expect(again.version).toBe(parsed.version);
      for (const pkg of parsed.manifest.packages ?? []) {
        expect(pkg.registryType).toBeDefined();
        expect(pkg.transport.type).toBeDefined();
      }
    });
  });

  describe('schema 2025-07-09, first draft', () => {
    const draft = (change: (doc: Doc) => void) => fixtureWith('2025-07-09-first-draft', change);

    it('renames its fields into the current spelling: registry_name, name, version_detail, transport_type', () => {
      const { manifest, version } = parseServerJson(readServerJsonFixture('2025-07-09-first-draft'));
      expect(version).toBe('2.1.0');
      expect(manifest).toMatchObject({
        $schema: serverSchemaUrl('2025-09-16'),
        version: '2.1.0',
        packages: [
          {
            registryType: 'npm',
            identifier: '@acme/toolbox-mcp',
            version: '2.1.0',
            runtimeHint: 'npx',
            transport: { type: 'stdio' },
            environmentVariables: [{ name: 'ACME_TOKEN', isRequired: true, isSecret: true }],
            packageArguments: [{ type: 'positional', valueHint: 'workspace', isRequired: true, isRepeated: false }],
          },
          // The first draft called OCI images "docker".
          { registryType: 'oci', identifier: 'acme/toolbox', version: '2.1.0', transport: { type: 'stdio' } },
          { registryType: 'nuget', identifier: 'Acme.Toolbox.Mcp' },
        ],
        remotes: [
          { type: 'streamable-http', url: 'https://toolbox.acme.example.com/mcp', headers: [{ isRequired: true }] },
          { type: 'sse' },
        ],
      });
      expect(manifest).not.toHaveProperty('version_detail');
    });

    it('is recognised by its fields under the versioned 2025-07-09 URL too', () => {
      const doc = draft((d) => {
        d.$schema = serverSchemaUrl('2025-07-09');
      });
      const parsed = parseServerJson(json(doc));
      expect(parsed.schemaVersion).toBe('2025-07-09');
      expect(parsed.manifest.packages?.[0]?.identifier).toBe('@acme/toolbox-mcp');
    });

    it('requires version_detail with a version, and checks it', () => {
      expect(paths(problems(draft((d) => delete d.version_detail)))).toEqual(['server.json#/version_detail']);
      expect(problems(draft((d) => (d.version_detail = { version: '^2.0' })))).toEqual([
        { path: 'server.json#/version_detail/version', message: expect.stringMatching(/range/) },
      ]);
    });

    it('requires registry_name, name and version on packages, and refuses a transport type it did not have', () => {
      expect(paths(problems(draft((d) => (d.packages = [{}]))))).toEqual([
        'server.json#/packages/0/registry_name',
        'server.json#/packages/0/name',
        'server.json#/packages/0/version',
      ]);
      expect(problems(draft((d) => (d.remotes[0].transport_type = 'streamable-http'))).map((p) => p.path)).toEqual([
        'server.json#/remotes/0/transport_type',
      ]);
    });

    it('allows only active and deprecated as status', () => {
      expect(paths(problems(draft((d) => (d.status = 'deleted'))))).toEqual(['server.json#/status']);
    });

    it('points at later spellings, which it keeps as unknown fields', () => {
      const doc = draft((d) => {
        d.packages[0].registry_type = 'npm';
        d.website_url = 'https://acme.example.com';
      });
      expect(parseServerJson(json(doc)).warnings.slice(1)).toEqual([
        {
          path: 'server.json#/packages/0/registry_type',
          message: expect.stringMatching(/later 2025-07-09 schema spelt "registryType"/),
        },
        {
          path: 'server.json#/website_url',
          message: expect.stringMatching(/later 2025-07-09 schema spelt "websiteUrl"/),
        },
      ]);
    });
  });

  describe('schema 2025-07-09', () => {
    const snake = (change: (doc: Doc) => void) => fixtureWith('2025-07-09', change);

    it('is the 2025-09-16 document spelt in snake_case, and comes out as that document', () => {
      expect(parseServerJson(readServerJsonFixture('2025-07-09')).manifest).toEqual(serverJsonFixture('2025-09-16'));
    });

    it('refuses camelCase fields in a package, which allows no other field, and names the snake_case one', () => {
      const doc = snake((d) => {
        d.packages[0].registryType = d.packages[0].registry_type;
        delete d.packages[0].registry_type;
      });
      expect(problems(doc)).toEqual([
        { path: 'server.json#/packages/0/registry_type', message: 'is required' },
        {
          path: 'server.json#/packages/0/registryType',
          message:
            'is the camelCase spelling of 2025-09-16 and later; this 2025-07-09 document spells it "registry_type"; the 2025-07-09 schema allows no other field here',
        },
      ]);
    });

    it('reads is_required, is_secret, value_hint and is_repeated on inputs', () => {
      const doc = snake((d) => {
        d.packages[0].environment_variables[0].is_secret = 'yes';
        d.packages[2].package_arguments[0] = { type: 'positional', is_repeated: true };
      });
      expect(problems(doc)).toEqual([
        { path: 'server.json#/packages/0/environment_variables/0/is_secret', message: 'must be true or false' },
        {
          path: 'server.json#/packages/2/package_arguments/0',
          message: 'a positional argument needs a value or a value_hint',
        },
      ]);
    });

    it('requires a version on every package, oci and mcpb included', () => {
      const doc = snake((d) => {
        delete d.packages[3].version;
        delete d.packages[4].version;
      });
      expect(paths(problems(doc))).toEqual(['server.json#/packages/3/version', 'server.json#/packages/4/version']);
    });

    it('knows neither title nor icons nor placeholder yet', () => {
      const doc = snake((d) => {
        d.title = 'Toolbox';
        d.packages[0].environment_variables[0].placeholder = 'tok_...';
      });
      expect(otherWarnings(doc)).toEqual([
        'server.json#/packages/0/environment_variables/0/placeholder',
        'server.json#/title',
      ]);
      expect(parseServerJson(json(doc)).warnings[1]?.message).toBe(
        'arrived with the 2025-10-11 schema; this document declares 2025-07-09; kept as is',
      );
    });

    it('refuses placeholders in a remote URL', () => {
      const doc = snake((d) => {
        d.remotes[0].url = 'https://{tenant}.example.com/sse';
        d.remotes[0].variables = { tenant: {} };
      });
      expect(problems(doc)).toEqual([
        { path: 'server.json#/remotes/0/url', message: expect.stringMatching(/only since the 2025-12-11 schema/) },
      ]);
    });

    it('allows the registry-managed status and official _meta, but checks them', () => {
      expect(paths(problems(snake((d) => (d.status = 'retired'))))).toEqual(['server.json#/status']);
      const meta = snake((d) => (d._meta['io.modelcontextprotocol.registry/official'] = 'yes'));
      expect(paths(problems(meta))).toEqual(['server.json#/_meta/io.modelcontextprotocol.registry~1official']);
    });
  });

  describe('schema 2025-09-16', () => {
    const doc916 = (change: (doc: Doc) => void) => fixtureWith('2025-09-16', change);

    it('refuses snake_case fields in a package and names their camelCase spelling', () => {
      const doc = doc916((d) => (d.packages[0].runtime_hint = 'npx'));
      expect(problems(doc)).toEqual([
        {
          path: 'server.json#/packages/0/runtime_hint',
          message:
            'is how 2025-07-09 spelt "runtimeHint"; the 2025-09-16 schema spells it so; the 2025-09-16 schema allows no other field here',
        },
      ]);
    });

    it('keeps a snake_case field elsewhere, with a warning that names the camelCase one', () => {
      const doc = doc916((d) => {
        d.website_url = d.websiteUrl;
        d.packages[0].environmentVariables[0].is_secret = true;
      });
      expect(parseServerJson(json(doc)).warnings.slice(1)).toEqual([
        {
          path: 'server.json#/packages/0/environmentVariables/0/is_secret',
          message: 'is how 2025-07-09 spelt "isSecret"; the 2025-09-16 schema spells it so; kept as is',
        },
        {
          path: 'server.json#/website_url',
          message: 'is how 2025-07-09 spelt "websiteUrl"; the 2025-09-16 schema spells it so; kept as is',
        },
      ]);
    });

    it('still requires a version on oci and mcpb packages, and allows registryBaseUrl on oci', () => {
      expect(paths(problems(doc916((d) => delete d.packages[3].version)))).toEqual(['server.json#/packages/3/version']);
      expect(serverJsonFixture('2025-09-16')).toMatchObject({
        packages: expect.arrayContaining([
          expect.objectContaining({ registryType: 'oci', registryBaseUrl: 'https://docker.io' }),
        ]),
      });
    });

    it('still has status', () => {
      expect(parseServerJson(readServerJsonFixture('2025-09-16')).manifest.status).toBe('active');
    });
  });

  describe('schema 2025-09-29', () => {
    const doc929 = (change: (doc: Doc) => void) => fixtureWith('2025-09-29', change);

    it('keeps status with a warning: the registry manages it now', () => {
      expect(parseServerJson(json(doc929((d) => (d.status = 'active')))).warnings.slice(1)).toEqual([
        {
          path: 'server.json#/status',
          message:
            'is managed by the registry, not written in server.json, since the 2025-09-29 schema; remove it; kept as is',
        },
      ]);
    });

    it('warns about the registry-owned _meta key, and refuses it when strict', () => {
      const doc = doc929((d) => (d._meta['io.modelcontextprotocol.registry/official'] = { status: 'active' }));
      expect(otherWarnings(doc)).toEqual(['server.json#/_meta/io.modelcontextprotocol.registry~1official']);
      expect(paths(problems(doc, { strict: true }))).toEqual([
        'server.json#/_meta/io.modelcontextprotocol.registry~1official',
      ]);
    });

    it('allows no unknown field in a package', () => {
      expect(problems(doc929((d) => (d.packages[0].checksum = 'x')))).toEqual([
        {
          path: 'server.json#/packages/0/checksum',
          message: 'is not a field of a package; the 2025-09-29 schema allows no other field here',
        },
      ]);
    });

    it('does not check icons yet', () => {
      expect(otherWarnings(doc929((d) => (d.icons = [{ src: 'http://insecure.example.com/i.png' }])))).toEqual([
        'server.json#/icons',
      ]);
    });
  });

  describe('schema 2025-10-11', () => {
    const doc1011 = (change: (doc: Doc) => void) => fixtureWith('2025-10-11', change);
    const oci = 3;
    const mcpb = 4;

    it('refuses a version, registryBaseUrl or fileSha256 on an oci package: the image reference carries them', () => {
      const doc = doc1011((d) => {
        d.packages[oci].version = '2.1.0';
        d.packages[oci].registryBaseUrl = 'https://docker.io';
        d.packages[oci].fileSha256 = SHA;
      });
      expect(problems(doc)).toEqual([
        {
          path: 'server.json#/packages/3/version',
          message: expect.stringMatching(/^must be left out of an oci package/),
        },
        {
          path: 'server.json#/packages/3/registryBaseUrl',
          message: expect.stringMatching(/^must be left out of an oci package/),
        },
        {
          path: 'server.json#/packages/3/fileSha256',
          message: expect.stringMatching(/^must be left out of an oci package/),
        },
      ]);
    });

    it('refuses a version and a registryBaseUrl on an mcpb package', () => {
      const doc = doc1011((d) => {
        d.packages[mcpb].version = '2.1.0';
        d.packages[mcpb].registryBaseUrl = 'https://github.com';
      });
      expect(problems(doc)).toEqual([
        { path: 'server.json#/packages/4/version', message: expect.stringMatching(/2025-10-17 allows it/) },
        {
          path: 'server.json#/packages/4/registryBaseUrl',
          message: expect.stringMatching(/^must be left out of an mcpb package/),
        },
      ]);
    });

    it('makes the package version optional, which the official registry still wants for npm, pypi, nuget and cargo', () => {
      const doc = doc1011((d) => {
        for (const index of [0, 2, 5, 6]) delete d.packages[index].version;
      });
      const expected = [0, 2, 5, 6].map((index) => `server.json#/packages/${index}/version`);
      expect(otherWarnings(doc)).toEqual(expected);
      expect(paths(problems(doc, { strict: true }))).toEqual(expected);
    });

    it('keeps unknown package fields with a warning now', () => {
      expect(otherWarnings(doc1011((d) => (d.packages[0].checksum = 'x')))).toEqual([
        'server.json#/packages/0/checksum',
      ]);
    });

    it('checks title, icons and placeholder', () => {
      const doc = doc1011((d) => {
        d.title = ' ';
        d.icons[0].src = 'http://acme.example.com/toolbox.svg';
        d.packages[2].packageArguments[0].placeholder = 7;
      });
      expect(paths(problems(doc))).toEqual([
        'server.json#/title',
        'server.json#/icons/0/src',
        'server.json#/packages/2/packageArguments/0/placeholder',
      ]);
    });

    it('does not yet know remote variables', () => {
      const doc = doc1011((d) => (d.remotes[0].variables = { tenant: {} }));
      expect(parseServerJson(json(doc)).warnings.slice(1)).toEqual([
        {
          path: 'server.json#/remotes/0/variables',
          message: 'arrived with the 2025-12-11 schema; this document declares 2025-10-11; kept as is',
        },
      ]);
    });
  });

  describe('schema 2025-10-17', () => {
    const doc1017 = (change: (doc: Doc) => void) => fixtureWith('2025-10-17', change);

    it('takes an mcpb package with or without a version', () => {
      expect(serverJsonFixture('2025-10-17')).toMatchObject({
        packages: expect.arrayContaining([expect.objectContaining({ registryType: 'mcpb', version: '2.1.0' })]),
      });
      expect(otherWarnings(doc1017((d) => delete d.packages[4].version))).toEqual([]);
    });

    it('still refuses a version on an oci package', () => {
      expect(paths(problems(doc1017((d) => (d.packages[3].version = '2.1.0'))))).toEqual([
        'server.json#/packages/3/version',
      ]);
    });
  });

  describe('schema 2025-12-11', () => {
    const doc1211 = (change: (doc: Doc) => void) => fixtureWith('2025-12-11', change);

    it('fills remote URL placeholders from the remote variables, names with dashes included', () => {
      const parsed = parseServerJson(readServerJsonFixture('2025-12-11'));
      expect(parsed.manifest.remotes?.[0]).toMatchObject({
        url: 'https://{tenant}.toolbox.acme.example.com/mcp/{server-name}',
        variables: { tenant: { isRequired: true }, 'server-name': { default: 'main' } },
      });
    });

    it('refuses a remote placeholder that is not among its variables', () => {
      const doc = doc1211((d) => delete d.remotes[0].variables['server-name']);
      expect(problems(doc)).toEqual([
        {
          path: 'server.json#/remotes/0/url',
          message: 'uses {server-name}, which is not declared (declared: tenant)',
        },
      ]);
    });

    it('fills {--port} from a named argument, and refuses one nothing declares', () => {
      expect(parseServerJson(readServerJsonFixture('2025-12-11')).manifest.packages?.[1]?.transport).toEqual({
        type: 'streamable-http',
        url: 'http://localhost:{--port}/mcp',
        headers: [expect.objectContaining({ name: 'X-Workspace' })],
      });
      expect(problems(doc1211((d) => (d.packages[1].transport.url = 'http://{--host}:{--port}/mcp')))).toEqual([
        {
          path: 'server.json#/packages/1/transport/url',
          message: 'uses {--host}, which is not declared (declared: --port)',
        },
      ]);
    });

    it('refuses a URL that starts with a placeholder: only the draft allows it', () => {
      const doc = doc1211((d) => {
        d.remotes[0].url = '{tenant}/mcp';
      });
      expect(problems(doc)).toEqual([
        { path: 'server.json#/remotes/0/url', message: expect.stringMatching(/but not start with one/) },
      ]);
    });

    it('does not know postInstallInstructions, which only the draft has', () => {
      const doc = doc1211((d) => (d.packages[4].postInstallInstructions = [{ description: 'x' }]));
      expect(parseServerJson(json(doc)).warnings).toEqual([
        {
          path: 'server.json#/packages/4/postInstallInstructions',
          message: 'is only in the draft schema, not in 2025-12-11; kept as is',
        },
      ]);
    });
  });

  describe('draft schema', () => {
    const draft = (change: (doc: Doc) => void) => fixtureWith('draft', change);

    it('lets a URL start with a placeholder, which must be declared', () => {
      expect(parseServerJson(readServerJsonFixture('draft')).manifest.remotes?.[1]?.url).toBe('{baseUrl}/mcp');
      expect(problems(draft((d) => (d.remotes[1].variables = {})))).toEqual([
        { path: 'server.json#/remotes/1/url', message: 'uses {baseUrl}, but no variable is declared' },
      ]);
    });

    it('checks postInstallInstructions', () => {
      const doc = draft((d) => {
        d.packages[4].postInstallInstructions = [{ command: 'x', documentation: 'not a url', optional: 'yes' }, 'step'];
      });
      expect(paths(problems(doc))).toEqual([
        'server.json#/packages/4/postInstallInstructions/0/description',
        'server.json#/packages/4/postInstallInstructions/0/documentation',
        'server.json#/packages/4/postInstallInstructions/0/optional',
        'server.json#/packages/4/postInstallInstructions/1',
      ]);
    });

    it('is recognised by the URL the registry repository gives it', () => {
      const doc = draft((d) => {
        d.$schema =
          'https://raw.githubusercontent.com/modelcontextprotocol/registry/main/docs/reference/server-json/draft/server.schema.json';
      });
      expect(parseServerJson(json(doc)).schemaVersion).toBe('draft');
    });
  });

  describe('the official registry publishing rules: warnings, errors when strict', () => {
    const npm12 = (extra: Record<string, unknown>) => ({ ...base, packages: [npm(extra)] });
    const cases: [string, unknown, string][] = [
      ['an http remote', remote({ url: 'http://mcp.example.com/mcp' }), 'server.json#/remotes/0/url'],
      ['a localhost remote', remote({ url: 'https://localhost:8443/mcp' }), 'server.json#/remotes/0/url'],
      ['an http websiteUrl', { ...remote(), websiteUrl: 'http://acme.example.com' }, 'server.json#/websiteUrl'],
      [
        'a repository source other than github or gitlab',
        { ...remote(), repository: { url: 'https://bitbucket.org/acme/demo', source: 'bitbucket' } },
        'server.json#/repository/source',
      ],
      [
        'a github URL that is not a repository',
        { ...remote(), repository: { url: 'https://github.com/acme/demo/tree/main', source: 'github' } },
        'server.json#/repository/url',
      ],
      [
        'a repository URL on another forge than its source',
        { ...remote(), repository: { url: 'https://gitlab.com/acme/demo', source: 'github' } },
        'server.json#/repository/url',
      ],
      ['a namespace ending with a hyphen', { ...remote(), name: 'io.github.acme-/demo' }, 'server.json#/name'],
      ['a name starting with a dot', { ...remote(), name: 'io.github.acme/.demo' }, 'server.json#/name'],
      ['one-character name parts', { ...remote(), name: 'a/b' }, 'server.json#/name'],
      [
        'an mcpb package without fileSha256',
        npm12({ registryType: 'mcpb', identifier: MCPB_URL }),
        'server.json#/packages/0/fileSha256',
      ],
      [
        'an mcpb package hosted elsewhere than GitHub or GitLab',
        npm12({ registryType: 'mcpb', identifier: 'https://cdn.example.com/demo.mcpb', fileSha256: SHA }),
        'server.json#/packages/0/identifier',
      ],
      ['fileSha256 on an npm package', npm12({ fileSha256: SHA }), 'server.json#/packages/0/fileSha256'],
      [
        'an npm registry mirror',
        npm12({ registryBaseUrl: 'https://npm.acme.example.com' }),
        'server.json#/packages/0/registryBaseUrl',
      ],
      ['an unknown registry type', npm12({ registryType: 'homebrew' }), 'server.json#/packages/0/registryType'],
      ['an npm package without a version', npm12({ version: undefined }), 'server.json#/packages/0/version'],
      [
        'an oci image without a tag or digest',
        npm12({ registryType: 'oci', identifier: 'ghcr.io/acme/demo', version: undefined }),
        'server.json#/packages/0/identifier',
      ],
      [
        'a _meta key other than the publisher-provided one',
        { ...remote(), _meta: { 'com.example/build': { id: 1 } } },
        'server.json#/_meta/com.example~1build',
      ],
      [
        'publisher-provided _meta over 4 KB',
        { ...remote(), _meta: { 'io.modelcontextprotocol.registry/publisher-provided': { notes: 'n'.repeat(4100) } } },
        'server.json#/_meta/io.modelcontextprotocol.registry~1publisher-provided',
      ],
    ];

    it.each(cases)('accepts %s with a warning', (_, value, path) => {
      expect(warningPaths(value)).toEqual([path]);
    });

    it.each(cases)('refuses %s when strict', (_, value, path) => {
      expect(paths(problems(value, { strict: true }))).toEqual([path]);
    });

    it('takes GitHub and GitLab repositories, nested GitLab groups, and the official registry base URLs', () => {
      const value = {
        ...base,
        repository: { url: 'https://gitlab.com/acme/platform/demo', source: 'gitlab', subfolder: 'mcp' },
        packages: [
          npm({ registryBaseUrl: 'https://registry.npmjs.org' }),
          npm({ registryType: 'pypi', identifier: 'acme-demo', registryBaseUrl: 'https://pypi.org' }),
          npm({
            registryType: 'nuget',
            identifier: 'Acme.Demo',
            registryBaseUrl: 'https://api.nuget.org/v3/index.json',
          }),
          npm({ registryType: 'cargo', identifier: 'acme-demo', registryBaseUrl: 'https://crates.io' }),
          npm({ registryType: 'oci', identifier: 'ghcr.io/acme/demo@sha256:' + 'a'.repeat(64), version: undefined }),
          npm({ registryType: 'mcpb', identifier: MCPB_URL, fileSha256: SHA }),
        ],
      };
      expect(warningPaths(value, { strict: true })).toEqual([]);
      expect(
        warningPaths(
          { ...remote(), repository: { url: 'https://github.com/acme/demo', source: 'github' } },
          { strict: true },
        ),
      ).toEqual([]);
    });

    it('measures publisher-provided _meta as the registry encodes it: <, > and & take six bytes each', () => {
      const meta = (notes: string) => ({
        ...remote(),
        _meta: { 'io.modelcontextprotocol.registry/publisher-provided': { notes } },
      });
      expect(warningPaths(meta('n'.repeat(4000)))).toEqual([]);
      expect(warningPaths(meta('<'.repeat(700)))).toEqual([
        'server.json#/_meta/io.modelcontextprotocol.registry~1publisher-provided',
      ]);
    });

    it('leaves schema errors errors in either mode, and adds no rule to a name the schema already refused', () => {
      expect(paths(problems({ ...remote(), name: 'io github/demo' }))).toEqual(['server.json#/name']);
      expect(paths(problems({ ...remote(), name: 'io github/demo' }, { strict: true }))).toEqual(['server.json#/name']);
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
      const parsed = parseServerJson(json({ ...remote(), homepage: 'https://acme.example.com' }));
      expect((parsed.manifest as unknown as Record<string, unknown>).homepage).toBe('https://acme.example.com');
      expect(parsed.warnings).toEqual([
        { path: 'server.json#/homepage', message: 'is not a known server.json field; kept as is' },
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
    it('requires registryType, identifier and transport (version since 2025-10-11 only for some types)', () => {
      expect(problems({ ...base, packages: [{}] })).toEqual([
        { path: 'server.json#/packages/0/registryType', message: 'is required' },
        { path: 'server.json#/packages/0/identifier', message: 'is required' },
        { path: 'server.json#/packages/0/transport', message: 'is required' },
      ]);
    });

    it('refuses packages that are not a list, and items that are not objects', () => {
      expect(paths(problems({ ...base, packages: {} }))).toEqual(['server.json#/packages']);
      expect(paths(problems({ ...base, packages: ['npm'] }))).toEqual(['server.json#/packages/0']);
    });

    it.each(['npm', 'pypi', 'nuget', 'cargo'])('accepts the registry type %s without a warning', (registryType) => {
      expect(warningPaths(withPackage({ registryType }))).toEqual([]);
    });

    it('accepts oci with the tag in its identifier, and mcpb with fileSha256, without a warning', () => {
      expect(
        warningPaths(withPackage({ registryType: 'oci', identifier: 'acme/demo:1.0.0', version: undefined })),
      ).toEqual([]);
      expect(warningPaths(withPackage({ registryType: 'mcpb', identifier: MCPB_URL, fileSha256: SHA }))).toEqual([]);
    });

    it('accepts an unknown registry type with a warning', () => {
      expect(parseServerJson(json(withPackage({ registryType: 'homebrew' }))).warnings).toEqual([
        { path: 'server.json#/packages/0/registryType', message: expect.stringMatching(/"homebrew" is not one of/) },
      ]);
    });

    it('warns when an mcpb package has no fileSha256', () => {
      expect(warningPaths(withPackage({ registryType: 'mcpb', identifier: MCPB_URL }))).toEqual([
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
