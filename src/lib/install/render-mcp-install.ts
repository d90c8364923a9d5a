// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} placeholders are the client syntax being rendered
import type { InstallClient, McpInstall } from '../../domain/catalog/install-clients.ts';
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

const CONFIG_PATHS: Record<InstallClient, { user?: string; project?: string }> = {
  'claude-code': { user: '~/.claude.json', project: '.mcp.json' },
  'claude-desktop': { user: '~/Library/Application Support/Claude/claude_desktop_config.json' },
  cursor: { user: '~/.cursor/mcp.json', project: '.cursor/mcp.json' },
  vscode: { project: '.vscode/mcp.json' },
};

/** The runtime each registry's packages run with, unless the package names another in `runtimeHint`. */
const DEFAULT_RUNTIME: Record<string, string> = { npm: 'npx', pypi: 'uvx', oci: 'docker', nuget: 'dnx' };

/**
 * Renders what `client` needs to run an MCP server described by a server.json.
 * - packages become a local command: npm `npx -y id@version`, pypi `uvx id==version`, oci
 *   `docker run -i --rm -e VAR... id:version`, nuget `dnx id@version --yes`; `runtimeHint` picks the runtime;
 *   runtime arguments go before the package, package arguments after; environment variables go in `env`;
 * - remotes become `type` + `url` + `headers` (Cursor: `url` + `headers`); Claude Desktop, which cannot reach remote
 *   servers from its config, runs them through `npx -y mcp-remote`;
 * - a secret is never written as a value, not even its default: it becomes a placeholder the client expands
 *   (`${VAR}` for Claude Code, `${env:VAR}` for Cursor, `${input:id}` for VS Code) or, for Claude Desktop which
 *   expands nothing, `<set VAR>` for the user to replace; `{name}` templates are filled the same way;
 * - a non-secret input takes its default; a required one without a default becomes a placeholder, named in the notes;
 * - an mcpb package cannot be configured (it must be downloaded): the first remote is used instead when there is one.
 * Throws ValidationError when nothing can be rendered or `choose` names something that does not exist.
 */
