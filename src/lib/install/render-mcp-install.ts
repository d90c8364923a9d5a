// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} placeholders are the client syntax being rendered
import type {
  InstallClient,
  McpClient,
  McpConfigFormat,
  McpContainerKey,
  McpInstall,
} from '../../domain/catalog/install-clients.ts';
import { ValidationError } from '../../domain/errors.ts';
import type { JsonObject, JsonValue } from '../../domain/manifests/manifest.ts';
import { templateVariables } from '../../domain/manifests/manifest-values.ts';
import type {
  KeyValueInput,
  ServerArgument,
  ServerInput,
  ServerInputWithVariables,
  ServerJson,
  ServerPackage,
  ServerRemote,
} from '../../domain/manifests/server-json.ts';

export interface RenderMcpInstallOptions {
  /** The name of the entry in the client's servers map, usually the item name. */
  serverKey: string;
  /** Which package or remote to install; by default the first package, or the first remote when none installs. */
  choose?: { package?: number; remote?: number };
}

/** A variable the user provides: an environment variable name, and the id VS Code prompts with. */
interface Variable {
  name: string;
  id: string;
  secret: boolean;
  description?: string;
}

/** Text with holes: literal parts and variables, rendered differently by each client. */
type Text = (string | Variable)[];

interface StdioPlan {
  kind: 'stdio';
  command: string;
  args: Text[];
  env: [string, Text][];
  /** A shell command that must run once before the client can start the server (`cargo install ...`). */
  installFirst?: string;
}

interface RemotePlan {
  kind: 'remote';
  transport: 'http' | 'sse';
  url: Text;
  headers: [string, Text][];
  /** A package serving HTTP locally: the command that starts it. */
  startWith?: StdioPlan;
}

type Plan = StdioPlan | RemotePlan;

/** Each client's config file (advice for people: the CLI decides paths itself), its servers map and its syntax. */
const CLIENT_FILES: Record<
  McpClient,
  { configPath: { user?: string; project?: string }; containerKey: McpContainerKey; format: McpConfigFormat }
> = {
  'claude-code': {
    configPath: { user: '~/.claude.json', project: '.mcp.json' },
    containerKey: 'mcpServers',
    format: 'json',
  },
  'claude-desktop': {
    configPath: { user: '~/Library/Application Support/Claude/claude_desktop_config.json' },
    containerKey: 'mcpServers',
    format: 'json',
  },
  cursor: {
    configPath: { user: '~/.cursor/mcp.json', project: '.cursor/mcp.json' },
    containerKey: 'mcpServers',
    format: 'json',
  },
  vscode: { configPath: { project: '.vscode/mcp.json' }, containerKey: 'servers', format: 'jsonc' },
  codex: {
    configPath: { user: '~/.codex/config.toml', project: '.codex/config.toml' },
    containerKey: 'mcp_servers',
    format: 'toml',
  },
  gemini: {
    configPath: { user: '~/.gemini/settings.json', project: '.gemini/settings.json' },
    containerKey: 'mcpServers',
    format: 'jsonc',
  },
  windsurf: { configPath: { user: '~/.codeium/windsurf/mcp_config.json' }, containerKey: 'mcpServers', format: 'json' },
};

/** The portable file Copilot agents read: the project's `.mcp.json`, or the user's `mcp-config.json`. */
const PORTABLE_PATHS = { user: '~/.copilot/mcp-config.json', project: '.mcp.json' };

/** The runtime each registry's packages run with, unless the package names another in `runtimeHint`. */
const DEFAULT_RUNTIME: Record<string, string> = { npm: 'npx', pypi: 'uvx', oci: 'docker', nuget: 'dnx' };

