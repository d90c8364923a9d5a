// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} references are the client syntax being matched
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../domain/manifests/manifest.ts';
import { parseServerJson } from '../../domain/manifests/server-json.ts';
import {
  ClaudeManagedMcpSchema,
  ClaudeManagedSettingsSchema,
  CopilotManagedSettingsSchema,
  KiroRegistrySchema,
} from '../../entrypoints/http/schemas/exports.ts';
import {
  claudeManagedMcp,
  claudeManagedSettings,
  copilotManagedSettings,
  copilotUrlPattern,
  globMatches,
  kiroRegistry,
  type ManagedServer,
  type McpServerMatcher,
  NOTHING_APPROVED,
} from './managed-settings.ts';
import { renderMcpInstall } from './render-mcp-install.ts';

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);
const validate = (schema: object, value: unknown) => {
  const check = ajv.compile(schema);
  // Parsed from the text a client reads, not the object in memory.
  const ok = check(JSON.parse(JSON.stringify(value)));
  return ok ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
};

/** A server as the catalog holds it, its server.json checked by Atlas's own parser. */
function item(namespace: string, name: string, json: Record<string, unknown>): ManagedServer {
  const manifest = parseServerJson(
    new TextEncoder().encode(JSON.stringify({ description: `The ${name} server.`, version: '1.0.0', ...json })),
  ).manifest;
  return { namespace, name, serverName: manifest.name, manifest: manifest as unknown as Record<string, unknown> };
}

const weather = item('platform', 'weather', {
  name: 'io.github.acme/weather',
  title: 'Weather',
  packages: [
    {
      registryType: 'npm',
      identifier: '@acme/weather-mcp',
      version: '1.4.0',
      transport: { type: 'stdio' },
      environmentVariables: [
        { name: 'WEATHER_API_KEY', isSecret: true, isRequired: true },
        { name: 'WEATHER_UNITS', default: 'metric' },
      ],
    },
  ],
  remotes: [{ type: 'streamable-http', url: 'https://weather.example.com/mcp' }],
});
const files = item('data', 'files', {
  name: 'com.example/files',
  packages: [
    {
      registryType: 'pypi',
      identifier: 'files-mcp',
      version: '0.3.1',
      transport: { type: 'stdio' },
      packageArguments: [
        { type: 'named', name: '--read-only', value: '' },
        { type: 'positional', valueHint: 'root_dir', isRequired: true },
      ],
    },
  ],
});
const tickets = item('platform', 'tickets', {
  name: 'com.example/tickets',
  remotes: [
    {
      type: 'streamable-http',
      url: 'https://{tenant}.tickets.example.com/orgs/{org}/mcp',
      variables: { tenant: { isRequired: true }, org: { default: 'main' } },
      headers: [{ name: 'Authorization', value: 'Bearer {token}', variables: { token: { isSecret: true } } }],
    },
  ],
});
const search = item('search', 'files', {
  name: 'com.example/search',
  packages: [
    {
      registryType: 'oci',
      identifier: 'ghcr.io/acme/search',
      transport: { type: 'stdio' },
      runtimeArguments: [{ type: 'named', name: '--network', value: 'host' }],
      environmentVariables: [{ name: 'SEARCH_INDEX', value: 'docs' }],
    },
  ],
});
const docs = item('platform', 'docs', {
  name: 'com.example/docs',
  remotes: [
    {
      type: 'sse',
      url: 'https://docs.example.com/{region}/sse',
      variables: { region: { default: 'eu', choices: ['eu', 'us'] } },
      headers: [
        { name: 'X-Team', value: 'platform' },
        { name: 'X-Api-Key', isSecret: true, isRequired: true },
      ],
    },
  ],
});
const bundle = item('tools', 'bundle', {
  name: 'com.example/bundle',
  packages: [
    {
      registryType: 'mcpb',
      identifier: 'https://example.com/bundle.mcpb',
      fileSha256: 'a'.repeat(64),
      transport: { type: 'stdio' },
    },
  ],
});
const oldWeather = item('legacy', 'weather', {
  name: 'com.example/old-weather',
  packages: [{ registryType: 'npm', identifier: 'old-weather-mcp', version: '0.9.0', transport: { type: 'stdio' } }],
  // The same host as an approved server: denying it would block that one too.
  remotes: [{ type: 'streamable-http', url: 'https://weather.example.com/mcp' }],
});
const approved = [weather, files, tickets, search, docs];

