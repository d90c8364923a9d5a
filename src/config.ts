import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { type ContentLimits, DEFAULT_CONTENT_LIMITS } from './domain/content/content-limits.ts';

export type ContentConfig =
  | { readonly kind: 'local'; readonly dir: string; readonly branch: string }
  | {
      readonly kind: 'github';
      readonly owner: string;
      readonly repo: string;
      readonly branch: string;
      readonly token: string;
      readonly apiUrl: string;
    };

/** Atlas's whole configuration, read once at start from the environment and an optional `.env`. */
export interface AtlasConfig {
  /** Data folder: the embedded database and the local content repository. */
  readonly home: string;
  readonly host: string;
  readonly port: number;
  /** A PostgreSQL server; the embedded PGlite under `home` when absent. */
  readonly databaseUrl: string | undefined;
  readonly pgliteDir: string;
  /** Whether the embedded database runs in a thread of its own (faster under load, 30-60 MiB more memory). */
  readonly pgliteThread: boolean;
  readonly content: ContentConfig;
  readonly webhookSecret: string | undefined;
  readonly authz: 'rbac' | 'permissive';
  readonly registration: 'open' | 'closed';
  readonly publicRead: boolean;
  readonly pollSeconds: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly corsOrigins: readonly string[];
  readonly limits: ContentLimits;
  /** Largest request body accepted, in bytes, on publish and update (the uploads). */
  readonly maxBodyBytes: number;
  /** Largest request body on every other route, in bytes. */
  readonly maxRequestBytes: number;
  /**
   * Publishes and updates the process works on at once; more wait their turn, so that a burst of them does not
   * hold up every read it serves.
   */
  readonly publishConcurrency: number;
  /** Timeouts and a per-address connection cap, so that slow or numerous connections cannot pile up. */
  readonly connections: ConnectionLimits;
  /**
   * Which proxies' X-Forwarded-For to believe for the client address (rate limits, audit): none
   * (false), the nearest N hops, or the proxies at these addresses and CIDR ranges.
   */
  readonly trustProxy: false | number | readonly string[];
  /**
   * Reads server.json by the official MCP Registry's publishing rules as well as the schema: what that registry
   * would refuse (an http remote, a repository off GitHub and GitLab, an mcpb package without fileSha256, ...) is an
   * error instead of a warning.
   */
  readonly serverJsonStrict: boolean;
  /** Anonymous readers may read the MCP Registry API (org-visible servers only). */
  readonly registryPublic: boolean;
  /**
   * Host names the MCP endpoint answers besides localhost, 127.0.0.1 and [::1] (its `Host`, and its `Origin` when
   * sent), against DNS rebinding: ATLAS_ALLOWED_HOSTS, plus ATLAS_HOST when that is one address or name. Null (`*`)
   * turns the check off.
   */
  readonly allowedHosts: readonly string[] | null;
  /**
   * The branch of the content repository the worker keeps the plugin marketplace files on (org-visible skills
   * only), or null when off (ATLAS_MARKETPLACE_COMMIT).
   */
  readonly marketplaceBranch: string | null;
}

export interface ConnectionLimits {
  /** Time a client has to send its request headers. */
  readonly headersTimeoutMs: number;
  /** Time a client has to send a whole request, body included. */
  readonly requestTimeoutMs: number;
  /** Time an idle keep-alive connection stays open. */
  readonly keepAliveTimeoutMs: number;
  /** Open connections one remote address may hold; 0 is no cap. */
  readonly maxPerAddress: number;
}

/** A configuration value that cannot be used; each line names the variable and what is allowed. */
export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

type Env = Record<string, string | undefined>;

/** The variables Atlas reads, with what each accepts; the README's table is written from this. */
export const CONFIG_VARIABLES = [
  'ATLAS_HOME',
  'ATLAS_HOST',
  'ATLAS_PORT',
  'DATABASE_URL',
  'ATLAS_CONTENT',
  'ATLAS_CONTENT_BRANCH',
  'GITHUB_TOKEN',
  'ATLAS_GITHUB_API_URL',
  'ATLAS_WEBHOOK_SECRET',
  'ATLAS_AUTHZ',
  'ATLAS_REGISTRATION',
  'ATLAS_PUBLIC_READ',
  'ATLAS_PGLITE_THREAD',
  'ATLAS_POLL_SECONDS',
  'ATLAS_LOG_LEVEL',
  'ATLAS_CORS_ORIGINS',
  'ATLAS_MAX_FILE_BYTES',
  'ATLAS_MAX_ITEM_BYTES',
  'ATLAS_MAX_FILES',
  'ATLAS_MAX_BODY_BYTES',
  'ATLAS_MAX_REQUEST_BYTES',
  'ATLAS_HEADERS_TIMEOUT_SECONDS',
  'ATLAS_REQUEST_TIMEOUT_SECONDS',
  'ATLAS_KEEP_ALIVE_TIMEOUT_SECONDS',
  'ATLAS_MAX_CONNECTIONS_PER_ADDRESS',
  'ATLAS_TRUST_PROXY',
  'ATLAS_SERVER_JSON_STRICT',
  'ATLAS_REGISTRY_PUBLIC',
  'ATLAS_ALLOWED_HOSTS',
  'ATLAS_MARKETPLACE_COMMIT',
  'ATLAS_MARKETPLACE_BRANCH',
] as const;

