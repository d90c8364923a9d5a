// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the client config syntax under test
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../domain/errors.ts';
import { parseServerJson } from '../../domain/manifests/server-json.ts';
import {
  isSecretName,
  looksLikeSecret,
  SERVER_SCHEMA_URL,
  serverJsonFromMcpConfig,
} from './server-json-from-mcp-config.ts';

const context = { name: 'io.atlas.platform/demo', key: 'demo', version: '1.4.0', owner: 'the ops plugin' };

/** Converts, and proves the result is a server.json Atlas accepts. */
function convert(config: unknown, extra: Partial<typeof context> = {}) {
  const result = serverJsonFromMcpConfig(config, { ...context, ...extra });
  const parsed = parseServerJson(new TextEncoder().encode(JSON.stringify(result.server)));
  return { ...result, parsed };
}

const messages = (warnings: { path: string; message: string }[]) => warnings.map((w) => `${w.path} ${w.message}`);

describe('serverJsonFromMcpConfig', () => {
  it('describes npx with a pinned npm package: arguments, variables with defaults, and secrets without values', () => {
    const { server, warnings } = convert({
      command: 'npx',
      args: ['-y', '@example/repo-search-mcp@2.3.1', '--root', '${REPO_ROOT:-.}'],
      env: { SEARCH_API_KEY: '${SEARCH_API_KEY}', LOG_LEVEL: 'warn' },
      description: 'Searches the repository',
    });
    expect(server).toEqual({
      $schema: SERVER_SCHEMA_URL,
      name: 'io.atlas.platform/demo',
      title: 'demo',
      description: 'Searches the repository',
      version: '2.3.1',
      packages: [
        {
          registryType: 'npm',
          identifier: '@example/repo-search-mcp',
          version: '2.3.1',
          runtimeHint: 'npx',
          transport: { type: 'stdio' },
          packageArguments: [
            { type: 'positional', value: '--root' },
            {
              type: 'positional',
              value: '{REPO_ROOT}',
              isRequired: true,
              variables: { REPO_ROOT: { isRequired: false, default: '.' } },
            },
          ],
          environmentVariables: [
            { name: 'SEARCH_API_KEY', isRequired: true, isSecret: true },
            { name: 'LOG_LEVEL', value: 'warn' },
          ],
        },
      ],
    });
    expect(warnings).toEqual([]);
  });

  it('describes an http server with an Authorization header from a variable as a remote with a secret header', () => {
    const { server, warnings } = convert({
      type: 'http',
      url: 'https://tracker.example.com/mcp',
      headers: { Authorization: 'Bearer ${TRACKER_TOKEN}', 'X-Project': 'web' },
    });
    expect(server.version).toBe('1.4.0');
    expect(server.remotes).toEqual([
      {
        type: 'streamable-http',
        url: 'https://tracker.example.com/mcp',
        headers: [
          {
            name: 'Authorization',
            value: 'Bearer {TRACKER_TOKEN}',
            isRequired: true,
            isSecret: true,
            variables: { TRACKER_TOKEN: { isRequired: true, isSecret: true } },
          },
          { name: 'X-Project', value: 'web' },
        ],
      },
    ]);
    expect(server.description).toBe('MCP server "demo" of the ops plugin');
    expect(messages(warnings)).toEqual([expect.stringMatching(/^\/description is missing/)]);
  });

  it('never carries a secret value: env, header and argument literals that name or look like a secret', () => {
    const secrets = ['not-a-real-value-0000', 'Bearer abcdefgh12345678', 'sk-live-0123456789abcdef'];
    const { server, warnings } = convert({
      type: 'sse',
      url: 'https://events.example.com/sse?region=${REGION:-eu}',
      headers: { Authorization: secrets[1] },
    });
    const local = convert({
      command: 'npx',
      args: ['-y', 'demo-mcp@1.0.0', '--api-key', secrets[2]!, `--token=${secrets[0]}`],
      env: { STYLE_API_TOKEN: secrets[0] },
    });
    for (const text of [JSON.stringify(server), JSON.stringify(local.server)]) {
      for (const secret of secrets) expect(text).not.toContain(secret.replace(/^Bearer /, ''));
    }
    expect(server.remotes?.[0]).toMatchObject({
      type: 'sse',
      url: 'https://events.example.com/sse?region={REGION}',
      variables: { REGION: { isRequired: false, default: 'eu' } },
      headers: [{ name: 'Authorization', isRequired: true, isSecret: true }],
    });
    expect(local.server.packages?.[0]?.environmentVariables).toEqual([
      { name: 'STYLE_API_TOKEN', isRequired: true, isSecret: true },
    ]);
    expect(local.server.packages?.[0]?.packageArguments).toEqual([
      { type: 'positional', value: '--api-key' },
      expect.objectContaining({ value: '{API_KEY}', isSecret: true }),
      expect.objectContaining({ value: '--token={TOKEN}', isSecret: true }),
    ]);
    expect(messages(warnings)).toContainEqual(expect.stringMatching(/^\/headers\/Authorization holds a secret value/));
    expect(messages(local.warnings)).toEqual([
      expect.stringMatching(/^\/env\/STYLE_API_TOKEN holds a secret value/),
      expect.stringMatching(/^\/args\/3 holds a secret value/),
      expect.stringMatching(/^\/args\/4 holds a secret value/),
      expect.stringMatching(/^\/description is missing/),
    ]);
  });

  it('takes credentials out of a remote URL', () => {
    const { server, warnings } = convert({
      type: 'http',
      url: 'https://me:hunter2hunter2@mcp.example.com/mcp?api_key=abc123def456&team=web&region=${REGION}',
    });
    expect(server.remotes?.[0]).toMatchObject({
      url: 'https://mcp.example.com/mcp?api_key={API_KEY}&team=web&region={REGION}',
      variables: { API_KEY: { isRequired: true, isSecret: true }, REGION: { isRequired: true } },
    });
    expect(JSON.stringify(server)).not.toMatch(/hunter2|abc123def456/);
    expect(messages(warnings)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/url holds a user name or password/),
        expect.stringMatching(/^\/url holds a secret in its query parameter "api_key"/),
      ]),
    );
  });

  it.each([
    ['uvx pkg==1.2.0', 'uvx', ['style-guide-mcp==1.2.0'], 'pypi', 'style-guide-mcp', '1.2.0'],
    ['uvx pkg@1.2.0', 'uvx', ['style-guide-mcp@1.2.0'], 'pypi', 'style-guide-mcp', '1.2.0'],
    ['npx without -y', 'npx', ['demo-mcp@0.4.1'], 'npm', 'demo-mcp', '0.4.1'],
    ['a Windows npx', 'npx.cmd', ['-y', 'demo-mcp@0.4.1'], 'npm', 'demo-mcp', '0.4.1'],
  ])('reads %s', (_, command, args, registryType, identifier, version) => {
    const { server } = convert({ command, args });
    expect(server.packages).toEqual([
      expect.objectContaining({ registryType, identifier, version, transport: { type: 'stdio' } }),
    ]);
  });

  it('reads docker run: the image with its tag, -e variables, other options as runtime arguments', () => {
    const { server } = convert({
      command: 'docker',
      args: ['run', '-i', '--rm', '-e', 'GH_TOKEN', '-v', '/data:/data', 'ghcr.io/example/gh-mcp:1.2.0', '--read-only'],
    });
    expect(server.packages).toEqual([
      {
        registryType: 'oci',
        identifier: 'ghcr.io/example/gh-mcp:1.2.0',
        runtimeHint: 'docker',
        transport: { type: 'stdio' },
        runtimeArguments: [
          { type: 'positional', value: '-v' },
          { type: 'positional', value: '/data:/data' },
        ],
        packageArguments: [{ type: 'positional', value: '--read-only' }],
        environmentVariables: [{ name: 'GH_TOKEN', isRequired: true, isSecret: true }],
      },
    ]);
    expect(server.version).toBe('1.2.0');
  });

  it.each([
    [
      'npx without a version',
      { command: 'npx', args: ['-y', 'demo-mcp'] },
      /npm package demo-mcp without an exact version/,
    ],
    ['npx with a range', { command: 'npx', args: ['-y', 'demo-mcp@^1.2.0'] }, /without an exact version/],
    ['uvx without a version', { command: 'uvx', args: ['style-guide-mcp'] }, /PyPI package style-guide-mcp/],
    ['an image without a tag', { command: 'docker', args: ['run', '-i', 'example/mcp'] }, /image example\/mcp/],
    ['an image tagged latest', { command: 'docker', args: ['run', 'example/mcp:latest'] }, /image example\/mcp/],
    ['node and a script', { command: 'node', args: ['server.js'] }, /the command "node" is not one/],
    ['a script in the plugin', { command: '${CLAUDE_PLUGIN_ROOT}/bin/server' }, /is not one Atlas recognises/],
  ])('writes no package for %s, with a warning that says why', (_, config, why) => {
    const { server, warnings, parsed } = convert(config);
    expect(server.packages).toBeUndefined();
    expect(warnings.find((warning) => warning.path === '/command')?.message).toMatch(why);
    expect(parsed.warnings).toContainEqual(expect.objectContaining({ message: expect.stringMatching(/no packages/) }));
  });

  it('keeps a reference to the plugin folder as a file-path variable, with a warning', () => {
    const { server, warnings } = convert({
      command: 'npx',
      args: ['-y', 'demo-mcp@1.0.0', '--config', '${CLAUDE_PLUGIN_ROOT}/config.json'],
    });
    expect(server.packages?.[0]?.packageArguments?.[1]).toEqual({
      type: 'positional',
      value: '{CLAUDE_PLUGIN_ROOT}/config.json',
      isRequired: true,
      variables: {
        CLAUDE_PLUGIN_ROOT: { description: "The folder of the plugin's files", isRequired: true, format: 'filepath' },
      },
    });
    expect(messages(warnings)).toContainEqual(expect.stringMatching(/^\/args\/3 refers to \$\{CLAUDE_PLUGIN_ROOT\}/));
  });

  it('records 0.0.0 with a warning when neither the package nor the plugin has a version', () => {
    const { server, warnings } = convert({ type: 'http', url: 'https://x.example.com/mcp' }, { version: undefined });
    expect(server.version).toBe('0.0.0');
    expect(messages(warnings)).toContainEqual(expect.stringMatching(/names no version/));
  });

  it('takes a url without a type as streamable HTTP, and names fields server.json has no place for', () => {
    const { server, warnings } = convert({ url: 'https://x.example.com/mcp', timeout: 30, oauth: { clientId: 'a' } });
    expect(server.remotes?.[0]?.type).toBe('streamable-http');
    expect(messages(warnings)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ has "timeout", "oauth", which server.json has no place for/),
        expect.stringMatching(/^\/type is missing/),
      ]),
    );
  });

  it('cuts a description over 100 characters, and warns', () => {
    const { server, warnings } = convert({
      type: 'http',
      url: 'https://x.example.com/mcp',
      description: 'd'.repeat(150),
    });
    expect([...server.description].length).toBe(100);
    expect(messages(warnings)).toContainEqual(expect.stringMatching(/^\/description is longer/));
  });

  it('leaves out a transport server.json cannot describe', () => {
    const { server, warnings } = convert({ type: 'ws', url: 'wss://x.example.com/mcp' });
    expect(server.remotes).toBeUndefined();
    expect(messages(warnings)).toContainEqual(expect.stringMatching(/"ws" is a transport server.json cannot describe/));
  });

  it('refuses an entry that is not an object', () => {
    expect(() => serverJsonFromMcpConfig('npx demo', context)).toThrow(ValidationError);
  });
});

describe('secret detection', () => {
  it.each(['API_TOKEN', 'GITHUB_PAT', 'DB_PASSWORD', 'Authorization', 'x-api-key', 'clientSecret', 'SESSION_COOKIE'])(
    'takes %s for a secret name',
    (name) => expect(isSecretName(name)).toBe(true),
  );
  it.each(['LOG_LEVEL', 'REGION', 'X-Project', 'KEYBOARD', 'PATH', 'BASE_URL'])('takes %s for a plain name', (name) =>
    expect(isSecretName(name)).toBe(false),
  );
  it('recognises values shaped like credentials', () => {
    expect(looksLikeSecret('Bearer abc')).toBe(true);
    expect(looksLikeSecret('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln')).toBe(true);
    expect(looksLikeSecret('Qm9vb3NoX2Fhc2RmZ2hqa2w7MTIzNDU2Nzg5MA')).toBe(true);
    expect(looksLikeSecret('warn')).toBe(false);
    expect(looksLikeSecret('https://tracker.example.com/mcp')).toBe(false);
  });
});