/**
 * Renders what `client` needs to run an MCP server described by a server.json.
 * - packages become a local command: npm `npx -y id@version`, pypi `uvx id==version`, oci
 *   `docker run -i --rm -e VAR... image` (the identifier's own tag or digest, else `:version`), nuget
 *   `dnx id@version --yes`; a cargo crate has no runner, so the entry runs the program `cargo install` puts on the
 *   PATH, and a note gives the install command; `runtimeHint` picks another runtime; runtime arguments go before
 *   the package, package arguments after; environment variables go in `env`;
 * - remotes become each client's remote entry: `type` + `url` (Claude Code, VS Code), `url` (Cursor), `httpUrl` or
 *   `url` + `type: "sse"` (Gemini CLI), `serverUrl` (Windsurf), `url` (Codex, streamable HTTP only); Claude Desktop,
 *   which cannot reach remote servers from its config, and Codex, for an SSE server, run them through
 *   `npx -y mcp-remote`;
 * - a secret is never written as a value, not even its default: it becomes the reference the client expands from
 *   its environment (`${VAR}` Claude Code and Gemini CLI, `${env:VAR}` Cursor and Windsurf, `${input:id}` VS Code,
 *   `env_vars`, `bearer_token_env_var` and `env_http_headers` Codex) or, where the client expands nothing,
 *   `<set VAR>` for the user to replace, named in the notes; `{name}` templates are filled the same way;
 * - a non-secret input takes its default; a required one without a default becomes a placeholder, named in the notes;
 * - an mcpb package cannot be configured (it must be downloaded): the first remote is used instead when there is one.
 * Throws ValidationError when nothing can be rendered, `choose` names something that does not exist, or the client
 * reads no MCP servers (`agents`).
 */
