// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} references are the client syntax being matched
import type { McpInstall } from '../../domain/catalog/install-clients.ts';
import { AtlasError } from '../../domain/errors.ts';
import type { JsonObject, JsonValue } from '../../domain/manifests/manifest.ts';
import type {
  KeyValueInput,
  ServerArgument,
  ServerInputWithVariables,
  ServerJson,
  ServerPackage,
  ServerRemote,
} from '../../domain/manifests/server-json.ts';
import { renderMcpInstall } from './render-mcp-install.ts';

/** An MCP server of the catalog as the managed files need it (a CatalogItem has all of it). */
export interface ManagedServer {
  readonly namespace: string;
  readonly name: string;
  /** The server.json `name`; null for an item that holds none. */
  readonly serverName: string | null;
  /** The stored server.json. */
  readonly manifest: Readonly<Record<string, unknown>>;
}

/** A file to hand out, and what was left out of it and why (one sentence each, naming the item). */
export interface ManagedFile<T> {
  readonly file: T;
  readonly notes: string[];
}

/** One allowlist or denylist entry: exactly one matcher, as both Claude Code and Copilot require. */
export type McpServerMatcher =
  | { readonly serverUrl: string }
  | { readonly serverCommand: readonly string[] }
  | { readonly serverName: string };

export interface ClaudeManagedSettings {
  allowedMcpServers: McpServerMatcher[];
  deniedMcpServers: McpServerMatcher[];
  allowManagedMcpServersOnly: true;
  extraKnownMarketplaces?: Record<string, { source: { source: 'url'; url: string } }>;
  strictKnownMarketplaces?: { source: 'url'; url: string }[];
}

export interface CopilotManagedSettings {
  allowedMcpServers: McpServerMatcher[];
  deniedMcpServers: McpServerMatcher[];
}

/** The subset of the MCP Registry's server.json that Kiro's registry file takes. */
export interface KiroServer {
  name: string;
  title?: string;
  description: string;
  version: string;
  packages?: [
    {
      registryType: 'npm' | 'pypi' | 'oci';
      registryBaseUrl?: string;
      identifier: string;
      transport: { type: 'stdio' };
      runtimeArguments?: { type: 'positional'; value: string }[];
      packageArguments?: { type: 'positional'; value: string }[];
      environmentVariables?: { name: string; value?: string }[];
    },
  ];
  remotes?: [{ type: 'streamable-http' | 'sse'; url: string; headers?: { name: string; value?: string }[] }];
  _meta?: Record<string, { serverName: string | null; ref: string }>;
}

export interface KiroRegistry {
  servers: { server: KiroServer }[];
}

/** The Atlas plugin marketplace, for Claude Code to know (and, with `strict`, to know only it). */
export interface MarketplaceOption {
  readonly name: string;
  readonly url: string;
  readonly strict?: boolean;
}

const reference = (server: ManagedServer) => `mcp/${server.namespace}/${server.name}`;

/** Said whenever a list comes out empty: an empty allowlist or registry lets no MCP server run at all. */
export const NOTHING_APPROVED = 'no approved MCP server: this file lets no MCP server run';

/**
 * Claude Code's `managed-mcp.json`: the approved servers in `.mcp.json` form, each entry exactly what
 * `atlas install --client claude-code` writes (secrets as `${VAR}`, which Claude Code fills from the environment).
 * Keys are item names; two items of the same name in different namespaces are keyed `<namespace>-<name>`.
 */
export function claudeManagedMcp(
  approved: readonly ManagedServer[],
): ManagedFile<{ mcpServers: Record<string, JsonObject> }> {
  const notes: string[] = [];
  const mcpServers: Record<string, JsonObject> = {};
  const taken = new Set<string>();
  const duplicated = new Set(approved.map((s) => s.name).filter((name, i, all) => all.indexOf(name) !== i));
  for (const server of approved) {
    const install = rendered(server, 'claude-code', {}, notes);
    if (!install) continue;
    let key = duplicated.has(server.name) ? `${server.namespace}-${server.name}` : server.name;
    for (let n = 2; taken.has(key); n++) key = `${server.namespace}-${server.name}-${n}`;
    taken.add(key);
    mcpServers[key] = install.entry;
  }
  if (taken.size === 0) notes.push(NOTHING_APPROVED);
  return { file: { mcpServers }, notes };
}

