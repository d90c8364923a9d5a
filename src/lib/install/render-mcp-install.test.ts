// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} placeholders are the client syntax being rendered

import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { MCP_CLIENTS, type McpClient, type McpInstall } from '../../domain/catalog/install-clients.ts';
import { ValidationError } from '../../domain/errors.ts';
import { parseServerJson, type ServerJson, type ServerPackage } from '../../domain/manifests/server-json.ts';
import { readManifestFixture } from '../../domain/manifests/testing/manifest-fixtures.ts';
import { renderMcpInstall } from './render-mcp-install.ts';

const fixture = (name: 'githubServer' | 'filesystemServer' | 'weatherServer' | 'nugetServer' | 'mcpbServer') =>
  parseServerJson(readManifestFixture(name)).manifest;

const base = { name: 'io.github.acme/demo', description: 'Demo.', version: '1.0.0' };
const pkg = (extra: Partial<ServerPackage> = {}): ServerPackage => ({
  registryType: 'npm',
  identifier: '@acme/demo',
  version: '1.0.0',
  transport: { type: 'stdio' },
  ...extra,
});
/**
 * An OCI package as servers published before the 2025-10-11 schema give it (a version beside an untagged image):
 * stored items may still hold one, so the renderer keeps handling it, but the parser of today refuses it.
 */
const legacy = (value: Record<string, unknown>): ServerJson => ({ ...base, ...value }) as unknown as ServerJson;
/** Validates through the parser, so every server the tests render is one Atlas would accept. */
const server = (value: Record<string, unknown>): ServerJson =>
  parseServerJson(new TextEncoder().encode(JSON.stringify({ ...base, ...value }))).manifest;

// ---- The configuration shapes each client documents ----

type Json = unknown;
const isObject = (value: Json): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringList = (value: Json) => Array.isArray(value) && value.every((item) => typeof item === 'string');
const isStringMap = (value: Json) => isObject(value) && Object.values(value).every((item) => typeof item === 'string');

function shapeProblems(
  entry: Json,
  shape: { required: Record<string, (value: Json) => boolean>; optional?: Record<string, (value: Json) => boolean> },
) {
  if (!isObject(entry)) return ['entry is not an object'];
  const problems: string[] = [];
  for (const [key, check] of Object.entries(shape.required)) {
    if (!(key in entry) || !check(entry[key])) problems.push(`bad or missing ${key}`);
  }
  for (const [key, value] of Object.entries(entry)) {
    const check = shape.required[key] ?? shape.optional?.[key];
    if (!check) problems.push(`unexpected ${key}`);
    else if (!check(value)) problems.push(`bad ${key}`);
  }
  return problems;
}

const is = (expected: string) => (value: Json) => value === expected;
const oneOf =
  (...expected: string[]) =>
  (value: Json) =>
    typeof value === 'string' && expected.includes(value);
const isString = (value: Json) => typeof value === 'string' && value.length > 0;
const stdioFields = { optional: { args: isStringList, env: isStringMap } };

/** Checks an entry against the client's documented format; returns what does not fit. */
function clientShapeProblems(install: McpInstall): string[] {
  const { entry } = install;
  const local = isObject(entry) && 'command' in entry;
  switch (install.client) {
    case 'claude-code':
      // .mcp.json / ~/.claude.json: {type: stdio, command, args, env} or {type: http|sse, url, headers}
      return local
        ? shapeProblems(entry, { required: { type: is('stdio'), command: isString }, ...stdioFields })
        : shapeProblems(entry, {
            required: { type: oneOf('http', 'sse'), url: isString },
            optional: { headers: isStringMap },
          });
    case 'claude-desktop':
      // claude_desktop_config.json knows local servers only: {command, args, env}
      return shapeProblems(entry, { required: { command: isString }, ...stdioFields });
    case 'cursor':
      // ~/.cursor/mcp.json: {command, args, env} or {url, headers}
      return local
        ? shapeProblems(entry, { required: { command: isString }, ...stdioFields })
        : shapeProblems(entry, { required: { url: isString }, optional: { headers: isStringMap } });
    case 'windsurf':
      // ~/.codeium/windsurf/mcp_config.json: {command, args, env} or {serverUrl, headers}
      return local
        ? shapeProblems(entry, { required: { command: isString }, ...stdioFields })
        : shapeProblems(entry, { required: { serverUrl: isString }, optional: { headers: isStringMap } });
    case 'gemini':
      // settings.json: {command, args, env}, {httpUrl, headers} (streamable HTTP) or {url, type: sse, headers}
      if (local) return shapeProblems(entry, { required: { command: isString }, ...stdioFields });
      return 'httpUrl' in entry
        ? shapeProblems(entry, { required: { httpUrl: isString }, optional: { headers: isStringMap } })
        : shapeProblems(entry, { required: { url: isString, type: is('sse') }, optional: { headers: isStringMap } });
    case 'codex': {
      // config.toml [mcp_servers.<name>]: {command, args, env, env_vars} or
      // {url, bearer_token_env_var, http_headers, env_http_headers}; Codex expands no ${VAR} itself.
      const problems = local
        ? shapeProblems(entry, {
            required: { command: isString },
            optional: { args: isStringList, env: isStringMap, env_vars: isStringList },
          })
        : shapeProblems(entry, {
            required: { url: isString },
            optional: { bearer_token_env_var: isString, http_headers: isStringMap, env_http_headers: isStringMap },
          });
      const bridged = Array.isArray(entry.args) && entry.args.includes('mcp-remote');
      if (!bridged && JSON.stringify(entry).includes('${')) problems.push('a ${...} reference Codex does not expand');
      return problems;
    }
    case 'vscode': {
      // .vscode/mcp.json: {type: stdio, command, args, env} or {type: http|sse, url, headers}, plus inputs
      const problems = local
        ? shapeProblems(entry, { required: { type: is('stdio'), command: isString }, ...stdioFields })
        : shapeProblems(entry, {
            required: { type: oneOf('http', 'sse'), url: isString },
            optional: { headers: isStringMap },
          });
      const ids = new Set((install.inputs ?? []).map((input) => input.id));
      for (const input of install.inputs ?? []) {
        problems.push(
          ...shapeProblems(input, {
            required: { type: is('promptString'), id: isString, description: isString },
            optional: { password: (value) => value === true },
          }),
        );
      }
      for (const match of JSON.stringify(entry).matchAll(/\$\{input:([^}]+)\}/g)) {
        if (!ids.has(match[1]!)) problems.push(`\${input:${match[1]}} has no input`);
      }
      // The portable entry is Claude Code's shape, with ${VAR} from the environment.
      if (JSON.stringify(install.portable).includes('${input:')) problems.push('the portable entry needs an input');
      return problems;
    }
    case 'agents':
      return ['agents reads no MCP servers'];
  }
}