export function renderMcpInstall(
  server: ServerJson,
  client: InstallClient,
  options: RenderMcpInstallOptions,
): McpInstall {
  if (client === 'agents') {
    throw new ValidationError({
      path: 'client',
      message:
        'agents is the shared .agents/skills folder, which takes skills; an MCP server goes into a client config (claude-code, codex, gemini, ...)',
    });
  }
  const { serverKey } = options;
  const variables = new Variables(serverKey);
  const notes: string[] = [];
  const { plan, source } = choosePlan(server, options.choose ?? {}, variables, notes);
  const secrets = variables.list.filter((variable) => variable.secret).map((variable) => variable.name);
  const files = CLIENT_FILES[client];
  const install: McpInstall = {
    client,
    serverKey,
    entry: {},
    configPath: { ...files.configPath },
    containerKey: files.containerKey,
    format: files.format,
    secrets,
    notes,
    source,
  };
  /** Variables written as `<set VAR>`, which the user must replace by hand. */
  const placeholders = new Set<string>();
  const placeholder: VarStyle = (variable) => {
    placeholders.add(variable.name);
    return `<set ${variable.name}>`;
  };
  switch (client) {
    case 'claude-code':
      install.entry = typedEntry(plan, dollarVar);
      install.command = claudeMcpAddCommand(serverKey, install.entry);
      notes.push(
        'The command adds the server for every project (--scope user, in ~/.claude.json); use --scope local for this project only (private to you, in ~/.claude.json; what claude mcp add does by default) or --scope project for a .mcp.json shared with the project.',
      );
      break;
    case 'cursor':
      install.entry = plan.kind === 'stdio' ? stdioEntry(plan, envVar) : remoteEntry(plan, envVar, 'url');
      break;
    case 'vscode':
      install.entry = typedEntry(plan, vscodeVar);
      install.inputs = variables.list.map((variable) => ({
        type: 'promptString',
        id: variable.id,
        description: variable.description ?? `${variable.name} for ${serverKey}`,
        ...(variable.secret ? { password: true as const } : {}),
      }));
      install.portable = {
        entry: typedEntry(plan, dollarVar),
        configPath: { ...PORTABLE_PATHS },
        containerKey: 'mcpServers',
      };
      notes.push(
        'For every workspace, add the entry to the user configuration instead (command "MCP: Open User Configuration").',
      );
      if (variables.list.length > 0) {
        notes.push(
          'Copilot agents (Copilot CLI, the cloud agent) skip servers that need ${input:...} values: the portable entry, for .mcp.json or ~/.copilot/mcp-config.json, reads ${VAR} from the environment instead.',
        );
      }
      break;
    case 'claude-desktop':
      install.entry =
        plan.kind === 'stdio' ? stdioEntry(plan, placeholder) : mcpRemoteEntry(plan, serverKey, placeholder);
      if (plan.kind === 'remote') {
        notes.push(
          'Claude Desktop cannot connect to a remote server from its config file, so the entry runs the mcp-remote bridge (npx -y mcp-remote) as a local server.',
        );
      }
      notes.push(
        'On Windows the file is %APPDATA%\\Claude\\claude_desktop_config.json; on Linux ~/.config/Claude/claude_desktop_config.json. Restart Claude Desktop after editing it.',
      );
      break;
    case 'codex':
      install.entry = codexEntry(plan, placeholder);
      if (plan.kind === 'remote' && plan.transport === 'sse') {
        notes.push(
          'Codex connects to streamable HTTP servers only, so the entry runs the mcp-remote bridge (npx -y mcp-remote) for this SSE server as a local one.',
        );
      }
      notes.push('A project .codex/config.toml is read only once the project is trusted in Codex.');
      break;
    case 'gemini':
      install.entry = plan.kind === 'stdio' ? stdioEntry(plan, dollarVar) : geminiRemoteEntry(plan);
      break;
    case 'windsurf':
      install.entry = plan.kind === 'stdio' ? stdioEntry(plan, envVar) : remoteEntry(plan, envVar, 'serverUrl');
      notes.push("Press the refresh button in Windsurf's MCP panel after the file changes.");
      break;
  }
  const stdio = plan.kind === 'stdio' ? plan : plan.startWith;
  if (stdio?.installFirst) {
    notes.push(
      `Install the program first with ${stdio.installFirst} (it needs the Rust toolchain); it goes in ~/.cargo/bin, which must be on the PATH the client starts servers with. If the crate's program has another name than ${stdio.command}, change the command.`,
    );
  }
  if (plan.kind === 'remote' && plan.startWith) {
    notes.push(
      `This package serves MCP over HTTP: start it first with ${shellCommand(plan.startWith, dollarVar)}, then the client connects to its URL.`,
    );
  }
  notes.push(...variableNotes(client, variables.list, placeholders));
  return install;
}

/** Keeps one Variable per name and remembers the order they were met in. */
class Variables {
  readonly list: Variable[] = [];
  constructor(private readonly serverKey: string) {}

  use(name: string, secret: boolean, description?: string): Variable {
    let variable = this.list.find((known) => known.name === name);
    if (!variable) {
      variable = { name, id: name.toLowerCase().replaceAll('_', '-'), secret, ...(description ? { description } : {}) };
      this.list.push(variable);
    }
    if (secret) variable.secret = true;
    if (!variable.description && description) variable.description = description;
    return variable;
  }

  /** A variable name for a label of this server (a header, template variable or argument): `GITHUB_API_KEY`. */
  scoped(label: string): string {
    const prefix = envName(this.serverKey);
    const name = envName(label);
    // `{github_token}` of the server `github` is GITHUB_TOKEN, not GITHUB_GITHUB_TOKEN.
    return name === prefix || name.startsWith(`${prefix}_`) ? name : `${prefix}_${name}`;
  }
}