/** Every package and remote Atlas installs for `client`, as `atlas install` writes it. */
function installs(server: ManagedServer, client: 'claude-code' | 'vscode') {
  const manifest = server.manifest as never as Parameters<typeof renderMcpInstall>[0];
  return [
    ...(manifest.packages ?? []).map((_p, index) => ({ package: index })),
    ...(manifest.remotes ?? []).map((_r, index) => ({ remote: index })),
  ].map((choose) => renderMcpInstall(manifest, client, { serverKey: server.name, choose }));
}

/** `${VAR}`, `${VAR:-default}`, `${env:VAR}` and `${input:id}` filled from `values`, as the clients expand them. */
const expand = (text: string, values: Record<string, string>) =>
  text.replace(/\$\{(?:env:|input:)?([^}:]+)(?::-([^}]*))?\}/g, (_m, name: string, fallback?: string) => {
    const value = values[name] ?? values[name.toUpperCase().replaceAll('-', '_')] ?? fallback;
    if (value === undefined) throw new Error(`no value for ${name}`);
    return value;
  });

/** A developer's values for every variable the fixtures use. */
const ENV = { TICKETS_TENANT: 'acme', TICKETS_TOKEN: 's3cret', FILES_ROOT_DIR: '/srv/files', WEATHER_API_KEY: 'k' };

/**
 * Claude Code's rule (code.claude.com/docs/en/managed-mcp, "How a server is evaluated"): a remote needs a
 * `serverUrl` match, a stdio server a `serverCommand` match; both sides expand `${VAR}` before comparing; commands
 * compare exactly, URLs with `*` matching any text.
 */
function claudeAllows(list: readonly McpServerMatcher[], name: string, entry: JsonObject): boolean {
  if (typeof entry.url === 'string') {
    const url = expand(entry.url, ENV);
    const urls = list.flatMap((m) => ('serverUrl' in m ? [m.serverUrl] : []));
    if (urls.length === 0) return list.some((m) => 'serverName' in m && m.serverName === name);
    return urls.some((pattern) => globMatches(expand(pattern, ENV), url));
  }
  const argv = [entry.command, ...(entry.args as string[])].map((part) => expand(String(part), ENV));
  const commands = list.flatMap((m) => ('serverCommand' in m ? [m.serverCommand] : []));
  if (commands.length === 0) return list.some((m) => 'serverName' in m && m.serverName === name);
  return commands.some((command) => JSON.stringify(command.map((part) => expand(part, ENV))) === JSON.stringify(argv));
}

/**
 * Copilot's rule (docs.github.com, "Enterprise managed settings"): `serverName` matches the installed name, a
 * `serverCommand` the exact argv with no expansion, a `serverUrl` the URL with `*` wildcards.
 */
function copilotAllows(list: readonly McpServerMatcher[], name: string, entry: JsonObject): boolean {
  return list.some((matcher) => {
    if ('serverName' in matcher) return matcher.serverName === name;
    if ('serverUrl' in matcher)
      return typeof entry.url === 'string' && globMatches(matcher.serverUrl, expand(entry.url, ENV));
    if (typeof entry.command !== 'string') return false;
    const argv = [entry.command, ...(entry.args as string[])].map((part) => expand(part, ENV));
    return JSON.stringify(matcher.serverCommand) === JSON.stringify(argv);
  });
}

describe('Claude Code managed-mcp.json', () => {
  it('holds every approved server exactly as atlas install writes it for Claude Code, in .mcp.json form', () => {
    const { file, notes } = claudeManagedMcp([...approved, bundle]);
    expect(validate(ClaudeManagedMcpSchema, file)).toEqual([]);
    // Two items named files, in two namespaces: each keyed by namespace.
    expect(Object.keys(file.mcpServers).sort()).toEqual(['data-files', 'docs', 'search-files', 'tickets', 'weather']);
    expect(file.mcpServers.weather).toEqual(
      renderMcpInstall(weather.manifest as never, 'claude-code', { serverKey: 'weather' }).entry,
    );
    expect(file.mcpServers.weather).toMatchObject({
      type: 'stdio',
      command: 'npx',
      args: ['-y', '@acme/weather-mcp@1.4.0'],
      env: { WEATHER_API_KEY: '${WEATHER_API_KEY}', WEATHER_UNITS: 'metric' },
    });
    expect(notes).toEqual([expect.stringMatching(/^mcp\/tools\/bundle left out: .*MCP bundle/)]);
  });
});