export function renderMcpInstall(
  server: ServerJson,
  client: InstallClient,
  options: RenderMcpInstallOptions,
): McpInstall {
  const { serverKey } = options;
  const variables = new Variables(serverKey);
  const notes: string[] = [];
  const { plan, source } = choosePlan(server, options.choose ?? {}, variables, notes);
  const secrets = variables.list.filter((variable) => variable.secret).map((variable) => variable.name);
  const install: McpInstall = {
    client,
    serverKey,
    entry: {},
    configPath: { ...CONFIG_PATHS[client] },
    containerKey: client === 'vscode' ? 'servers' : 'mcpServers',
    secrets,
    notes,
    source,
  };
  switch (client) {
    case 'claude-code':
      install.entry =
        plan.kind === 'stdio' ? stdioEntry(plan, claudeCodeVar, true) : remoteEntry(plan, claudeCodeVar, true);
      install.command = claudeMcpAddCommand(serverKey, plan);
      notes.push(
        `The command adds the server for every project (--scope user, in ${CONFIG_PATHS['claude-code'].user}); use --scope project to write ${CONFIG_PATHS['claude-code'].project} instead.`,
      );
      break;
    case 'cursor':
      install.entry = plan.kind === 'stdio' ? stdioEntry(plan, cursorVar, false) : remoteEntry(plan, cursorVar, false);
      break;
    case 'vscode':
      install.entry = plan.kind === 'stdio' ? stdioEntry(plan, vscodeVar, true) : remoteEntry(plan, vscodeVar, true);
      install.inputs = variables.list.map((variable) => ({
        type: 'promptString',
        id: variable.id,
        description: variable.description ?? `${variable.name} for ${serverKey}`,
        ...(variable.secret ? { password: true as const } : {}),
      }));
      notes.push(
        'For every workspace, add the entry to the user configuration instead (command "MCP: Open User Configuration").',
      );
      break;
    case 'claude-desktop':
      install.entry = plan.kind === 'stdio' ? stdioEntry(plan, desktopVar, false) : mcpRemoteEntry(plan, serverKey);
      if (plan.kind === 'remote') {
        notes.push(
          'Claude Desktop cannot connect to a remote server from its config file, so the entry runs the mcp-remote bridge (npx -y mcp-remote) as a local server.',
        );
      }
      notes.push(
        'On Windows the file is %APPDATA%\\Claude\\claude_desktop_config.json; on Linux ~/.config/Claude/claude_desktop_config.json. Restart Claude Desktop after editing it.',
      );
      break;
  }
  if (plan.kind === 'remote' && plan.startWith) {
    notes.push(
      `This package serves MCP over HTTP: start it first with ${shellCommand(plan.startWith, claudeCodeVar)}, then the client connects to its URL.`,
    );
  }
  notes.push(...variableNotes(client, variables.list));
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
    return { plan: packagePlan(pkg, vars), source: { type: 'package', index: choose.package } };
  }
  if (choose.remote !== undefined) {
    const remote = remotes[checkIndex(choose.remote, remotes.length, 'remote')]!;
    return { plan: remotePlan(remote, vars), source: { type: 'remote', index: choose.remote } };
  }
  const first = packages[0];
  if (first && !notInstallable(first)) return { plan: packagePlan(first, vars), source: { type: 'package', index: 0 } };
  if (first) notes.push(`Package 0 ${notInstallable(first)}.`);
  if (remotes[0]) {
    if (first) notes.push('Using remote 0 instead.');
    return { plan: remotePlan(remotes[0], vars), source: { type: 'remote', index: 0 } };
  }
  const index = packages.findIndex((pkg) => !notInstallable(pkg));
  if (index > 0) {
    notes.push(`Using package ${index} instead.`);
    return { plan: packagePlan(packages[index]!, vars), source: { type: 'package', index } };
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
  if (!pkg.runtimeHint && !DEFAULT_RUNTIME[pkg.registryType]) {
    return `comes from the "${pkg.registryType}" registry, which has no known runtime; a runtimeHint would name one`;
  }
  return undefined;
}

function packagePlan(pkg: ServerPackage, vars: Variables): Plan {
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
  const runtime = pkg.runtimeHint ?? DEFAULT_RUNTIME[pkg.registryType]!;
  const ref = packageRef(pkg);
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
  const stdio: StdioPlan = { kind: 'stdio', command: runtime, args, env };
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

function packageRef(pkg: ServerPackage): string {
  switch (pkg.registryType) {
    case 'pypi':
      return `${pkg.identifier}==${pkg.version}`;
    case 'oci': {
      // An image reference may already carry its tag or digest.
      const last = pkg.identifier.split('/').pop() ?? '';
      return last.includes(':') || last.includes('@') ? pkg.identifier : `${pkg.identifier}:${pkg.version}`;
    }
    default:
      return `${pkg.identifier}@${pkg.version}`;
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
const claudeCodeVar: VarStyle = (variable) => `\${${variable.name}}`;
const cursorVar: VarStyle = (variable) => `\${env:${variable.name}}`;
const vscodeVar: VarStyle = (variable) => `\${input:${variable.id}}`;
const desktopVar: VarStyle = (variable) => `<set ${variable.name}>`;

function render(text: Text, style: VarStyle): string {
  return text.map((part) => (typeof part === 'string' ? part : style(part))).join('');
}

function renderMap(pairs: [string, Text][], style: VarStyle): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, text] of pairs) out[name] = render(text, style);
  return out;
}

function stdioEntry(plan: StdioPlan, style: VarStyle, typed: boolean): JsonObject {
  const entry: JsonObject = {};
  if (typed) entry.type = 'stdio';
  entry.command = plan.command;
  entry.args = plan.args.map((arg) => render(arg, style));
  if (plan.env.length > 0) entry.env = renderMap(plan.env, style);
  return entry;
}