function envName(text: string): string {
  const name = text
    .toUpperCase()
    .replace(/[^A-Z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
  return /^[0-9]/.test(name) || name === '' ? `_${name}` : name;
}

/** An environment variable keeps its own name; anything unusual in it is replaced. */
function envVarName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : envName(name);
}

/**
 * What an input contributes: its fixed value (templates filled), else a placeholder for a secret, else its
 * default, else a placeholder when it is required; undefined when it is optional and has no value.
 */
function resolveInput(
  input: ServerInputWithVariables,
  name: string,
  vars: Variables,
  inheritedSecret = false,
): Text | undefined {
  const secret = input.isSecret === true || inheritedSecret;
  if (input.value !== undefined) {
    const holes = templateVariables(input.value);
    // A secret's fixed value is still a secret: it is never written out.
    if (secret && holes.length === 0) return [vars.use(name, true, input.description)];
    return fillTemplate(input.value, input.variables ?? {}, vars, secret);
  }
  if (secret) return [vars.use(name, true, input.description)];
  if (input.default !== undefined) return [input.default];
  if (input.isRequired) return [vars.use(name, false, input.description)];
  return undefined;
}

/** Fills `{name}` holes from `variables`; a hole without a declared variable stays as written. */
function fillTemplate(
  template: string,
  variables: Record<string, ServerInput>,
  vars: Variables,
  secret: boolean,
): Text {
  const text: Text = [];
  let last = 0;
  for (const match of template.matchAll(/\{([a-zA-Z_][a-zA-Z0-9_]*)\}/g)) {
    const input = variables[match[1]!];
    if (!input) continue;
    text.push(template.slice(last, match.index));
    const name = vars.scoped(match[1]!);
    // A hole must be filled: an optional variable without a default still becomes a placeholder.
    text.push(...(resolveInput(input, name, vars, secret) ?? [vars.use(name, secret, input.description)]));
    last = match.index + match[0].length;
  }
  text.push(template.slice(last));
  return compact(text);
}

function compact(text: Text): Text {
  const out: Text = [];
  for (const part of text) {
    if (part === '') continue;
    const previous = out[out.length - 1];
    if (typeof part === 'string' && typeof previous === 'string') out[out.length - 1] = previous + part;
    else out.push(part);
  }
  return out;
}

function choosePlan(
  server: ServerJson,
  choose: { package?: number; remote?: number },
  vars: Variables,
  notes: string[],
): { plan: Plan; source: McpInstall['source'] } {
  const packages = server.packages ?? [];
  const remotes = server.remotes ?? [];
  if (choose.package !== undefined && choose.remote !== undefined) {
    throw new ValidationError({ path: 'choose', message: 'choose a package or a remote, not both' });
  }
  if (choose.package !== undefined) {
    const pkg = packages[checkIndex(choose.package, packages.length, 'package')]!;
    const reason = notInstallable(pkg);
    if (reason) throw new ValidationError({ path: `server.json#/packages/${choose.package}`, message: reason });
    return { plan: packagePlan(pkg, vars, notes), source: { type: 'package', index: choose.package } };
  }
  if (choose.remote !== undefined) {
    const remote = remotes[checkIndex(choose.remote, remotes.length, 'remote')]!;
    return { plan: remotePlan(remote, vars), source: { type: 'remote', index: choose.remote } };
  }
  const first = packages[0];
  if (first && !notInstallable(first)) {
    return { plan: packagePlan(first, vars, notes), source: { type: 'package', index: 0 } };
  }
  if (first) notes.push(`Package 0 ${notInstallable(first)}.`);
  if (remotes[0]) {
    if (first) notes.push('Using remote 0 instead.');
    return { plan: remotePlan(remotes[0], vars), source: { type: 'remote', index: 0 } };
  }
  const index = packages.findIndex((pkg) => !notInstallable(pkg));
  if (index > 0) {
    notes.push(`Using package ${index} instead.`);
    return { plan: packagePlan(packages[index]!, vars, notes), source: { type: 'package', index } };
  }
  throw new ValidationError({
    path: 'server.json',
    message: first
      ? `has no package or remote a client can be configured with: package 0 ${notInstallable(first)}`
      : 'has no packages and no remotes, so there is nothing to install',
  });
}

function checkIndex(index: number, length: number, what: 'package' | 'remote'): number {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new ValidationError({
      path: `choose.${what}`,
      message: `there is no ${what} ${index}; the server has ${length} ${what}${length === 1 ? '' : 's'}`,
    });
  }
  return index;
}