describe('Claude Code managed-settings.json', () => {
  const { file, notes } = claudeManagedSettings(approved, [oldWeather, bundle]);

  it('is a managed settings fragment of the documented shape that only its own allowlist can widen', () => {
    expect(validate(ClaudeManagedSettingsSchema, file)).toEqual([]);
    expect(file.allowManagedMcpServersOnly).toBe(true);
    expect(file.extraKnownMarketplaces).toBeUndefined();
    expect(file.strictKnownMarketplaces).toBeUndefined();
    expect(notes).toEqual([]);
  });

  it('allows every package and remote of every approved server as atlas install configures it', () => {
    for (const server of approved) {
      for (const install of installs(server, 'claude-code')) {
        expect(claudeAllows(file.allowedMcpServers, server.name, install.entry), JSON.stringify(install.entry)).toBe(
          true,
        );
      }
    }
    expect(file.allowedMcpServers).toEqual(
      expect.arrayContaining([
        { serverCommand: ['npx', '-y', '@acme/weather-mcp@1.4.0'] },
        { serverUrl: 'https://weather.example.com/mcp' },
        { serverCommand: ['uvx', 'files-mcp==0.3.1', '--read-only', '${FILES_ROOT_DIR}'] },
        // The tenant the developer sets is any host label: a variable never reaches the allowlist.
        { serverUrl: 'https://*.tickets.example.com/orgs/main/mcp' },
      ]),
    );
    expect(JSON.stringify(file.allowedMcpServers.filter((m) => 'serverUrl' in m))).not.toContain('${');
  });

  it('refuses a server that is not approved, and denies retired ones unless that would block an approved one', () => {
    const stranger = { type: 'stdio', command: 'npx', args: ['-y', '@evil/mcp'] };
    expect(claudeAllows(file.allowedMcpServers, 'evil', stranger)).toBe(false);
    const other = { type: 'http', url: 'https://tickets.example.org/mcp' };
    expect(claudeAllows(file.allowedMcpServers, 'tickets', other)).toBe(false);
    expect(file.deniedMcpServers).toEqual([{ serverCommand: ['npx', '-y', 'old-weather-mcp@0.9.0'] }]);
  });

  it('warns that an empty allowlist lets no server run', () => {
    expect(claudeManagedSettings([], [oldWeather]).notes).toEqual([NOTHING_APPROVED]);
    expect(copilotManagedSettings([bundle], []).notes).toContain(NOTHING_APPROVED);
    expect(kiroRegistry([]).notes).toEqual([NOTHING_APPROVED]);
    expect(claudeManagedMcp([]).notes).toEqual([NOTHING_APPROVED]);
  });

  it('names the Atlas marketplace only when asked, strictly only when asked', () => {
    const url = 'https://atlas.example.com/marketplaces/claude-code.json';
    const extra = claudeManagedSettings(approved, [], { marketplace: { name: 'atlas', url } }).file;
    expect(validate(ClaudeManagedSettingsSchema, extra)).toEqual([]);
    expect(extra.extraKnownMarketplaces).toEqual({ atlas: { source: { source: 'url', url } } });
    expect(extra.strictKnownMarketplaces).toBeUndefined();
    const strict = claudeManagedSettings(approved, [], { marketplace: { name: 'atlas', url, strict: true } }).file;
    expect(strict.strictKnownMarketplaces).toEqual([{ source: 'url', url }]);
  });
});