/**
 * The MCP part of Claude Code's `managed-settings.json`.
 * - `allowedMcpServers`: for every package and remote of every approved server, the entry Claude Code compares with
 *   what `atlas install --client claude-code` writes: `serverCommand`, the exact argv (a `${VAR}` in it is kept:
 *   Claude Code expands the policy entry and the configured command alike before comparing them); `serverUrl`, the
 *   URL with each variable part as `*` (Claude Code ignores an allowlist URL whose expansion would change its host or
 *   path, and `*` matches any text);
 * - `deniedMcpServers`: the same entries of deprecated and deleted servers, less any that would also block an
 *   approved server (a deny always wins in Claude Code);
 * - `allowManagedMcpServersOnly`: only this allowlist counts, users cannot widen it;
 * - with `marketplace`, the Atlas plugin marketplace in `extraKnownMarketplaces` (and `strictKnownMarketplaces`
 *   when `strict`).
 */
export function claudeManagedSettings(
  approved: readonly ManagedServer[],
  retired: readonly ManagedServer[],
  options: { marketplace?: MarketplaceOption } = {},
): ManagedFile<ClaudeManagedSettings> {
  const notes: string[] = [];
  const allowed = unique(approved.flatMap((server) => claudeMatchers(server, notes)));
  if (allowed.length === 0) notes.push(NOTHING_APPROVED);
  const denied = unique(retired.flatMap((server) => claudeMatchers(server, [])));
  const file: ClaudeManagedSettings = {
    allowedMcpServers: allowed,
    deniedMcpServers: denied.filter((entry) => !allowed.some((allow) => overlaps(entry, allow))),
    allowManagedMcpServersOnly: true,
  };
  const { marketplace } = options;
  if (marketplace) {
    const source = { source: 'url' as const, url: marketplace.url };
    file.extraKnownMarketplaces = { [marketplace.name]: { source } };
    if (marketplace.strict) file.strictKnownMarketplaces = [source];
  }
  return { file, notes };
}

/**
 * GitHub Copilot's enterprise `managed-settings.json`, MCP keys. Copilot compares `serverCommand` exactly, with no
 * wildcards and no expansion, and blocks a server whose command still holds a variable, so:
 * - a package whose argv (as `atlas install --client vscode` writes it) is all literal text is a `serverCommand`;
 * - one whose argv needs a value from the user is allowed by `serverName`, the item name Atlas installs it under;
 * - a remote is a `serverUrl`, each variable host label or port as `*` and the path cut to a prefix ending in `*`
 *   at its first variable (Copilot's wildcards cover subdomains and path prefixes);
 * - `deniedMcpServers`: the command and URL entries of deprecated and deleted servers (never a name: a name is the
 *   user's label), less any that would also block an approved server.
 */
export function copilotManagedSettings(
  approved: readonly ManagedServer[],
  retired: readonly ManagedServer[],
): ManagedFile<CopilotManagedSettings> {
  const notes: string[] = [];
  const allowed = unique(approved.flatMap((server) => copilotMatchers(server, notes, true)));
  if (allowed.length === 0) notes.push(NOTHING_APPROVED);
  const denied = unique(retired.flatMap((server) => copilotMatchers(server, [], false)));
  return {
    file: {
      allowedMcpServers: allowed,
      deniedMcpServers: denied.filter((entry) => !allowed.some((allow) => overlaps(entry, allow))),
    },
    notes,
  };
}