function notInstallable(pkg: ServerPackage): string | undefined {
  if (pkg.registryType === 'mcpb') {
    return `is an MCP bundle: download ${pkg.identifier}, check it against its fileSha256, and open it in a client that installs .mcpb bundles (Claude Desktop does)`;
  }
  if (!pkg.runtimeHint && !DEFAULT_RUNTIME[pkg.registryType] && pkg.registryType !== 'cargo') {
    return `comes from the "${pkg.registryType}" registry, which has no known runtime; a runtimeHint would name one`;
  }
  return undefined;
}

function packagePlan(pkg: ServerPackage, vars: Variables, notes: string[]): Plan {
  // Values a transport URL template may name: environment variables, argument value hints and names.
  const known = new Map<string, Text>();
  const env: [string, Text][] = [];
  for (const input of pkg.environmentVariables ?? []) {
    const text = resolveInput(input, envVarName(input.name), vars);
    if (text === undefined) continue;
    env.push([input.name, text]);
    known.set(input.name, text);
  }
  const runtimeArgs = renderArguments(pkg.runtimeArguments ?? [], vars, known);
  const packageArgs = renderArguments(pkg.packageArguments ?? [], vars, known);
  const ref = packageRef(pkg);
  let stdio: StdioPlan;
  if (pkg.registryType === 'cargo' && !pkg.runtimeHint) {
    // A crate has no runner like npx: `cargo install` puts its program on the PATH once, and the client runs it.
    if (runtimeArgs.length > 0) {
      notes.push('The runtime arguments of the cargo package were left out: an installed program has no runtime.');
    }
    stdio = {
      kind: 'stdio',
      command: pkg.identifier,
      args: packageArgs,
      env,
      installFirst: `cargo install --locked ${ref}`,
    };
  } else {
    const runtime = pkg.runtimeHint ?? DEFAULT_RUNTIME[pkg.registryType]!;
    let args: Text[];
    switch (runtime) {
      case 'npx':
        args = [['-y'], ...runtimeArgs, [ref], ...packageArgs];
        break;
      case 'uvx':
        args = [...runtimeArgs, [ref], ...packageArgs];
        break;
      case 'docker':
        // `-e NAME` without a value passes the variable through from the environment the client gives docker.
        args = [
          ['run'],
          ['-i'],
          ['--rm'],
          ...env.flatMap(([name]) => [['-e'], [name]]),
          ...runtimeArgs,
          [ref],
          ...packageArgs,
        ];
        break;
      case 'dnx':
        args = [...runtimeArgs, [ref], ['--yes'], ...(packageArgs.length > 0 ? [['--'], ...packageArgs] : [])];
        break;
      default:
        args = [...runtimeArgs, [ref], ...packageArgs];
    }
    stdio = { kind: 'stdio', command: runtime, args, env };
  }
  if (pkg.transport.type === 'stdio') return stdio;
  const transport = pkg.transport;
  return {
    kind: 'remote',
    transport: transport.type === 'sse' ? 'sse' : 'http',
    url: fillKnown(transport.url, known, vars),
    headers: resolveHeaders(transport.headers ?? [], vars),
    startWith: stdio,
  };
}

/** The package as its runner names it; the identifier alone when the package gives no version. */
function packageRef(pkg: ServerPackage): string {
  // Not every server.json gives a version: an OCI identifier carries its own tag or digest.
  const version: string | undefined = pkg.version || undefined;
  switch (pkg.registryType) {
    case 'pypi':
      return version ? `${pkg.identifier}==${version}` : pkg.identifier;
    case 'oci': {
      // An image reference may already carry its tag or digest (`host:port/name` has a colon before the last slash).
      const last = pkg.identifier.split('/').pop() ?? '';
      return last.includes(':') || last.includes('@') || !version ? pkg.identifier : `${pkg.identifier}:${version}`;
    }
    default:
      return version ? `${pkg.identifier}@${version}` : pkg.identifier;
  }
}