/** Reads `.env` in `cwd` when present; variables already in the environment win over it. */
export function readEnv(env: Env = process.env, cwd = process.cwd()): Env {
  const file = resolve(cwd, '.env');
  if (!existsSync(file)) return env;
  return { ...parseEnv(readFileSync(file, 'utf8')), ...env };
}

export function loadConfig(env: Env = readEnv()): AtlasConfig {
  const errors: string[] = [];
  const get = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = get(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    errors.push(`${name}: must be one of ${allowed.join(', ')} (got "${value}")`);
    return fallback;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const value = get(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      errors.push(`${name}: must be a whole number from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return n;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const value = get(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    errors.push(`${name}: must be true or false (got "${value}")`);
    return fallback;
  };
  const url = (name: string, protocols: string[]): string | undefined => {
    const value = get(name);
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (protocols.includes(parsed.protocol)) return value;
    } catch {
      // reported below
    }
    errors.push(
      `${name}: must be a ${protocols.map((p) => p.replace(':', '://')).join(' or ')} URL (got "${redact(value)}")`,
    );
    return undefined;
  };

  const trustProxy = (): AtlasConfig['trustProxy'] => {
    const value = get('ATLAS_TRUST_PROXY');
    if (value === undefined) return false;
    if (/^\d+$/.test(value)) return integer('ATLAS_TRUST_PROXY', 1, 1, 10);
    const proxies = value.split(',').map((p) => p.trim());
    const bad = proxies.find((p) => !isProxyAddress(p));
    if (bad === undefined) return proxies;
    errors.push(
      `ATLAS_TRUST_PROXY: must be a hop count from 1 to 10 or a comma-separated list of proxy addresses or CIDR ranges like 10.0.0.0/8 (got "${bad}")`,
    );
    return false;
  };

  const allowedHosts = (): AtlasConfig['allowedHosts'] => {
    const value = get('ATLAS_ALLOWED_HOSTS');
    if (value === '*') return null;
    const hosts = (value ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean);
    const bad = hosts.find((h) => !isHostName(h));
    if (bad !== undefined) {
      errors.push(
        `ATLAS_ALLOWED_HOSTS: must be * or a comma-separated list of host names without scheme or port, like atlas.example.com,10.0.0.5,[fd00::1] (got "${bad}")`,
      );
    }
    const listen = (get('ATLAS_HOST') ?? '127.0.0.1').toLowerCase();
    const own = ['0.0.0.0', '::'].includes(listen) ? [] : [isIP(listen) === 6 ? `[${listen}]` : listen];
    return [...new Set([...hosts, ...own])];
  };

  const home = resolve(get('ATLAS_HOME') ?? '.atlas');
  const branch = get('ATLAS_CONTENT_BRANCH') ?? 'main';
  if (!/^[A-Za-z0-9._/-]+$/.test(branch) || branch.includes('..')) {
    errors.push(`ATLAS_CONTENT_BRANCH: must be a branch name like main (got "${branch}")`);
  }
  const marketplaceBranch = get('ATLAS_MARKETPLACE_BRANCH') ?? 'atlas-marketplace';
  if (!/^[A-Za-z0-9._/-]+$/.test(marketplaceBranch) || marketplaceBranch.includes('..')) {
    errors.push(`ATLAS_MARKETPLACE_BRANCH: must be a branch name like atlas-marketplace (got "${marketplaceBranch}")`);
  } else if (marketplaceBranch === branch) {
    errors.push(`ATLAS_MARKETPLACE_BRANCH: must not be the content branch (${branch})`);
  }
  const contentSpec = get('ATLAS_CONTENT') ?? 'local';
  let content: ContentConfig = { kind: 'local', dir: resolve(home, 'content.git'), branch };
  const github = /^github:([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(contentSpec);
  if (github) {
    const token = get('GITHUB_TOKEN');
    if (!token) errors.push('GITHUB_TOKEN: is required when ATLAS_CONTENT is github:owner/repo');
    const apiUrl = url('ATLAS_GITHUB_API_URL', ['https:', 'http:']) ?? 'https://api.github.com';
    content = { kind: 'github', owner: github[1]!, repo: github[2]!, branch, token: token ?? '', apiUrl };
  } else if (contentSpec !== 'local') {
    errors.push(`ATLAS_CONTENT: must be local or github:owner/repo (got "${contentSpec}")`);
  }

  const config: AtlasConfig = {
    home,
    host: get('ATLAS_HOST') ?? '127.0.0.1',
    port: integer('ATLAS_PORT', 8080, 0, 65535),
    databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:']),
    pgliteDir: resolve(home, 'pgdata'),
    pgliteThread: bool('ATLAS_PGLITE_THREAD', true),
    content,
    webhookSecret: get('ATLAS_WEBHOOK_SECRET'),
    authz: oneOf('ATLAS_AUTHZ', ['rbac', 'permissive'] as const, 'rbac'),
    registration: oneOf('ATLAS_REGISTRATION', ['open', 'closed'] as const, 'open'),
    publicRead: bool('ATLAS_PUBLIC_READ', false),
    pollSeconds: integer('ATLAS_POLL_SECONDS', 30, 0, 86_400),
    logLevel: oneOf('ATLAS_LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    corsOrigins: (get('ATLAS_CORS_ORIGINS') ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    limits: {
      ...DEFAULT_CONTENT_LIMITS,
      maxFileBytes: integer('ATLAS_MAX_FILE_BYTES', DEFAULT_CONTENT_LIMITS.maxFileBytes, 1, 2 ** 31),
      maxItemBytes: integer('ATLAS_MAX_ITEM_BYTES', DEFAULT_CONTENT_LIMITS.maxItemBytes, 1, 2 ** 31),
      maxFiles: integer('ATLAS_MAX_FILES', DEFAULT_CONTENT_LIMITS.maxFiles, 1, 100_000),
    },
    maxBodyBytes: integer('ATLAS_MAX_BODY_BYTES', 0, 1024, 2 ** 31),
    maxRequestBytes: integer('ATLAS_MAX_REQUEST_BYTES', 1024 * 1024, 1024, 2 ** 31),
    publishConcurrency: integer('ATLAS_PUBLISH_CONCURRENCY', 16, 1, 1000),
    connections: {
      headersTimeoutMs: integer('ATLAS_HEADERS_TIMEOUT_SECONDS', 10, 1, 3600) * 1000,
      requestTimeoutMs: integer('ATLAS_REQUEST_TIMEOUT_SECONDS', 120, 1, 86_400) * 1000,
      keepAliveTimeoutMs: integer('ATLAS_KEEP_ALIVE_TIMEOUT_SECONDS', 10, 1, 3600) * 1000,
      // Behind a proxy every connection comes from the proxy, so the cap is off there unless asked for. One busy
      // client (50 parallel workers with keep-alive) can briefly hold more than 64 sockets; 256 still stops a flood.
      maxPerAddress: integer(
        'ATLAS_MAX_CONNECTIONS_PER_ADDRESS',
        get('ATLAS_TRUST_PROXY') === undefined ? 256 : 0,
        0,
        1_000_000,
      ),
    },
    trustProxy: trustProxy(),
    serverJsonStrict: bool('ATLAS_SERVER_JSON_STRICT', false),
    registryPublic: bool('ATLAS_REGISTRY_PUBLIC', false),
    allowedHosts: allowedHosts(),
    marketplaceBranch: bool('ATLAS_MARKETPLACE_COMMIT', false) ? marketplaceBranch : null,
  };
  for (const origin of config.corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      errors.push(
        `ATLAS_CORS_ORIGINS: must be a comma-separated list of origins like https://atlas.example.com (got "${origin}")`,
      );
    }
  }
  if (config.connections.headersTimeoutMs > config.connections.requestTimeoutMs) {
    errors.push(
      `ATLAS_HEADERS_TIMEOUT_SECONDS: must be at most ATLAS_REQUEST_TIMEOUT_SECONDS (${config.connections.requestTimeoutMs / 1000})`,
    );
  }
  if (errors.length > 0) throw new ConfigError(errors);
  // Base64 and JSON framing make a request about 4/3 of the item it carries.
  return config.maxBodyBytes > 0
    ? config
    : { ...config, maxBodyBytes: Math.ceil(config.limits.maxItemBytes * 1.4) + 65_536 };
}

/** An IP address, a CIDR range, or one of proxy-addr's names (loopback, linklocal, uniquelocal). */
function isProxyAddress(value: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(value)) return true;
  const [address = '', prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** A host name as a `Host` header carries it, without port: a DNS name, an IPv4 address or a bracketed IPv6 one. */
function isHostName(value: string): boolean {
  if (value.startsWith('[') && value.endsWith(']')) return isIP(value.slice(1, -1)) === 6;
  return (
    isIP(value) === 4 ||
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(value)
  );
}

/** Hides a password in a URL before it is printed. */
function redact(value: string): string {
  return value.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}