/**
 * Kiro's (and Amazon Q Developer's) MCP registry file: `{servers: [{server}]}` with one package or one remote per
 * server, from the subset of server.json Kiro reads.
 * - names: Kiro allows only `[A-Za-z0-9._-]`, so the server name's `/` becomes `.` (`io.github.acme/weather` is
 *   `io.github.acme.weather`); a clash gets `-2`, `-3`...; `_meta[metaKey]` keeps the server name and item;
 * - a package: npm, pypi or oci over stdio, run by Kiro with npx, uvx or docker; Kiro's subset has no package
 *   version, so it is pinned in the identifier the way Atlas installs it (`id@1.2.0`, `id==1.2.0`, `image:1.2.0`);
 *   arguments are positional values (`--flag value` as two, `name=value` as one); Kiro users cannot edit them, so a
 *   package whose required argument has no value the file may hold is left out;
 * - a remote: its URL with variables filled from their values or defaults (left out when one has neither);
 * - an environment variable or header keeps its fixed value or default and never a secret: with no value, Kiro
 *   users set it themselves.
 */
export function kiroRegistry(
  approved: readonly ManagedServer[],
  options: { metaKey?: string } = {},
): ManagedFile<KiroRegistry> {
  const notes: string[] = [];
  const servers: { server: KiroServer }[] = [];
  const taken = new Set<string>();
  for (const item of approved) {
    const server = item.manifest as unknown as ServerJson;
    const base = (item.serverName ?? `${item.namespace}.${item.name}`).replaceAll('/', '.');
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}-${n}`;
    const transport = kiroTransport(server, notes, reference(item));
    if (!transport) continue;
    taken.add(name.toLowerCase());
    const entry: KiroServer = {
      name,
      ...(typeof server.title === 'string' ? { title: server.title } : {}),
      description: server.description,
      version: server.version,
      ...transport,
    };
    if (options.metaKey) entry._meta = { [options.metaKey]: { serverName: item.serverName, ref: reference(item) } };
    servers.push({ server: entry });
  }
  if (servers.length === 0) notes.push(NOTHING_APPROVED);
  return { file: { servers }, notes };
}

/** Atlas's own install config of one package or remote; undefined (with a note) when it cannot be rendered. */
function rendered(
  server: ManagedServer,
  client: 'claude-code' | 'vscode',
  choose: { package?: number; remote?: number },
  notes: string[],
): McpInstall | undefined {
  try {
    return renderMcpInstall(server.manifest as unknown as ServerJson, client, { serverKey: server.name, choose });
  } catch (error) {
    if (!(error instanceof AtlasError)) throw error;
    notes.push(`${reference(server)} left out: ${error.message}`);
    return undefined;
  }
}

/** Every package and remote of a server, rendered for `client`; what cannot be rendered is skipped. */
function everyInstall(server: ManagedServer, client: 'claude-code' | 'vscode', notes: string[]): McpInstall[] {
  const manifest = server.manifest as unknown as ServerJson;
  const choices = [
    ...(manifest.packages ?? []).map((_pkg, index) => ({ package: index })),
    ...(manifest.remotes ?? []).map((_remote, index) => ({ remote: index })),
  ];
  const installs = choices.flatMap((choose) => rendered(server, client, choose, []) ?? []);
  if (installs.length === 0) rendered(server, client, {}, notes);
  return installs;
}

function claudeMatchers(server: ManagedServer, notes: string[]): McpServerMatcher[] {
  return everyInstall(server, 'claude-code', notes).map(({ entry }) =>
    typeof entry.url === 'string'
      ? { serverUrl: entry.url.replace(/\$\{[^}]*\}/g, '*') }
      : { serverCommand: argvOf(entry) },
  );
}

function copilotMatchers(server: ManagedServer, notes: string[], allowByName: boolean): McpServerMatcher[] {
  return everyInstall(server, 'vscode', notes).flatMap((install): McpServerMatcher[] => {
    const entry = install.portable?.entry ?? install.entry;
    if (typeof entry.url === 'string') return [{ serverUrl: copilotUrlPattern(entry.url) }];
    const argv = argvOf(entry);
    if (!argv.some(hasVariable) && !argvOf(install.entry).some(hasVariable)) return [{ serverCommand: argv }];
    if (!allowByName) return [];
    notes.push(
      `${reference(server)}: its command takes a value from the user, which Copilot cannot match, so it is allowed by its name "${server.name}"`,
    );
    return [{ serverName: server.name }];
  });
}

function argvOf(entry: JsonObject): string[] {
  const args = Array.isArray(entry.args) ? entry.args : [];
  return [String(entry.command), ...args.map((arg: JsonValue) => String(arg))];
}

const VARIABLE = /\$\{[^}]*\}/;
const hasVariable = (text: string) => VARIABLE.test(text);

/**
 * A Copilot `serverUrl` pattern accepting every value of the URL's variables: a host label or port holding one is
 * `*`; from the first path or query part holding one, the rest is `*`.
 */
export function copilotUrlPattern(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/i.exec(url);
  if (!match) return url.replace(/\$\{[^}]*\}.*$/s, '*');
  const [, scheme, authority, rest] = match as unknown as [string, string, string, string];
  const at = authority.lastIndexOf('@');
  const hostPort = authority.slice(at + 1);
  const portAt = hostPort.search(/:(?:\d*|\$\{[^}]*\})$/);
  const host = portAt < 0 ? hostPort : hostPort.slice(0, portAt);
  const port = portAt < 0 ? '' : hostPort.slice(portAt + 1);
  const labels = host.split('.').map((label) => (hasVariable(label) ? '*' : label));
  let out = `${scheme}${labels.join('.')}${port === '' ? '' : `:${hasVariable(port) ? '*' : port}`}`;
  const cut = rest.search(VARIABLE);
  if (cut < 0) return out + rest;
  // Back to the start of the path segment or query part holding the variable.
  const head = rest.slice(0, cut);
  const boundary = Math.max(head.lastIndexOf('/'), head.lastIndexOf('?'), head.lastIndexOf('&'));
  out += `${head.slice(0, boundary + 1)}*`;
  return out;
}

function unique(entries: McpServerMatcher[]): McpServerMatcher[] {
  const seen = new Set<string>();
  return entries.filter((entry) => {
    const key = JSON.stringify(entry);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Whether a deny entry could block what an allow entry admits (URL patterns compared both ways). */
function overlaps(deny: McpServerMatcher, allow: McpServerMatcher): boolean {
  if ('serverCommand' in deny && 'serverCommand' in allow) {
    return JSON.stringify(deny.serverCommand) === JSON.stringify(allow.serverCommand);
  }
  if ('serverUrl' in deny && 'serverUrl' in allow) {
    return globMatches(deny.serverUrl, allow.serverUrl) || globMatches(allow.serverUrl, deny.serverUrl);
  }
  return false;
}

/** Whether `pattern` (`*` for any text) matches `text` whole; a `*` in `text` is a character like any other. */
export function globMatches(pattern: string, text: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(text);
}

const KIRO_RUNTIMES: Record<string, string> = { npm: 'npx', pypi: 'uvx', oci: 'docker' };

function kiroTransport(
  server: ServerJson,
  notes: string[],
  ref: string,
): Pick<KiroServer, 'packages' | 'remotes'> | undefined {
  const reasons: string[] = [];
  for (const [index, pkg] of (server.packages ?? []).entries()) {
    const result = kiroPackage(pkg);
    if (typeof result === 'string') reasons.push(`package ${index} ${result}`);
    else return { packages: [result] };
  }
  for (const [index, remote] of (server.remotes ?? []).entries()) {
    const result = kiroRemote(remote);
    if (typeof result === 'string') reasons.push(`remote ${index} ${result}`);
    else return { remotes: [result] };
  }
  notes.push(
    `${ref} left out of the Kiro registry: ${reasons.length > 0 ? reasons.join('; ') : 'it has no packages and no remotes'}`,
  );
  return undefined;
}

function kiroPackage(pkg: ServerPackage): NonNullable<KiroServer['packages']>[0] | string {
  const registryType = pkg.registryType;
  if (registryType !== 'npm' && registryType !== 'pypi' && registryType !== 'oci') {
    return `comes from ${registryType}; Kiro runs npm, pypi and oci packages only`;
  }
  if (pkg.transport?.type !== 'stdio') return `serves ${pkg.transport?.type}; Kiro runs stdio packages only`;
  if (pkg.runtimeHint && pkg.runtimeHint !== KIRO_RUNTIMES[registryType]) {
    return `runs with ${pkg.runtimeHint}; Kiro runs ${registryType} packages with ${KIRO_RUNTIMES[registryType]}`;
  }
  const runtimeArguments = kiroArguments(pkg.runtimeArguments ?? []);
  if (typeof runtimeArguments === 'string') return runtimeArguments;
  const packageArguments = kiroArguments(pkg.packageArguments ?? []);
  if (typeof packageArguments === 'string') return packageArguments;
  const environmentVariables = kiroPairs(pkg.environmentVariables ?? []);
  return {
    registryType,
    ...(pkg.registryBaseUrl ? { registryBaseUrl: pkg.registryBaseUrl } : {}),
    identifier: pinnedIdentifier(pkg),
    transport: { type: 'stdio' },
    ...(runtimeArguments.length > 0 ? { runtimeArguments } : {}),
    ...(packageArguments.length > 0 ? { packageArguments } : {}),
    ...(environmentVariables.length > 0 ? { environmentVariables } : {}),
  };
}

function pinnedIdentifier(pkg: ServerPackage): string {
  const version = pkg.version || undefined;
  if (!version) return pkg.identifier;
  if (pkg.registryType === 'pypi') return `${pkg.identifier}==${version}`;
  if (pkg.registryType === 'oci') {
    const last = pkg.identifier.split('/').pop() ?? '';
    return last.includes(':') || last.includes('@') ? pkg.identifier : `${pkg.identifier}:${version}`;
  }
  return `${pkg.identifier}@${version}`;
}

function kiroArguments(args: readonly ServerArgument[]): { type: 'positional'; value: string }[] | string {
  const out: string[] = [];
  for (const arg of args) {
    const value = fixedValue(arg);
    const label = arg.type === 'named' ? arg.name : (arg.valueHint ?? 'a positional argument');
    if (value === undefined) {
      if (arg.isRequired || (arg.type === 'positional' && arg.value !== undefined)) {
        return `needs ${label} from the user, which Kiro users cannot set on a registry server`;
      }
      continue;
    }
    if (arg.type === 'positional') out.push(value);
    else if (value === '') out.push(arg.name);
    else if (arg.name.startsWith('-')) out.push(arg.name, value);
    else out.push(`${arg.name}=${value}`);
  }
  return out.map((value) => ({ type: 'positional', value }));
}

function kiroPairs(inputs: readonly KeyValueInput[]): { name: string; value?: string }[] {
  return inputs.map((input) => {
    const value = fixedValue(input);
    return value === undefined ? { name: input.name } : { name: input.name, value };
  });
}

function kiroRemote(remote: ServerRemote): NonNullable<KiroServer['remotes']>[0] | string {
  const url = fillTemplate(remote.url, remote.variables ?? {});
  if (url === undefined) return 'has a URL variable with no value or default, and Kiro users cannot edit the URL';
  const headers = kiroPairs(remote.headers ?? []);
  return { type: remote.type, url, ...(headers.length > 0 ? { headers } : {}) };
}

/** The value a file given to everyone may hold: never a secret; a fixed value with its holes filled, or a default. */
function fixedValue(input: ServerInputWithVariables): string | undefined {
  if (input.isSecret) return undefined;
  if (input.value !== undefined) return fillTemplate(input.value, input.variables ?? {});
  return input.default;
}

/** Fills `{name}` holes from their variables' values or defaults; undefined when one has neither (or is secret). */
function fillTemplate(template: string, variables: Record<string, ServerInputWithVariables>): string | undefined {
  let missing = false;
  const filled = template.replace(/\{([a-zA-Z_][a-zA-Z0-9_]*)\}/g, (hole, name: string) => {
    const variable = variables[name];
    if (!variable) return hole;
    const value = fixedValue(variable);
    if (value === undefined) missing = true;
    return value ?? hole;
  });
  return missing ? undefined : filled;
}