/** A package transport URL names its package's inputs: `http://localhost:{PORT}/mcp`. */
function fillKnown(template: string, known: Map<string, Text>, vars: Variables): Text {
  const text: Text = [];
  let last = 0;
  for (const match of template.matchAll(/\{([a-zA-Z_][a-zA-Z0-9_]*)\}/g)) {
    text.push(template.slice(last, match.index));
    text.push(...(known.get(match[1]!) ?? [vars.use(vars.scoped(match[1]!), false)]));
    last = match.index + match[0].length;
  }
  text.push(template.slice(last));
  return compact(text);
}

function renderArguments(args: ServerArgument[], vars: Variables, known: Map<string, Text>): Text[] {
  const out: Text[] = [];
  args.forEach((arg, index) => {
    if (arg.type === 'positional') {
      const text = resolveInput(arg, vars.scoped(arg.valueHint ?? `arg_${index + 1}`), vars);
      if (text === undefined) return;
      if (arg.valueHint) known.set(arg.valueHint, text);
      out.push(text);
      return;
    }
    const text = resolveInput(arg, vars.scoped(arg.name.replace(/^-+/, '')), vars);
    if (text === undefined) return;
    known.set(arg.name, text);
    const flagOnly = text.length === 0;
    // A flag with dashes takes its value as the next argument; a bare name is written name=value.
    if (arg.name.startsWith('-')) out.push([arg.name], ...(flagOnly ? [] : [text]));
    else out.push(flagOnly ? [arg.name] : compact([`${arg.name}=`, ...text]));
  });
  return out;
}

function resolveHeaders(headers: KeyValueInput[], vars: Variables): [string, Text][] {
  const out: [string, Text][] = [];
  for (const header of headers) {
    const text = resolveInput(header, vars.scoped(header.name), vars);
    if (text !== undefined) out.push([header.name, text]);
  }
  return out;
}

function remotePlan(remote: ServerRemote, vars: Variables): RemotePlan {
  return {
    kind: 'remote',
    transport: remote.type === 'sse' ? 'sse' : 'http',
    url: fillTemplate(remote.url, remote.variables ?? {}, vars, false),
    headers: resolveHeaders(remote.headers ?? [], vars),
  };
}

type VarStyle = (variable: Variable) => string;
const dollarVar: VarStyle = (variable) => `\${${variable.name}}`;
const envVar: VarStyle = (variable) => `\${env:${variable.name}}`;
const vscodeVar: VarStyle = (variable) => `\${input:${variable.id}}`;

function render(text: Text, style: VarStyle): string {
  return text.map((part) => (typeof part === 'string' ? part : style(part))).join('');
}

function renderMap(pairs: [string, Text][], style: VarStyle): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, text] of pairs) out[name] = render(text, style);
  return out;
}

/** The variable a text consists of, when it is nothing else. */
function soleVariable(text: Text): Variable | undefined {
  return text.length === 1 && typeof text[0] !== 'string' ? text[0] : undefined;
}

function isLiteral(text: Text): boolean {
  return text.every((part) => typeof part === 'string');
}

function stdioEntry(plan: StdioPlan, style: VarStyle, typed = false): JsonObject {
  const entry: JsonObject = {};
  if (typed) entry.type = 'stdio';
  entry.command = plan.command;
  entry.args = plan.args.map((arg) => render(arg, style));
  if (plan.env.length > 0) entry.env = renderMap(plan.env, style);
  return entry;
}