function remoteEntry(plan: RemotePlan, style: VarStyle, typed: boolean): JsonObject {
  const entry: JsonObject = {};
  if (typed) entry.type = plan.transport;
  entry.url = render(plan.url, style);
  if (plan.headers.length > 0) entry.headers = renderMap(plan.headers, style);
  return entry;
}

/**
 * Claude Desktop reaches a remote server through mcp-remote. mcp-remote expands `${VAR}` in header arguments from
 * its own environment, and the header argument is written without spaces ("Name:${VAR}") because some clients
 * split arguments on spaces.
 */
function mcpRemoteEntry(plan: RemotePlan, serverKey: string): JsonObject {
  const args: JsonValue[] = ['-y', 'mcp-remote', render(plan.url, desktopVar)];
  const env: Record<string, string> = {};
  for (const [name, text] of plan.headers) {
    const literal = text.every((part) => typeof part === 'string') ? render(text, desktopVar) : undefined;
    if (literal !== undefined && !/\s/.test(literal)) {
      args.push('--header', `${name}:${literal}`);
      continue;
    }
    const variable = envName(`${serverKey}_${name}`);
    args.push('--header', `${name}:\${${variable}}`);
    env[variable] = render(text, desktopVar);
  }
  const entry: JsonObject = { command: 'npx', args };
  if (Object.keys(env).length > 0) entry.env = env;
  return entry;
}

/**
 * `claude mcp add` for the plan. Options follow the server name because `-e` and `--header` take several values;
 * `--` ends them before the command. Variables are left for the shell to expand, inside double quotes.
 */
function claudeMcpAddCommand(serverKey: string, plan: Plan): string {
  const words: Text[] = [['claude'], ['mcp'], ['add']];
  if (plan.kind === 'stdio') {
    words.push([serverKey], ['--scope'], ['user']);
    for (const [name, text] of plan.env) words.push(['-e'], compact([`${name}=`, ...text]));
    words.push(['--'], [plan.command], ...plan.args);
  } else {
    words.push(['--transport'], [plan.transport], ['--scope'], ['user'], [serverKey], plan.url);
    for (const [name, text] of plan.headers) words.push(['--header'], compact([`${name}: `, ...text]));
  }
  return words.map((word) => shellWord(word)).join(' ');
}

function shellCommand(plan: StdioPlan, style: VarStyle): string {
  const env = plan.env.map(([name, text]) => shellWord(compact([`${name}=`, ...text]), style));
  return [...env, shellWord([plan.command]), ...plan.args.map((arg) => shellWord(arg, style))].join(' ');
}

/** Quotes one shell word: bare when safe, single quotes for literal text, double quotes around `${VAR}`. */
function shellWord(text: Text, style: VarStyle = claudeCodeVar): string {
  if (text.every((part) => typeof part === 'string')) {
    const literal = text.join('');
    if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(literal)) return literal;
    return `'${literal.replaceAll("'", `'\\''`)}'`;
  }
  const inner = text
    .map((part) => (typeof part === 'string' ? part.replace(/[\\"$`]/g, '\\$&') : style(part)))
    .join('');
  return `"${inner}"`;
}

function variableNotes(client: InstallClient, list: Variable[]): string[] {
  if (list.length === 0) return [];
  const how: Record<InstallClient, string> = {
    'claude-code':
      'Claude Code expands ${VAR} from its environment when it starts the server; set each variable below before starting it (and before running the command, whose shell fills them in).',
    cursor: 'Cursor expands ${env:VAR} from its environment; set each variable below before starting Cursor.',
    vscode: 'VS Code asks for each input below the first time it starts the server; secrets go to its secret storage.',
    'claude-desktop':
      'Claude Desktop expands no variables: replace each <set VAR> in the file with the value (the file then holds it in plain text).',
  };
  return [
    how[client],
    ...list.map(
      (variable) =>
        `${variable.name}${variable.secret ? ' (secret)' : ' (required, no default)'}${variable.description ? `: ${variable.description}` : ''}`,
    ),
  ];
}