describe('GitHub Copilot managed-settings.json', () => {
  const { file, notes } = copilotManagedSettings(approved, [oldWeather]);

  it('has the documented shape and never an unresolved variable, which would make Copilot block the server', () => {
    expect(validate(CopilotManagedSettingsSchema, file)).toEqual([]);
    expect(JSON.stringify(file)).not.toMatch(/\$\{|\$[A-Z]/);
  });

  it('allows every package and remote of every approved server as atlas install configures it for Copilot', () => {
    for (const server of approved) {
      for (const install of installs(server, 'vscode')) {
        for (const entry of [install.entry, install.portable!.entry]) {
          expect(copilotAllows(file.allowedMcpServers, server.name, entry), JSON.stringify(entry)).toBe(true);
        }
      }
    }
    expect(file.allowedMcpServers).toEqual(
      expect.arrayContaining([
        { serverCommand: ['npx', '-y', '@acme/weather-mcp@1.4.0'] },
        {
          serverCommand: [
            'docker',
            'run',
            '-i',
            '--rm',
            '-e',
            'SEARCH_INDEX',
            '--network',
            'host',
            'ghcr.io/acme/search',
          ],
        },
        // A host label or a path part the developer fills is a wildcard; the path from there on is a prefix.
        { serverUrl: 'https://*.tickets.example.com/orgs/main/mcp' },
        // The root folder is the developer's: Copilot cannot match that command, so the name allows it.
        { serverName: 'files' },
      ]),
    );
    expect(notes).toEqual([expect.stringContaining('mcp/data/files')]);
  });

  it('denies retired commands but not a URL an approved server also uses', () => {
    expect(file.deniedMcpServers).toEqual([{ serverCommand: ['npx', '-y', 'old-weather-mcp@0.9.0'] }]);
    expect(copilotAllows(file.allowedMcpServers, 'other', { command: 'npx', args: ['-y', 'other'] })).toBe(false);
  });

  it('turns variables into the wildcards Copilot supports: host labels, ports and path prefixes', () => {
    expect(copilotUrlPattern('https://${T}.example.com/mcp')).toBe('https://*.example.com/mcp');
    expect(copilotUrlPattern('http://localhost:${PORT}/mcp')).toBe('http://localhost:*/mcp');
    expect(copilotUrlPattern('https://api.example.com/orgs/${ORG}/mcp')).toBe('https://api.example.com/orgs/*');
    expect(copilotUrlPattern('https://api.example.com/mcp?key=${KEY}')).toBe('https://api.example.com/mcp?*');
    expect(copilotUrlPattern('https://api.example.com/mcp')).toBe('https://api.example.com/mcp');
    expect(globMatches('https://*.example.com/mcp', 'https://acme.example.com/mcp')).toBe(true);
    expect(globMatches('https://*.example.com/mcp', 'https://acme.example.org/mcp')).toBe(false);
  });
});

describe('Kiro registry.json', () => {
  const { file, notes } = kiroRegistry([...approved, bundle], { metaKey: 'com.example.atlas/item' });

  it("validates against Kiro's registry schema: one package or one remote per server, names without a slash", () => {
    expect(validate(KiroRegistrySchema, file)).toEqual([]);
    expect(file.servers.map((s) => s.server.name)).toEqual([
      'io.github.acme.weather',
      'com.example.search',
      'com.example.docs',
    ]);
    expect(file.servers.every((s) => !s.server.name.includes('/'))).toBe(true);
  });

  it('states the mapping to the server name and item in _meta', () => {
    expect(file.servers[0]!.server._meta).toEqual({
      'com.example.atlas/item': { serverName: 'io.github.acme/weather', ref: 'mcp/platform/weather' },
    });
  });

  it('pins the package version in the identifier and never writes a secret', () => {
    expect(file.servers[0]!.server).toMatchObject({
      title: 'Weather',
      version: '1.0.0',
      packages: [
        {
          registryType: 'npm',
          identifier: '@acme/weather-mcp@1.4.0',
          transport: { type: 'stdio' },
          environmentVariables: [{ name: 'WEATHER_API_KEY' }, { name: 'WEATHER_UNITS', value: 'metric' }],
        },
      ],
    });
    expect(file.servers[1]!.server.packages![0]).toMatchObject({
      identifier: 'ghcr.io/acme/search',
      runtimeArguments: [
        { type: 'positional', value: '--network' },
        { type: 'positional', value: 'host' },
      ],
    });
  });

  it('fills a remote URL from its defaults and keeps fixed headers, a secret one without a value', () => {
    expect(file.servers[2]!.server.remotes).toEqual([
      {
        type: 'sse',
        url: 'https://docs.example.com/eu/sse',
        headers: [{ name: 'X-Team', value: 'platform' }, { name: 'X-Api-Key' }],
      },
    ]);
  });

  it('leaves out what Kiro users could not complete, and says why', () => {
    // Kiro users cannot edit a registry server's arguments or URL: the root folder and the tenant are theirs.
    expect(notes).toEqual([
      expect.stringMatching(/^mcp\/data\/files left out of the Kiro registry: package 0 needs root_dir/),
      expect.stringMatching(/^mcp\/platform\/tickets left out of the Kiro registry: remote 0 has a URL variable/),
      expect.stringMatching(/^mcp\/tools\/bundle left out of the Kiro registry: package 0 comes from mcpb/),
    ]);
  });
});