function remoteEntry(
  plan: RemotePlan,
  style: VarStyle,
  urlKey: 'url' | 'httpUrl' | 'serverUrl',
  typed = false,
): JsonObject {
  const entry: JsonObject = {};
  if (typed) entry.type = plan.transport;
  entry[urlKey] = render(plan.url, style);
  if (plan.headers.length > 0) entry.headers = renderMap(plan.headers, style);
  return entry;
}

/** The `type`-tagged shape of Claude Code's files, VS Code's `mcp.json` and the portable `.mcp.json`. */
function typedEntry(plan: Plan, style: VarStyle): JsonObject {
  return plan.kind === 'stdio' ? stdioEntry(plan, style, true) : remoteEntry(plan, style, 'url', true);
}

/** Gemini CLI: `httpUrl` for streamable HTTP; `url` for SSE, tagged `type: "sse"` so no version guesses. */
function geminiRemoteEntry(plan: RemotePlan): JsonObject {
  if (plan.transport === 'http') return remoteEntry(plan, dollarVar, 'httpUrl');
  const entry: JsonObject = { url: render(plan.url, dollarVar), type: 'sse' };
  if (plan.headers.length > 0) entry.headers = renderMap(plan.headers, dollarVar);
  return entry;
}

/**
 * A `[mcp_servers.<name>]` table of Codex's config.toml. Codex expands no `${VAR}`: a variable an environment
 * variable consists of is passed through by name (`env_vars`), a bearer token by `bearer_token_env_var`, a header that
 * is one variable by `env_http_headers`; anything else is a `<set VAR>` placeholder.
 */
function codexEntry(plan: Plan, placeholder: VarStyle): JsonObject {
  if (plan.kind === 'stdio') {
    const entry: JsonObject = { command: plan.command, args: plan.args.map((arg) => render(arg, placeholder)) };
    const env: Record<string, string> = {};
    const passed: string[] = [];
    for (const [name, text] of plan.env) {
      if (soleVariable(text)?.name === name) passed.push(name);
      else env[name] = render(text, placeholder);
    }
    if (Object.keys(env).length > 0) entry.env = env;
    if (passed.length > 0) entry.env_vars = passed;
    return entry;
  }
  if (plan.transport === 'sse') {
    // mcp-remote fills `${VAR}` in its header arguments from its own environment, which Codex passes with env_vars.
    const passed: string[] = [];
    const args: JsonValue[] = ['-y', 'mcp-remote', render(plan.url, placeholder)];
    for (const [name, text] of plan.headers) {
      args.push(
        '--header',
        `${name}:${render(text, (variable) => {
          if (!passed.includes(variable.name)) passed.push(variable.name);
          return dollarVar(variable);
        })}`,
      );
    }
    const entry: JsonObject = { command: 'npx', args };
    if (passed.length > 0) entry.env_vars = passed;
    return entry;
  }
  const entry: JsonObject = { url: render(plan.url, placeholder) };
  const literal: Record<string, string> = {};
  const fromEnv: Record<string, string> = {};
  for (const [name, text] of plan.headers) {
    const [prefix, token] = text;
    if (
      name.toLowerCase() === 'authorization' &&
      text.length === 2 &&
      typeof prefix === 'string' &&
      /^bearer $/i.test(prefix) &&
      typeof token === 'object' &&
      entry.bearer_token_env_var === undefined
    ) {
      entry.bearer_token_env_var = token.name;
    } else if (soleVariable(text)) {
      fromEnv[name] = soleVariable(text)!.name;
    } else {
      literal[name] = render(text, placeholder);
    }
  }
  if (Object.keys(literal).length > 0) entry.http_headers = literal;
  if (Object.keys(fromEnv).length > 0) entry.env_http_headers = fromEnv;
  return entry;
}

/**
 * Claude Desktop reaches a remote server through mcp-remote. mcp-remote expands `${VAR}` in header arguments from
 * its own environment, and the header argument is written without spaces ("Name:${VAR}") because some clients
 * split arguments on spaces.
 */
