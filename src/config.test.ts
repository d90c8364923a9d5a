import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, readEnv } from './config.ts';

function configError(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.lines;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('needs nothing: embedded database and local content under ./.atlas, port 8080', () => {
    const config = loadConfig({});
    expect(config.home).toBe(resolve('.atlas'));
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.pgliteDir).toBe(resolve('.atlas', 'pgdata'));
    expect(config.content).toEqual({ kind: 'local', dir: resolve('.atlas', 'content.git'), branch: 'main' });
    expect(config.authz).toBe('rbac');
    expect(config.registration).toBe('open');
    expect(config.publicRead).toBe(false);
    expect(config.pgliteThread).toBe(true);
    expect(config.maxBodyBytes).toBeGreaterThan(config.limits.maxItemBytes);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      ATLAS_HOME: '/srv/atlas',
      ATLAS_PORT: '9000',
      DATABASE_URL: 'postgres://atlas:secret@db:5432/atlas',
      ATLAS_CONTENT: 'github:acme/agent-catalog',
      ATLAS_CONTENT_BRANCH: 'release',
      GITHUB_TOKEN: 'ghp_x',
      ATLAS_GITHUB_API_URL: 'https://github.acme.com/api/v3',
      ATLAS_WEBHOOK_SECRET: 's3cret',
      ATLAS_AUTHZ: 'permissive',
      ATLAS_REGISTRATION: 'closed',
      ATLAS_PUBLIC_READ: 'true',
      ATLAS_PGLITE_THREAD: 'false',
      ATLAS_POLL_SECONDS: '5',
      ATLAS_LOG_LEVEL: 'debug',
      ATLAS_CORS_ORIGINS: 'https://a.example.com, https://b.example.com',
      ATLAS_MAX_FILE_BYTES: '1000',
      ATLAS_MAX_BODY_BYTES: '2048',
    });
    expect(config).toMatchObject({
      home: '/srv/atlas',
      port: 9000,
      databaseUrl: 'postgres://atlas:secret@db:5432/atlas',
      content: {
        kind: 'github',
        owner: 'acme',
        repo: 'agent-catalog',
        branch: 'release',
        token: 'ghp_x',
        apiUrl: 'https://github.acme.com/api/v3',
      },
      webhookSecret: 's3cret',
      authz: 'permissive',
      registration: 'closed',
      publicRead: true,
      pgliteThread: false,
      pollSeconds: 5,
      logLevel: 'debug',
      corsOrigins: ['https://a.example.com', 'https://b.example.com'],
      maxBodyBytes: 2048,
    });
    expect(config.limits.maxFileBytes).toBe(1000);
  });

  it('names the variable and what is allowed for each bad value, one line each', () => {
    expect(configError({ ATLAS_PORT: 'eighty' })).toEqual([
      'ATLAS_PORT: must be a whole number from 0 to 65535 (got "eighty")',
    ]);
    expect(configError({ ATLAS_AUTHZ: 'open' })).toEqual(['ATLAS_AUTHZ: must be one of rbac, permissive (got "open")']);
    expect(configError({ ATLAS_PUBLIC_READ: 'maybe' })).toEqual([
      'ATLAS_PUBLIC_READ: must be true or false (got "maybe")',
    ]);
    expect(configError({ ATLAS_CONTENT: 'gitlab:x/y' })).toEqual([
      'ATLAS_CONTENT: must be local or github:owner/repo (got "gitlab:x/y")',
    ]);
    expect(configError({ ATLAS_CONTENT: 'github:acme/catalog' })).toEqual([
      'GITHUB_TOKEN: is required when ATLAS_CONTENT is github:owner/repo',
    ]);
    expect(configError({ ATLAS_PORT: '70000', ATLAS_REGISTRATION: 'invite' })).toHaveLength(2);
    expect(configError({ ATLAS_CORS_ORIGINS: 'not an origin' })[0]).toMatch(/^ATLAS_CORS_ORIGINS: /);
  });

  it('trusts no proxy unless ATLAS_TRUST_PROXY names a hop count or the proxies, and refuses anything else', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ ATLAS_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ ATLAS_TRUST_PROXY: '10.0.0.0/8, 192.168.1.4,::1, fd00::/8, loopback' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '192.168.1.4',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
    // `true` would believe any X-Forwarded-For a client sends, and so any address it claims.
    for (const bad of ['true', 'false', '0', '11', '10.0.0.0/33', 'proxy.internal', '10.0.0.1,']) {
      expect(configError({ ATLAS_TRUST_PROXY: bad }), bad).toEqual([
        expect.stringMatching(/^ATLAS_TRUST_PROXY: must be /),
      ]);
    }
  });

  it('keeps bodies small but on uploads, and sets connection timeouts and a per-address cap', () => {
    expect(loadConfig({})).toMatchObject({
      maxRequestBytes: 1024 * 1024,
      connections: {
        headersTimeoutMs: 10_000,
        requestTimeoutMs: 120_000,
        keepAliveTimeoutMs: 10_000,
        maxPerAddress: 256,
      },
    });
    const config = loadConfig({
      ATLAS_MAX_REQUEST_BYTES: '65536',
      ATLAS_HEADERS_TIMEOUT_SECONDS: '5',
      ATLAS_REQUEST_TIMEOUT_SECONDS: '30',
      ATLAS_KEEP_ALIVE_TIMEOUT_SECONDS: '2',
      ATLAS_MAX_CONNECTIONS_PER_ADDRESS: '0',
    });
    expect(config.maxRequestBytes).toBe(65_536);
    expect(config.connections).toEqual({
      headersTimeoutMs: 5000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 2000,
      maxPerAddress: 0,
    });
    // Behind a proxy every connection comes from the proxy's address.
    expect(loadConfig({ ATLAS_TRUST_PROXY: '1' }).connections.maxPerAddress).toBe(0);
    expect(configError({ ATLAS_HEADERS_TIMEOUT_SECONDS: '0' })).toEqual([
      'ATLAS_HEADERS_TIMEOUT_SECONDS: must be a whole number from 1 to 3600 (got "0")',
    ]);
    expect(configError({ ATLAS_HEADERS_TIMEOUT_SECONDS: '60', ATLAS_REQUEST_TIMEOUT_SECONDS: '30' })).toEqual([
      'ATLAS_HEADERS_TIMEOUT_SECONDS: must be at most ATLAS_REQUEST_TIMEOUT_SECONDS (30)',
    ]);
    expect(configError({ ATLAS_MAX_REQUEST_BYTES: '10' })[0]).toMatch(/^ATLAS_MAX_REQUEST_BYTES: /);
  });

  it('works on 16 publishes at once unless ATLAS_PUBLISH_CONCURRENCY says otherwise, and on at least one', () => {
    expect(loadConfig({}).publishConcurrency).toBe(16);
    expect(loadConfig({ ATLAS_PUBLISH_CONCURRENCY: '4' }).publishConcurrency).toBe(4);
    expect(configError({ ATLAS_PUBLISH_CONCURRENCY: '0' })).toEqual([
      'ATLAS_PUBLISH_CONCURRENCY: must be a whole number from 1 to 1000 (got "0")',
    ]);
  });

  it('reads server.json leniently unless ATLAS_SERVER_JSON_STRICT is true, and refuses anything but a boolean', () => {
    expect(loadConfig({}).serverJsonStrict).toBe(false);
    expect(loadConfig({ ATLAS_SERVER_JSON_STRICT: 'true' }).serverJsonStrict).toBe(true);
    expect(loadConfig({ ATLAS_SERVER_JSON_STRICT: 'false' }).serverJsonStrict).toBe(false);
    expect(configError({ ATLAS_SERVER_JSON_STRICT: 'registry' })).toEqual([
      'ATLAS_SERVER_JSON_STRICT: must be true or false (got "registry")',
    ]);
  });

  it('keeps the MCP registry behind a token unless ATLAS_REGISTRY_PUBLIC is true, and refuses anything but a boolean', () => {
    expect(loadConfig({}).registryPublic).toBe(false);
    expect(loadConfig({ ATLAS_REGISTRY_PUBLIC: 'true' }).registryPublic).toBe(true);
    expect(configError({ ATLAS_REGISTRY_PUBLIC: 'open' })).toEqual([
      'ATLAS_REGISTRY_PUBLIC: must be true or false (got "open")',
    ]);
  });

  it('lets the MCP endpoint answer localhost, the listening host and ATLAS_ALLOWED_HOSTS, or any host with *', () => {
    expect(loadConfig({}).allowedHosts).toEqual(['127.0.0.1']);
    expect(loadConfig({ ATLAS_HOST: '0.0.0.0' }).allowedHosts).toEqual([]);
    expect(loadConfig({ ATLAS_HOST: 'fd00::5' }).allowedHosts).toEqual(['[fd00::5]']);
    expect(
      loadConfig({ ATLAS_HOST: '::', ATLAS_ALLOWED_HOSTS: 'Atlas.Example.com, 10.0.0.5,[fd00::1]' }).allowedHosts,
    ).toEqual(['atlas.example.com', '10.0.0.5', '[fd00::1]']);
    expect(loadConfig({ ATLAS_ALLOWED_HOSTS: '*' }).allowedHosts).toBeNull();
    for (const bad of ['https://atlas.example.com', 'atlas.example.com:8443', 'atlas/mcp', '-atlas', 'fd00::1']) {
      expect(configError({ ATLAS_ALLOWED_HOSTS: `localhost,${bad}` }), bad).toEqual([
        `ATLAS_ALLOWED_HOSTS: must be * or a comma-separated list of host names without scheme or port, like atlas.example.com,10.0.0.5,[fd00::1] (got "${bad}")`,
      ]);
    }
  });

  it('hides the password of a bad DATABASE_URL', () => {
    const [line] = configError({ DATABASE_URL: 'mysql://atlas:hunter2@db/atlas' });
    expect(line).toMatch(/^DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(line).not.toContain('hunter2');
  });

  it('reads a .env file, with the environment taking precedence', () => {
    const dir = mkdtempSync(join(tmpdir(), 'atlas-env-'));
    writeFileSync(join(dir, '.env'), 'ATLAS_PORT=9100\nATLAS_AUTHZ=permissive\n# a comment\n');
    const env = readEnv({ ATLAS_AUTHZ: 'rbac' }, dir);
    const config = loadConfig(env);
    expect(config.port).toBe(9100);
    expect(config.authz).toBe('rbac');
  });
});