/** Splits a POSIX shell command line into words, leaving `${VAR}` unexpanded so tests can see it. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i]!;
    if (char === ' ') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "'") {
      const end = line.indexOf("'", i + 1);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (char === '"') {
      word = word ?? '';
      for (i += 1; line[i] !== '"'; i += 1) {
        if (line[i] === '\\' && '\\"$`'.includes(line[i + 1]!)) i += 1;
        word += line[i];
      }
    } else if (char === '\\') {
      word = (word ?? '') + line[i + 1];
      i += 1;
    } else {
      if ('|&;<>()`*?[#~'.includes(char)) throw new Error(`unquoted shell metacharacter ${char} in: ${line}`);
      if (char === '$' && line[i + 1] === '{') throw new Error(`unquoted variable in: ${line}`);
      word = (word ?? '') + char;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

describe('renderMcpInstall', () => {
  describe('each client and registry type', () => {
    /** A local server's entry: Claude Code and VS Code tag it with `type: "stdio"`, the other clients do not. */
    const local = (base: Record<string, Json>) => (client: McpClient) =>
      client === 'claude-code' || client === 'vscode' ? { type: 'stdio', ...base } : base;
    const registries: [string, ServerJson, (client: McpClient) => Json][] = [
      [
        'npm',
        server({ packages: [pkg({ environmentVariables: [{ name: 'MODE', default: 'fast' }] })] }),
        local({ command: 'npx', args: ['-y', '@acme/demo@1.0.0'], env: { MODE: 'fast' } }),
      ],
      [
        'pypi',
        server({ packages: [pkg({ registryType: 'pypi', identifier: 'demo-mcp' })] }),
        local({ command: 'uvx', args: ['demo-mcp==1.0.0'] }),
      ],
      [
        'oci',
        legacy({
          packages: [
            pkg({
              registryType: 'oci',
              identifier: 'acme/demo',
              environmentVariables: [{ name: 'MODE', default: 'fast' }],
            }),
          ],
        }),
        local({
          command: 'docker',
          args: ['run', '-i', '--rm', '-e', 'MODE', 'acme/demo:1.0.0'],
          env: { MODE: 'fast' },
        }),
      ],
      [
        'nuget',
        server({ packages: [pkg({ registryType: 'nuget', identifier: 'Acme.Demo' })] }),
        local({ command: 'dnx', args: ['Acme.Demo@1.0.0', '--yes'] }),
      ],
      [
        'cargo',
        server({
          packages: [
            pkg({
              registryType: 'cargo',
              identifier: 'demo-mcp',
              packageArguments: [{ type: 'positional', value: 'serve' }],
            }),
          ],
        }),
        local({ command: 'demo-mcp', args: ['serve'] }),
      ],
    ];

    for (const [registry, value, expected] of registries) {
      for (const client of MCP_CLIENTS) {
        it(`renders a ${registry} package for ${client}`, () => {
          const install = renderMcpInstall(value, client, { serverKey: 'demo' });
          expect(install.entry).toEqual(expected(client));
          expect(clientShapeProblems(install)).toEqual([]);
          expect(install.source).toEqual({ type: 'package', index: 0 });
        });
      }
    }

    const remotes: [string, 'streamable-http' | 'sse', 'http' | 'sse'][] = [
      ['a streamable-http remote', 'streamable-http', 'http'],
      ['an sse remote', 'sse', 'sse'],
    ];
    for (const [label, type, clientType] of remotes) {
      const value = server({
        remotes: [{ type, url: 'https://mcp.example.com/mcp', headers: [{ name: 'X-Mode', default: 'fast' }] }],
      });
      for (const client of MCP_CLIENTS) {
        it(`renders ${label} for ${client}`, () => {
          const install = renderMcpInstall(value, client, { serverKey: 'demo' });
          expect(clientShapeProblems(install)).toEqual([]);
          expect(install.source).toEqual({ type: 'remote', index: 0 });
          const expected: Record<McpClient, Json> = {
            'claude-code': { type: clientType, url: 'https://mcp.example.com/mcp', headers: { 'X-Mode': 'fast' } },
            vscode: { type: clientType, url: 'https://mcp.example.com/mcp', headers: { 'X-Mode': 'fast' } },
            cursor: { url: 'https://mcp.example.com/mcp', headers: { 'X-Mode': 'fast' } },
            'claude-desktop': {
              command: 'npx',
              args: ['-y', 'mcp-remote', 'https://mcp.example.com/mcp', '--header', 'X-Mode:fast'],
            },
            windsurf: { serverUrl: 'https://mcp.example.com/mcp', headers: { 'X-Mode': 'fast' } },
            gemini:
              clientType === 'http'
                ? { httpUrl: 'https://mcp.example.com/mcp', headers: { 'X-Mode': 'fast' } }
                : { url: 'https://mcp.example.com/mcp', type: 'sse', headers: { 'X-Mode': 'fast' } },
            codex:
              clientType === 'http'
                ? { url: 'https://mcp.example.com/mcp', http_headers: { 'X-Mode': 'fast' } }
                : {
                    command: 'npx',
                    args: ['-y', 'mcp-remote', 'https://mcp.example.com/mcp', '--header', 'X-Mode:fast'],
                  },
          };
          expect(install.entry).toEqual(expected[client]);
        });
      }
    }

    it.each(MCP_CLIENTS)('renders every fixture server for %s in its documented shape', (client) => {
      for (const name of ['githubServer', 'filesystemServer', 'weatherServer', 'nugetServer', 'mcpbServer'] as const) {
        const value = fixture(name);
        const choices = [
          ...(value.packages ?? []).map((_, index) => ({ package: index })),
          ...(value.remotes ?? []).map((_, index) => ({ remote: index })),
        ].filter((choice) => !('package' in choice) || value.packages?.[choice.package]?.registryType !== 'mcpb');
        for (const choose of choices) {
          const install = renderMcpInstall(value, client, { serverKey: 'demo', choose });
          expect(clientShapeProblems(install), `${name} ${JSON.stringify(choose)}`).toEqual([]);
        }
      }
    });
  });

  describe('where the entry goes', () => {
    it.each([
      ['claude-code', 'mcpServers', { user: '~/.claude.json', project: '.mcp.json' }],
      ['claude-desktop', 'mcpServers', { user: '~/Library/Application Support/Claude/claude_desktop_config.json' }],
      ['cursor', 'mcpServers', { user: '~/.cursor/mcp.json', project: '.cursor/mcp.json' }],
      ['vscode', 'servers', { project: '.vscode/mcp.json' }],
      ['codex', 'mcp_servers', { user: '~/.codex/config.toml', project: '.codex/config.toml' }],
      ['gemini', 'mcpServers', { user: '~/.gemini/settings.json', project: '.gemini/settings.json' }],
      ['windsurf', 'mcpServers', { user: '~/.codeium/windsurf/mcp_config.json' }],
    ] as const)('names the config file and container of %s', (client, containerKey, configPath) => {
      const install = renderMcpInstall(fixture('githubServer'), client, { serverKey: 'github' });
      expect(install).toMatchObject({ client, serverKey: 'github', containerKey, configPath });
    });

    it('says which syntax each file has: JSON, JSON with comments, or TOML', () => {
      const formats = Object.fromEntries(
        MCP_CLIENTS.map((client) => [
          client,
          renderMcpInstall(fixture('githubServer'), client, { serverKey: 'g' }).format,
        ]),
      );
      expect(formats).toEqual({
        'claude-code': 'json',
        'claude-desktop': 'json',
        cursor: 'json',
        vscode: 'jsonc',
        codex: 'toml',
        gemini: 'jsonc',
        windsurf: 'json',
      });
    });

    it('refuses the agents folder, which takes skills only', () => {
      expect(() => renderMcpInstall(fixture('githubServer'), 'agents', { serverKey: 'g' })).toThrow(
        /agents is the shared \.agents\/skills folder/,
      );
    });

    it('mentions the Windows and Linux paths of Claude Desktop', () => {
      const { notes } = renderMcpInstall(fixture('githubServer'), 'claude-desktop', { serverKey: 'github' });
      expect(notes.join('\n')).toMatch(/%APPDATA%\\Claude\\claude_desktop_config\.json/);
      expect(notes.join('\n')).toMatch(/~\/\.config\/Claude\/claude_desktop_config\.json/);
    });

    it('gives a command only for Claude Code and inputs only for VS Code', () => {
      for (const client of MCP_CLIENTS) {
        const install = renderMcpInstall(fixture('githubServer'), client, { serverKey: 'github' });
        expect(install.command !== undefined).toBe(client === 'claude-code');
        expect(install.inputs !== undefined).toBe(client === 'vscode');
      }
    });
  });

  describe('secrets', () => {
    const leaky = server({
      packages: [
        pkg({
          environmentVariables: [
            { name: 'API_KEY', isSecret: true, isRequired: true, default: 'sk-default-LEAK' },
            { name: 'FIXED_SECRET', isSecret: true, value: 'hunter2-LEAK' },
          ],
          packageArguments: [{ type: 'named', name: '--token', isSecret: true, default: 'tok-LEAK' }],
        }),
      ],
      remotes: [
        {
          type: 'streamable-http',
          url: 'https://{tenant}.example.com/mcp',
          variables: { tenant: { isSecret: true, default: 'tenant-LEAK' } },
          headers: [
            {
              name: 'Authorization',
              value: 'Bearer {key}',
              variables: { key: { isSecret: true, default: 'key-LEAK' } },
            },
            { name: 'X-Api-Key', isSecret: true, value: 'static-LEAK' },
          ],
        },
      ],
    });

    for (const client of MCP_CLIENTS) {
      for (const choose of [{ package: 0 }, { remote: 0 }]) {
        it(`never writes a secret value for ${client} (${JSON.stringify(choose)})`, () => {
          const install = renderMcpInstall(leaky, client, { serverKey: 'demo', choose });
          expect(JSON.stringify(install)).not.toMatch(/LEAK/);
          expect(install.secrets.length).toBeGreaterThan(0);
          expect(clientShapeProblems(install)).toEqual([]);
        });
      }
    }

    it('writes each client its own placeholder for a secret environment variable', () => {
      const env = (client: McpClient) =>
        (renderMcpInstall(fixture('githubServer'), client, { serverKey: 'github' }).entry.env as Record<string, string>)
          .GITHUB_TOKEN;
      expect(env('claude-code')).toBe('${GITHUB_TOKEN}');
      expect(env('cursor')).toBe('${env:GITHUB_TOKEN}');
      expect(env('vscode')).toBe('${input:github-token}');
      expect(env('claude-desktop')).toBe('<set GITHUB_TOKEN>');
      expect(env('gemini')).toBe('${GITHUB_TOKEN}');
      expect(env('windsurf')).toBe('${env:GITHUB_TOKEN}');
      // Codex passes the variable through from its own environment instead.
      const codex = renderMcpInstall(fixture('githubServer'), 'codex', { serverKey: 'github' }).entry;
      expect(codex.env).toEqual({ GITHUB_HOST: 'github.com', LOG_LEVEL: 'info' });
      expect(codex.env_vars).toEqual(['GITHUB_TOKEN']);
    });

    it('lists the secrets the user must set, whatever the client', () => {
      for (const client of MCP_CLIENTS) {
        expect(renderMcpInstall(fixture('githubServer'), client, { serverKey: 'github' }).secrets).toEqual([
          'GITHUB_TOKEN',
        ]);
      }
    });

    it('declares a password input for each VS Code secret', () => {
      const install = renderMcpInstall(fixture('githubServer'), 'vscode', { serverKey: 'github' });
      expect(install.inputs).toEqual([
        {
          type: 'promptString',
          id: 'github-token',
          description: 'A personal access token with repo scope',
          password: true,
        },
      ]);
    });

    it('tells Claude Desktop users to replace the placeholder', () => {
      const { notes } = renderMcpInstall(fixture('githubServer'), 'claude-desktop', { serverKey: 'github' });
      expect(notes).toContainEqual(expect.stringMatching(/replace each <set VAR>/));
      expect(notes).toContainEqual('GITHUB_TOKEN (secret): A personal access token with repo scope');
    });

    it('fills a secret template variable in a header with a placeholder', () => {
      const install = renderMcpInstall(fixture('githubServer'), 'claude-code', {
        serverKey: 'github',
        choose: { remote: 0 },
      });
      expect(install.entry).toEqual({
        type: 'http',
        url: 'https://mcp.acme.example.com/github',
        headers: { Authorization: 'Bearer ${GITHUB_TOKEN}', 'X-Toolsets': 'repos,issues' },
      });
      expect(install.secrets).toEqual(['GITHUB_TOKEN']);
    });

    it('names a valueless secret header after the server and the header', () => {
      const install = renderMcpInstall(fixture('weatherServer'), 'cursor', {
        serverKey: 'weather',
        choose: { remote: 0 },
      });
      expect(install.entry).toEqual({
        url: 'https://eu.weather.example.com/sse',
        headers: { 'X-API-Key': '${env:WEATHER_X_API_KEY}' },
      });
      expect(install.secrets).toEqual(['WEATHER_X_API_KEY']);
    });

    it('passes secret headers to mcp-remote through its environment for Claude Desktop', () => {
      const install = renderMcpInstall(fixture('githubServer'), 'claude-desktop', {
        serverKey: 'github',
        choose: { remote: 0 },
      });
      expect(install.entry).toEqual({
        command: 'npx',
        args: [
          '-y',
          'mcp-remote',
          'https://mcp.acme.example.com/github',
          '--header',
          'Authorization:${GITHUB_AUTHORIZATION}',
          '--header',
          'X-Toolsets:repos,issues',
        ],
        env: { GITHUB_AUTHORIZATION: 'Bearer <set GITHUB_TOKEN>' },
      });
      expect(install.notes).toContainEqual(expect.stringMatching(/cannot connect to a remote server.*mcp-remote/));
    });
  });

  describe('inputs that are not secret', () => {
    it('uses defaults and leaves out optional inputs without one', () => {
      const value = server({
        packages: [
          pkg({
            environmentVariables: [
              { name: 'A', default: 'x' },
              { name: 'B', description: 'optional' },
            ],
          }),
        ],
      });
      expect(renderMcpInstall(value, 'cursor', { serverKey: 'demo' }).entry.env).toEqual({ A: 'x' });
    });

    it('turns a required input without a default into a placeholder named in the notes, not a secret', () => {
      const install = renderMcpInstall(fixture('nugetServer'), 'claude-code', { serverKey: 'sample-dotnet' });
      expect(install.entry.env).toEqual({ WEATHER_CHOICES: '${WEATHER_CHOICES}' });
      expect(install.secrets).toEqual([]);
      expect(install.notes).toContainEqual(
        'WEATHER_CHOICES (required, no default): Comma-separated weather descriptions',
      );
    });

    it('prompts for a required input in VS Code without hiding it', () => {
      const install = renderMcpInstall(fixture('nugetServer'), 'vscode', { serverKey: 'sample-dotnet' });
      expect(install.inputs).toEqual([
        { type: 'promptString', id: 'weather-choices', description: 'Comma-separated weather descriptions' },
      ]);
    });

    it('fills remote URL templates from variables, with defaults or placeholders', () => {
      const value = server({
        remotes: [
          {
            type: 'streamable-http',
            url: 'https://{region}.example.com/{tenant}/mcp',
            variables: { region: { default: 'eu' }, tenant: { isRequired: true, description: 'Tenant' } },
          },
        ],
      });
      const url = (client: McpClient) => {
        const install = renderMcpInstall(value, client, { serverKey: 'demo' });
        if (client === 'claude-desktop') return (install.entry.args as string[])[2];
        return install.entry.url ?? install.entry.httpUrl ?? install.entry.serverUrl;
      };
      expect(url('claude-code')).toBe('https://eu.example.com/${DEMO_TENANT}/mcp');
      expect(url('gemini')).toBe('https://eu.example.com/${DEMO_TENANT}/mcp');
      expect(url('windsurf')).toBe('https://eu.example.com/${env:DEMO_TENANT}/mcp');
      expect(url('codex')).toBe('https://eu.example.com/<set DEMO_TENANT>/mcp');
      expect(url('cursor')).toBe('https://eu.example.com/${env:DEMO_TENANT}/mcp');
      expect(url('vscode')).toBe('https://eu.example.com/${input:demo-tenant}/mcp');
      expect(url('claude-desktop')).toBe('https://eu.example.com/<set DEMO_TENANT>/mcp');
    });
  });

  describe('arguments', () => {
    it('puts runtime arguments before the package and package arguments after it', () => {
      const value = server({
        packages: [
          pkg({
            runtimeHint: 'npx',
            runtimeArguments: [{ type: 'named', name: '--node-options', value: '--max-old-space-size=512' }],
            packageArguments: [
              { type: 'positional', value: 'serve' },
              { type: 'named', name: '--port', default: '8080' },
              { type: 'named', name: 'mode', default: 'fast' },
              { type: 'named', name: '--verbose', description: 'optional, no value' },
              { type: 'named', name: '--root', isRequired: true },
              { type: 'positional', valueHint: 'target_dir', default: '/data' },
            ],
          }),
        ],
      });
      expect(renderMcpInstall(value, 'claude-code', { serverKey: 'demo' }).entry.args).toEqual([
        '-y',
        '--node-options',
        '--max-old-space-size=512',
        '@acme/demo@1.0.0',
        'serve',
        '--port',
        '8080',
        'mode=fast',
        '--root',
        '${DEMO_ROOT}',
        '/data',
      ]);
    });

    it('fills argument templates from their variables', () => {
      const install = renderMcpInstall(fixture('filesystemServer'), 'claude-code', {
        serverKey: 'filesystem',
        choose: { package: 1 },
      });
      expect(install.entry.args).toEqual([
        'run',
        '-i',
        '--rm',
        '-e',
        'LOG_LEVEL',
        '--mount',
        'type=bind,src=${FILESYSTEM_SOURCE_PATH},dst=/projects/work',
        'acme/filesystem:1.0.2',
        '/projects',
      ]);
    });

    it('passes package arguments to dnx after --', () => {
      expect(renderMcpInstall(fixture('nugetServer'), 'cursor', { serverKey: 'x' }).entry.args).toEqual([
        'Acme.SampleMcpServer@0.5.0-beta',
        '--yes',
        '--',
        'mcp',
        'start',
      ]);
    });

    it('lets runtimeHint pick the command', () => {
      const value = server({
        packages: [pkg({ runtimeHint: 'bunx', packageArguments: [{ type: 'positional', value: 'go' }] })],
      });
      expect(renderMcpInstall(value, 'cursor', { serverKey: 'demo' }).entry).toEqual({
        command: 'bunx',
        args: ['@acme/demo@1.0.0', 'go'],
      });
    });

    it('keeps an image tag or digest already in the identifier', () => {
      const value = legacy({
        packages: [pkg({ registryType: 'oci', identifier: 'ghcr.io/acme/demo@sha256:abc', version: '1.0.0' })],
      });
      expect(renderMcpInstall(value, 'cursor', { serverKey: 'demo' }).entry.args).toEqual([
        'run',
        '-i',
        '--rm',
        'ghcr.io/acme/demo@sha256:abc',
      ]);
    });

    it('passes every docker environment variable with -e', () => {
      const value = legacy({
        packages: [
          pkg({
            registryType: 'oci',
            identifier: 'acme/demo',
            environmentVariables: [
              { name: 'TOKEN', isSecret: true },
              { name: 'MODE', default: 'fast' },
            ],
          }),
        ],
      });
      const install = renderMcpInstall(value, 'claude-code', { serverKey: 'demo' });
      expect(install.entry.args).toEqual(['run', '-i', '--rm', '-e', 'TOKEN', '-e', 'MODE', 'acme/demo:1.0.0']);
      expect(install.entry.env).toEqual({ TOKEN: '${TOKEN}', MODE: 'fast' });
    });
  });

  describe('the claude mcp add-json command', () => {
    it('adds the very entry Atlas writes, at user scope, with ${VAR} in single quotes so the shell leaves it', () => {
      const install = renderMcpInstall(fixture('githubServer'), 'claude-code', { serverKey: 'github' });
      expect(install.command).toBe(`claude mcp add-json --scope user github '${JSON.stringify(install.entry)}'`);
      const words = shellWords(install.command!);
      expect(words.slice(0, 6)).toEqual(['claude', 'mcp', 'add-json', '--scope', 'user', 'github']);
      expect(JSON.parse(words[6]!)).toEqual(install.entry);
      expect(JSON.parse(words[6]!).env.GITHUB_TOKEN).toBe('${GITHUB_TOKEN}');
    });

    it('adds a remote server with its transport and headers', () => {
      const install = renderMcpInstall(fixture('githubServer'), 'claude-code', {
        serverKey: 'github',
        choose: { remote: 0 },
      });
      expect(JSON.parse(shellWords(install.command!)[6]!)).toEqual({
        type: 'http',
        url: 'https://mcp.acme.example.com/github',
        headers: { Authorization: 'Bearer ${GITHUB_TOKEN}', 'X-Toolsets': 'repos,issues' },
      });
      const sse = renderMcpInstall(fixture('mcpbServer'), 'claude-code', { serverKey: 'text-editor' });
      expect(JSON.parse(shellWords(sse.command!)[6]!)).toEqual({
        type: 'sse',
        url: 'https://text-editor.acme.example.com/sse',
      });
    });

    it('quotes values with spaces, quotes, dollars and backticks so the shell passes them unchanged', () => {
      const value = server({
        packages: [
          pkg({
            environmentVariables: [
              { name: 'GREETING', default: "it's two words" },
              { name: 'PRICE', default: '$5 `now`' },
              { name: 'TOKEN', value: 'pre"fix-{t}', variables: { t: { isSecret: true } } },
            ],
            packageArguments: [{ type: 'positional', value: 'a;b && c' }],
          }),
        ],
      });
      const { command, entry } = renderMcpInstall(value, 'claude-code', { serverKey: 'demo' });
      const words = shellWords(command!);
      expect(words).toHaveLength(7);
      expect(JSON.parse(words[6]!)).toEqual(entry);
      expect(entry.env).toEqual({ GREETING: "it's two words", PRICE: '$5 `now`', TOKEN: 'pre"fix-${DEMO_T}' });
      expect(entry.args).toEqual(['-y', '@acme/demo@1.0.0', 'a;b && c']);
    });
  });

  describe('the same server in every client', () => {
    const stdioSecret = server({
      packages: [
        pkg({
          environmentVariables: [
            { name: 'API_KEY', isSecret: true, isRequired: true, default: 'sk-LEAK', description: 'The API key' },
            { name: 'MODE', default: 'fast' },
          ],
        }),
      ],
    });
    const bearerRemote = server({
      remotes: [
        {
          type: 'streamable-http',
          url: 'https://mcp.example.com/mcp',
          headers: [
            {
              name: 'Authorization',
              value: 'Bearer {token}',
              variables: { token: { isSecret: true, default: 'tok-LEAK' } },
            },
          ],
        },
      ],
    });

    const stdioExpected: Record<McpClient, Json> = {
      'claude-code': {
        type: 'stdio',
        command: 'npx',
        args: ['-y', '@acme/demo@1.0.0'],
        env: { API_KEY: '${API_KEY}', MODE: 'fast' },
      },
      'claude-desktop': {
        command: 'npx',
        args: ['-y', '@acme/demo@1.0.0'],
        env: { API_KEY: '<set API_KEY>', MODE: 'fast' },
      },
      cursor: { command: 'npx', args: ['-y', '@acme/demo@1.0.0'], env: { API_KEY: '${env:API_KEY}', MODE: 'fast' } },
      vscode: {
        type: 'stdio',
        command: 'npx',
        args: ['-y', '@acme/demo@1.0.0'],
        env: { API_KEY: '${input:api-key}', MODE: 'fast' },
      },
      codex: { command: 'npx', args: ['-y', '@acme/demo@1.0.0'], env: { MODE: 'fast' }, env_vars: ['API_KEY'] },
      gemini: { command: 'npx', args: ['-y', '@acme/demo@1.0.0'], env: { API_KEY: '${API_KEY}', MODE: 'fast' } },
      windsurf: { command: 'npx', args: ['-y', '@acme/demo@1.0.0'], env: { API_KEY: '${env:API_KEY}', MODE: 'fast' } },
    };
    const remoteExpected: Record<McpClient, Json> = {
      'claude-code': {
        type: 'http',
        url: 'https://mcp.example.com/mcp',
        headers: { Authorization: 'Bearer ${DEMO_TOKEN}' },
      },
      'claude-desktop': {
        command: 'npx',
        args: ['-y', 'mcp-remote', 'https://mcp.example.com/mcp', '--header', 'Authorization:${DEMO_AUTHORIZATION}'],
        env: { DEMO_AUTHORIZATION: 'Bearer <set DEMO_TOKEN>' },
      },
      cursor: { url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer ${env:DEMO_TOKEN}' } },
      vscode: {
        type: 'http',
        url: 'https://mcp.example.com/mcp',
        headers: { Authorization: 'Bearer ${input:demo-token}' },
      },
      codex: { url: 'https://mcp.example.com/mcp', bearer_token_env_var: 'DEMO_TOKEN' },
      gemini: { httpUrl: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer ${DEMO_TOKEN}' } },
      windsurf: { serverUrl: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer ${env:DEMO_TOKEN}' } },
    };

    it.each(MCP_CLIENTS)('renders a stdio npm server with a secret variable for %s', (client) => {
      const install = renderMcpInstall(stdioSecret, client, { serverKey: 'demo' });
      expect(install.entry).toEqual(stdioExpected[client]);
      expect(install.secrets).toEqual(['API_KEY']);
      expect(install.notes).toContainEqual('API_KEY (secret): The API key');
      expect(JSON.stringify(install)).not.toMatch(/LEAK/);
      expect(clientShapeProblems(install)).toEqual([]);
    });

    it.each(MCP_CLIENTS)('renders a remote with a secret bearer header for %s', (client) => {
      const install = renderMcpInstall(bearerRemote, client, { serverKey: 'demo' });
      expect(install.entry).toEqual(remoteExpected[client]);
      expect(install.secrets).toEqual(['DEMO_TOKEN']);
      expect(JSON.stringify(install)).not.toMatch(/LEAK/);
      expect(clientShapeProblems(install)).toEqual([]);
    });

    it.each(MCP_CLIENTS)('renders a cargo crate for %s as the program cargo install puts on the PATH', (client) => {
      const value = server({
        packages: [
          pkg({
            registryType: 'cargo',
            identifier: 'widget-mcp',
            version: '0.3.0',
            environmentVariables: [{ name: 'WIDGET_TOKEN', isSecret: true }],
            packageArguments: [{ type: 'named', name: '--root', default: '/srv' }],
          }),
        ],
      });
      const install = renderMcpInstall(value, client, { serverKey: 'widget' });
      expect(install.entry.command).toBe('widget-mcp');
      expect(install.entry.args).toEqual(['--root', '/srv']);
      expect(install.notes).toContainEqual(
        expect.stringMatching(
          /^Install the program first with cargo install --locked widget-mcp@0\.3\.0 .*~\/\.cargo\/bin/,
        ),
      );
      expect(clientShapeProblems(install)).toEqual([]);
    });

    it.each(MCP_CLIENTS)('runs an OCI image whose identifier carries its tag, without a version, for %s', (client) => {
      const value = {
        ...base,
        packages: [
          {
            registryType: 'oci',
            identifier: 'ghcr.io/acme/demo:2.1.0',
            transport: { type: 'stdio' },
            environmentVariables: [{ name: 'TOKEN', isSecret: true }],
          },
        ],
      } as unknown as ServerJson;
      const install = renderMcpInstall(value, client, { serverKey: 'demo' });
      expect(install.entry.command).toBe('docker');
      expect(install.entry.args).toEqual(['run', '-i', '--rm', '-e', 'TOKEN', 'ghcr.io/acme/demo:2.1.0']);
      expect(JSON.stringify(install)).not.toMatch(/undefined/);
      expect(clientShapeProblems(install)).toEqual([]);
    });
  });

  describe('cargo and OCI details', () => {
    it('leaves out runtime arguments of a cargo crate, and lets a runtimeHint run it instead', () => {
      const crate = (extra: Partial<ServerPackage>) =>
        server({ packages: [pkg({ registryType: 'cargo', identifier: 'widget-mcp', ...extra })] });
      const installed = renderMcpInstall(
        crate({ runtimeHint: undefined, runtimeArguments: [{ type: 'named', name: '--jobs', value: '2' }] }),
        'cursor',
        { serverKey: 'w' },
      );
      expect(installed.entry).toEqual({ command: 'widget-mcp', args: [] });
      expect(installed.notes).toContainEqual(expect.stringMatching(/runtime arguments .* left out/));
      const hinted = renderMcpInstall(crate({ runtimeHint: 'cargo-run-bin' }), 'cursor', { serverKey: 'w' });
      expect(hinted.entry).toEqual({ command: 'cargo-run-bin', args: ['widget-mcp@1.0.0'] });
      expect(hinted.notes.join('\n')).not.toMatch(/cargo install/);
    });

    it('adds the version to an OCI image without a tag, and nothing to one on a registry with a port', () => {
      const image = (identifier: string, version?: string) =>
        renderMcpInstall(
          {
            ...base,
            packages: [
              { registryType: 'oci', identifier, ...(version ? { version } : {}), transport: { type: 'stdio' } },
            ],
          } as unknown as ServerJson,
          'cursor',
          { serverKey: 'd' },
        ).entry.args;
      expect(image('acme/demo', '1.0.0')).toEqual(['run', '-i', '--rm', 'acme/demo:1.0.0']);
      expect(image('localhost:5000/acme/demo')).toEqual(['run', '-i', '--rm', 'localhost:5000/acme/demo']);
      expect(image('localhost:5000/acme/demo', '1.0.0')).toEqual([
        'run',
        '-i',
        '--rm',
        'localhost:5000/acme/demo:1.0.0',
      ]);
    });
  });

  describe('Codex', () => {
    it('reads the table back from TOML as written, and says how the variables are passed', () => {
      const install = renderMcpInstall(fixture('githubServer'), 'codex', { serverKey: 'github' });
      const toml = stringifyToml({ mcp_servers: { github: install.entry } });
      expect(toml).toContain('[mcp_servers.github]');
      expect(parseToml(toml)).toEqual({ mcp_servers: { github: install.entry } });
      expect(install.notes).toContainEqual(expect.stringMatching(/^Codex passes the variables named in env_vars/));
    });

    it('sends a header that is one secret with env_http_headers, and writes placeholders where Codex expands nothing', () => {
      const value = server({
        packages: [
          pkg({
            packageArguments: [{ type: 'named', name: '--token', isSecret: true }],
            environmentVariables: [
              { name: 'URL', value: 'https://{host}/x', variables: { host: { isRequired: true } } },
            ],
          }),
        ],
        remotes: [
          {
            type: 'streamable-http',
            url: 'https://mcp.example.com/mcp',
            headers: [
              { name: 'X-Api-Key', isSecret: true },
              { name: 'X-Tenant', value: 'tenant-{id}', variables: { id: { isRequired: true } } },
            ],
          },
        ],
      });
      const local = renderMcpInstall(value, 'codex', { serverKey: 'demo' });
      expect(local.entry).toEqual({
        command: 'npx',
        args: ['-y', '@acme/demo@1.0.0', '--token', '<set DEMO_TOKEN>'],
        env: { URL: 'https://<set DEMO_HOST>/x' },
      });
      expect(local.notes).toContainEqual(
        expect.stringMatching(/^Codex expands no variables .*<set DEMO_TOKEN>, <set DEMO_HOST>/),
      );
      const remote = renderMcpInstall(value, 'codex', { serverKey: 'demo', choose: { remote: 0 } });
      expect(remote.entry).toEqual({
        url: 'https://mcp.example.com/mcp',
        http_headers: { 'X-Tenant': 'tenant-<set DEMO_ID>' },
        env_http_headers: { 'X-Api-Key': 'DEMO_X_API_KEY' },
      });
    });

    it('bridges an SSE server through mcp-remote, passing its header variables from the environment', () => {
      const install = renderMcpInstall(fixture('weatherServer'), 'codex', {
        serverKey: 'weather',
        choose: { remote: 0 },
      });
      expect(install.entry).toEqual({
        command: 'npx',
        args: ['-y', 'mcp-remote', 'https://eu.weather.example.com/sse', '--header', 'X-API-Key:${WEATHER_X_API_KEY}'],
        env_vars: ['WEATHER_X_API_KEY'],
      });
      expect(install.notes).toContainEqual(expect.stringMatching(/streamable HTTP servers only/));
    });
  });

  describe('VS Code and Copilot', () => {
    it('renders the portable entry Copilot agents read, with ${VAR} from the environment', () => {
      const install = renderMcpInstall(fixture('githubServer'), 'vscode', { serverKey: 'github' });
      expect(install.portable).toEqual({
        entry: renderMcpInstall(fixture('githubServer'), 'claude-code', { serverKey: 'github' }).entry,
        configPath: { user: '~/.copilot/mcp-config.json', project: '.mcp.json' },
        containerKey: 'mcpServers',
      });
      expect(install.notes).toContainEqual(expect.stringMatching(/^Copilot agents .* skip servers that need/));
      for (const client of MCP_CLIENTS.filter((other) => other !== 'vscode')) {
        expect(renderMcpInstall(fixture('githubServer'), client, { serverKey: 'github' }).portable).toBeUndefined();
      }
    });
  });

  describe('Gemini CLI and Windsurf', () => {
    it('use httpUrl or url with type sse (Gemini CLI) and serverUrl (Windsurf) for remotes', () => {
      expect(
        renderMcpInstall(fixture('weatherServer'), 'gemini', { serverKey: 'weather', choose: { remote: 0 } }).entry,
      ).toEqual({
        url: 'https://eu.weather.example.com/sse',
        type: 'sse',
        headers: { 'X-API-Key': '${WEATHER_X_API_KEY}' },
      });
      expect(
        renderMcpInstall(fixture('weatherServer'), 'windsurf', { serverKey: 'weather', choose: { remote: 0 } }).entry,
      ).toEqual({
        serverUrl: 'https://eu.weather.example.com/sse',
        headers: { 'X-API-Key': '${env:WEATHER_X_API_KEY}' },
      });
    });
  });

  describe('choosing what to install', () => {
    it('prefers the first package when there are packages and remotes', () => {
      expect(renderMcpInstall(fixture('githubServer'), 'cursor', { serverKey: 'g' }).source).toEqual({
        type: 'package',
        index: 0,
      });
    });

    it('renders the package or remote chosen', () => {
      expect(
        renderMcpInstall(fixture('filesystemServer'), 'cursor', { serverKey: 'f', choose: { package: 1 } }).entry
          .command,
      ).toBe('docker');
      expect(
        renderMcpInstall(fixture('githubServer'), 'cursor', { serverKey: 'g', choose: { remote: 0 } }).source,
      ).toEqual({
        type: 'remote',
        index: 0,
      });
    });

    it('skips an mcpb package to a remote, and says why', () => {
      const install = renderMcpInstall(fixture('mcpbServer'), 'vscode', { serverKey: 'text-editor' });
      expect(install.source).toEqual({ type: 'remote', index: 0 });
      expect(install.entry).toEqual({ type: 'sse', url: 'https://text-editor.acme.example.com/sse' });
      expect(install.notes[0]).toMatch(/MCP bundle: download https:\/\/github\.com\/acme\/text-editor-mcpb/);
    });

    it('skips an mcpb package to the next package when there is no remote', () => {
      const value = server({
        packages: [
          pkg({ registryType: 'mcpb', identifier: 'https://example.com/demo.mcpb', fileSha256: 'a'.repeat(64) }),
          pkg({ registryType: 'pypi', identifier: 'demo' }),
        ],
      });
      expect(renderMcpInstall(value, 'cursor', { serverKey: 'demo' }).source).toEqual({ type: 'package', index: 1 });
    });

    it('refuses a server whose only package is an mcpb bundle', () => {
      const value = server({
        packages: [
          pkg({ registryType: 'mcpb', identifier: 'https://example.com/demo.mcpb', fileSha256: 'a'.repeat(64) }),
        ],
      });
      expect(() => renderMcpInstall(value, 'claude-desktop', { serverKey: 'demo' })).toThrow(ValidationError);
    });

    it('refuses to render a chosen mcpb package', () => {
      try {
        renderMcpInstall(fixture('mcpbServer'), 'cursor', { serverKey: 'x', choose: { package: 0 } });
        expect.unreachable();
      } catch (error) {
        expect((error as ValidationError).problems).toEqual([
          { path: 'server.json#/packages/0', message: expect.stringMatching(/MCP bundle/) },
        ]);
      }
    });

    it('falls back from a registry without a known runtime', () => {
      const value = server({
        packages: [pkg({ registryType: 'gem', identifier: 'demo' })],
        remotes: [{ type: 'sse', url: 'https://example.com/sse' }],
      });
      const install = renderMcpInstall(value, 'cursor', { serverKey: 'demo' });
      expect(install.source).toEqual({ type: 'remote', index: 0 });
      expect(install.notes[0]).toMatch(/"gem" registry/);
    });

    it.each([
      [{ package: 3 }, 'choose.package'],
      [{ remote: 0 }, 'choose.remote'],
      [{ package: -1 }, 'choose.package'],
      [{ package: 0.5 }, 'choose.package'],
      [{ package: 0, remote: 0 }, 'choose'],
    ])('refuses the choice %j', (choose, path) => {
      try {
        renderMcpInstall(fixture('nugetServer'), 'cursor', { serverKey: 'x', choose });
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).problems[0]?.path).toBe(path);
      }
    });

    it('refuses a server with nothing to install', () => {
      expect(() => renderMcpInstall(server({}), 'cursor', { serverKey: 'demo' })).toThrow(/nothing to install/);
    });
  });

  describe('a package that serves HTTP', () => {
    const value = server({
      packages: [
        pkg({
          transport: {
            type: 'streamable-http',
            url: 'http://localhost:{PORT}/mcp',
            headers: [{ name: 'Authorization', isSecret: true }],
          },
          environmentVariables: [{ name: 'PORT', default: '8931' }],
        }),
      ],
    });

    it('connects to its URL, filled from the package inputs, and says how to start it', () => {
      const install = renderMcpInstall(value, 'claude-code', { serverKey: 'demo' });
      expect(install.entry).toEqual({
        type: 'http',
        url: 'http://localhost:8931/mcp',
        headers: { Authorization: '${DEMO_AUTHORIZATION}' },
      });
      expect(install.notes).toContainEqual(
        expect.stringMatching(/start it first with PORT=8931 npx -y @acme\/demo@1\.0\.0/),
      );
    });

    it.each(MCP_CLIENTS)('renders it for %s in the documented shape', (client) => {
      expect(clientShapeProblems(renderMcpInstall(value, client, { serverKey: 'demo' }))).toEqual([]);
    });
  });
});