function mcpRemoteEntry(plan: RemotePlan, serverKey: string, placeholder: VarStyle): JsonObject {
  const args: JsonValue[] = ['-y', 'mcp-remote', render(plan.url, placeholder)];
  const env: Record<string, string> = {};
  for (const [name, text] of plan.headers) {
    const literal = isLiteral(text) ? render(text, placeholder) : undefined;
    if (literal !== undefined && !/\s/.test(literal)) {
      args.push('--header', `${name}:${literal}`);
      continue;
    }
    const variable = envName(`${serverKey}_${name}`);
    args.push('--header', `${name}:\${${variable}}`);
    env[variable] = render(text, placeholder);
  }
  const entry: JsonObject = { command: 'npx', args };
  if (Object.keys(env).length > 0) entry.env = env;
  return entry;
}

/**
 * `claude mcp add-json` with the very entry Atlas writes, in single quotes: the shell passes `${VAR}` through
 * unexpanded, so Claude Code stores the reference and fills it in from its environment when it starts the server,
 * and no secret ends up in ~/.claude.json.
 */
function claudeMcpAddCommand(serverKey: string, entry: JsonObject): string {
  return ['claude', 'mcp', 'add-json', '--scope', 'user', serverKey, quoteShell(JSON.stringify(entry))].join(' ');
}

/** One shell word, single-quoted unless it is plainly safe; nothing in it is expanded. */
function quoteShell(literal: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(literal)) return literal;
  return `'${literal.replaceAll("'", `'\\''`)}'`;
}

/** A command line for people to run in their shell, with variables left for the shell to expand. */
function shellCommand(plan: StdioPlan, style: VarStyle): string {
  const env = plan.env.map(([name, text]) => shellWord(compact([`${name}=`, ...text]), style));
  return [...env, shellWord([plan.command], style), ...plan.args.map((arg) => shellWord(arg, style))].join(' ');
}

/** Quotes one shell word: bare when safe, single quotes for literal text, double quotes around `${VAR}`. */
function shellWord(text: Text, style: VarStyle): string {
  if (isLiteral(text)) return quoteShell(text.join(''));
  const inner = text
    .map((part) => (typeof part === 'string' ? part.replace(/[\\"$`]/g, '\\$&') : style(part)))
    .join('');
  return `"${inner}"`;
}

/** How each client gets the values of the variables its entry refers to (the first line of the variable notes). */
const VARIABLES_HOW: Record<McpClient, string> = {
  'claude-code':
    'Claude Code expands ${VAR} from its environment when it starts the server; set each variable below before starting it.',
  cursor: 'Cursor expands ${env:VAR} from its environment; set each variable below before starting Cursor.',
  vscode: 'VS Code asks for each input below the first time it starts the server; secrets go to its secret storage.',
  'claude-desktop':
    'Claude Desktop expands no variables: replace each <set VAR> in the file with the value (the file then holds it in plain text).',
  codex:
    'Codex passes the variables named in env_vars, bearer_token_env_var and env_http_headers from its own environment; set each variable below before starting Codex.',
  gemini: 'Gemini CLI expands ${VAR} in its settings from its environment; set each variable below before starting it.',
  windsurf: 'Windsurf expands ${env:VAR} from its environment; set each variable below before starting Windsurf.',
};

function variableNotes(client: McpClient, list: Variable[], placeholders: Set<string>): string[] {
  if (list.length === 0) return [];
  const notes = [VARIABLES_HOW[client]];
  if (client === 'codex' && placeholders.size > 0) {
    notes.push(
      `Codex expands no variables in arguments, URLs or other headers: replace ${[...placeholders].map((name) => `<set ${name}>`).join(', ')} in the file with the value (it is then stored in plain text).`,
    );
  }
  return [
    ...notes,
    ...list.map(
      (variable) =>
        `${variable.name}${variable.secret ? ' (secret)' : ' (required, no default)'}${variable.description ? `: ${variable.description}` : ''}`,
    ),
  ];
}
