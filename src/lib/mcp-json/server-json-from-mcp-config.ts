// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the client config syntax being read
import { type Problem, ValidationError } from '../../domain/errors.ts';
import type {
  KeyValueInput,
  PositionalArgument,
  ServerInput,
  ServerJson,
  ServerPackage,
  ServerRemote,
} from '../../domain/manifests/server-json.ts';

/** The server.json schema version Atlas writes. */
export const SERVER_SCHEMA_URL = 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json';

export interface McpConfigContext {
  /** The server.json `name`: reverse-DNS, one slash (`io.atlas.platform/pager`). */
  readonly name: string;
  /** The entry's key in its `mcpServers` map; becomes the title. */
  readonly key: string;
  /** The version when the entry pins none (the plugin's); `0.0.0` with a warning when this is missing too. */
  readonly version?: string;
  /** Says whose server it is in the description written when the entry has none: `the ops plugin`. */
  readonly owner?: string;
}

export interface McpConfigConversion {
  readonly server: ServerJson;
  /** What was guessed, left out or could not be described; `path` is a JSON pointer into the entry (`/env/TOKEN`). */
  readonly warnings: Problem[];
}

const KNOWN_KEYS = new Set(['type', 'command', 'args', 'env', 'url', 'headers', 'description']);
const DESCRIPTION_LIMIT = 100;
// A name that says its value is a secret: API_TOKEN, x-api-key, DB_PASSWORD, Authorization, GITHUB_PAT.
const SECRET_NAME =
  /(^|[^a-z])(token|secret|password|passwd|passphrase|pwd|apikey|api[_-]?key|key|auth|authorization|credentials?|cookie|session|pat|private)([^a-z]|$)/i;
// A value that looks like a credential whatever its name.
const SECRET_VALUE = [
  /^(sk|pk|rk)[-_][A-Za-z0-9_-]{8,}/,
  /^gh[pousr]_[A-Za-z0-9]{16,}/,
  /^github_pat_/,
  /^glpat-/,
  /^xox[abprs]-/,
  /^AKIA[0-9A-Z]{12,}/,
  /^AIza[0-9A-Za-z_-]{20,}/,
  /^npm_[A-Za-z0-9]{20,}/,
  /^eyJ[\w-]+\.[\w-]+\./,
  /^(bearer|basic|token)\s+\S+/i,
];
const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const EXACT_VERSION = /^v?\d+(\.\d+){0,3}([-+][0-9A-Za-z.+-]+)?$/;
const NPM_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/i;
const PYPI_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._,-]+\])?$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// docker run options that take a value as the next argument.
const DOCKER_VALUE_OPTIONS = new Set([
  '-e',
  '--env',
  '--env-file',
  '-v',
  '--volume',
  '--mount',
  '-p',
  '--publish',
  '--name',
  '--network',
  '--net',
  '-w',
  '--workdir',
  '-u',
  '--user',
  '--platform',
  '--entrypoint',
  '-l',
  '--label',
  '--add-host',
  '--cpus',
  '-m',
  '--memory',
  '--pull',
  '--cap-add',
  '--cap-drop',
  '--security-opt',
  '--tmpfs',
  '--device',
  '-h',
  '--hostname',
  '--ipc',
  '--pid',
  '--shm-size',
  '--ulimit',
  '--restart',
  '--log-driver',
  '--log-opt',
  '--dns',
  '--gpus',
]);

const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const pointer = (...parts: (string | number)[]) =>
  parts.map((part) => `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/** Whether an environment variable, header or argument name says its value is a secret. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name.replace(/([a-z])([A-Z])/g, '$1_$2'));
}

/** Whether a literal value looks like a credential (a known token prefix, a JWT, or a long random string). */
export function looksLikeSecret(value: string): boolean {
  if (SECRET_VALUE.some((pattern) => pattern.test(value))) return true;
  return (
    value.length >= 32 &&
    /^[A-Za-z0-9+/=_.-]+$/.test(value) &&
    /[0-9]/.test(value) &&
    /[a-z]/.test(value) &&
    /[A-Z]/.test(value)
  );
}

/**
 * Describes an MCP server entry of a client config (Claude Code's `.mcp.json`, a plugin's `mcpServers`) as a
 * server.json of the MCP Registry (schema 2025-12-11).
 * - `command` + `args` + `env` become a package when the command names one: `npx [-y] pkg@1.2.3 ...` (npm),
 *   `uvx pkg==1.2.3 ...` or `uvx pkg@1.2.3` (pypi), `docker run [options] image:tag ...` (oci). Arguments after the
 *   package become package arguments, docker options runtime arguments. A package without an exact version, or a
 *   command that names no package (`node server.js`, a script inside the plugin), gives no package and a warning;
 * - `type: "http" | "sse"` + `url` + `headers` become a remote (`streamable-http` or `sse`);
 * - `${VAR}` and `${VAR:-default}` become `{VAR}` placeholders with a variable (`isRequired`, or the default);
 * - a secret is never carried: an environment variable, header or argument whose name (or flag) says secret, or
 *   whose literal value looks like a credential, becomes an `isSecret` input without a value; a user and password
 *   in a URL are dropped and a secret query parameter becomes a secret placeholder (each with a warning);
 * - the version is the package's, else `context.version`, else `0.0.0`; the description the entry's own (cut to
 *   100 characters), else one naming the key; each guess comes with a warning.
 * Throws ValidationError when the entry is not an object.
 */
export function serverJsonFromMcpConfig(config: unknown, context: McpConfigContext): McpConfigConversion {
  if (!isMap(config)) {
    throw new ValidationError({ path: '', message: 'must be an object such as {"command": ..., "args": [...]}' });
  }
  const warnings: Problem[] = [];
  const warn = (path: string, message: string) => warnings.push({ path, message });
  const extra = Object.keys(config).filter((key) => !KNOWN_KEYS.has(key));
  if (extra.length > 0) {
    warn('', `has ${extra.map((key) => `"${key}"`).join(', ')}, which server.json has no place for; left out`);
  }

  const type = typeof config.type === 'string' ? config.type.toLowerCase() : undefined;
  const packages: ServerPackage[] = [];
  let pinned: string | undefined;
  const remotes: ServerRemote[] = [];
  if (type === 'http' || type === 'streamable-http' || type === 'streamablehttp' || type === 'sse') {
    const remote = remoteOf(config, type === 'sse' ? 'sse' : 'streamable-http', warn);
    if (remote) remotes.push(remote);
  } else if (type === undefined && typeof config.url === 'string' && config.command === undefined) {
    warn('/type', 'is missing; the entry has a url, so it is taken as a streamable HTTP server');
    const remote = remoteOf(config, 'streamable-http', warn);
    if (remote) remotes.push(remote);
  } else if (type === undefined || type === 'stdio') {
    const found = packageOf(config, warn);
    if (found) {
      packages.push(found.pkg);
      pinned = found.version;
    }
  } else {
    warn('/type', `"${config.type}" is a transport server.json cannot describe (stdio, http or sse); left out`);
  }

  let version = pinned ?? (context.version && EXACT_VERSION.test(context.version) ? context.version : undefined);
  if (version === undefined) {
    version = '0.0.0';
    warn('', 'names no version, and neither does its plugin; recorded as 0.0.0: set "version" in server.json');
  }
  let description = typeof config.description === 'string' ? config.description.trim() : '';
  if (description === '') {
    description = `MCP server "${context.key}"${context.owner ? ` of ${context.owner}` : ''}`;
    warn('/description', `is missing; written as "${truncate(description, DESCRIPTION_LIMIT)}"`);
  } else if ([...description].length > DESCRIPTION_LIMIT) {
    warn('/description', `is longer than server.json's ${DESCRIPTION_LIMIT} characters; cut`);
  }
  const server: ServerJson = {
    $schema: SERVER_SCHEMA_URL,
    name: context.name,
    title: truncate(context.key, 100),
    description: truncate(description, DESCRIPTION_LIMIT),
    version,
    ...(packages.length > 0 ? { packages } : {}),
    ...(remotes.length > 0 ? { remotes } : {}),
  };
  return { server, warnings };
}

function truncate(text: string, limit: number): string {
  const chars = [...text];
  return chars.length <= limit ? text : `${chars.slice(0, limit - 1).join('')}…`;
}

type Warn = (path: string, message: string) => void;

/** A string with `${VAR}` references as a `{VAR}` template and the variables it names. */
interface Template {
  readonly text: string;
  readonly variables: Record<string, ServerInput>;
  /** The value was a literal (no reference at all). */
  readonly literal: boolean;
}

function template(value: string, secret: boolean, at: string, warn: Warn): Template {
  const variables: Record<string, ServerInput> = {};
  let literal = true;
  const text = value.replace(REFERENCE, (_match, name: string, fallback: string | undefined) => {
    literal = false;
    const isSecret = secret || isSecretName(name);
    if (name === 'CLAUDE_PLUGIN_ROOT' || name === 'CLAUDE_PROJECT_DIR') {
      warn(at, `refers to \${${name}}, a folder of the client's that server.json cannot know; the user must give it`);
      variables[name] = {
        description: name === 'CLAUDE_PLUGIN_ROOT' ? "The folder of the plugin's files" : 'The project folder',
        isRequired: true,
        format: 'filepath',
      };
    } else {
      variables[name] = {
        isRequired: fallback === undefined,
        ...(isSecret ? { isSecret: true } : {}),
        ...(fallback !== undefined && !isSecret ? { default: fallback } : {}),
      };
    }
    return `{${name}}`;
  });
  return { text, variables, literal };
}

/** An environment variable or header from `name: value`; a secret literal is dropped with a warning. */
function keyValueInput(name: string, raw: unknown, at: string, warn: Warn, secretName: boolean): KeyValueInput {
  const value = typeof raw === 'string' ? raw : raw === null || raw === undefined ? '' : String(raw);
  const secret = secretName || isSecretName(name);
  const parsed = template(value, secret, at, warn);
  if (parsed.literal) {
    if (secret || looksLikeSecret(value)) {
      if (value !== '') warn(at, 'holds a secret value; left out (Atlas never imports one): users give their own');
      return { name, isRequired: true, isSecret: true };
    }
    return { name, value };
  }
  const names = Object.keys(parsed.variables);
  const anySecret = secret || names.some((variable) => parsed.variables[variable]!.isSecret === true);
  // `KEY: ${KEY}` is the variable itself: the input has no value of its own, only its requirement and default.
  if (names.length === 1 && parsed.text === `{${names[0]}}` && names[0] === name) {
    const variable = parsed.variables[name]!;
    return {
      name,
      ...(variable.description ? { description: variable.description } : {}),
      isRequired: variable.isRequired === true,
      ...(anySecret ? { isSecret: true } : {}),
      ...(variable.default !== undefined ? { default: variable.default } : {}),
      ...(variable.format ? { format: variable.format } : {}),
    };
  }
  return {
    name,
    value: parsed.text,
    isRequired: true,
    ...(anySecret ? { isSecret: true } : {}),
    variables: parsed.variables,
  };
}

function remoteOf(config: Record<string, unknown>, type: ServerRemote['type'], warn: Warn): ServerRemote | undefined {
  if (typeof config.url !== 'string' || config.url === '') {
    warn('/url', 'is missing; a remote server needs its URL');
    return undefined;
  }
  const url = template(config.url, false, '/url', warn);
  const urlText = withoutUrlSecrets(url.text, url.variables, warn);
  const headers: KeyValueInput[] = [];
  if (isMap(config.headers)) {
    for (const [name, value] of Object.entries(config.headers)) {
      const at = pointer('headers', name);
      if (!HEADER_NAME.test(name)) {
        warn(at, 'is not a valid HTTP header name; left out');
        continue;
      }
      headers.push(keyValueInput(name, value, at, warn, isSecretName(name)));
    }
  } else if (config.headers !== undefined) {
    warn('/headers', 'is not a map of header names to values; left out');
  }
  return {
    type,
    url: urlText,
    ...(headers.length > 0 ? { headers } : {}),
    ...(Object.keys(url.variables).length > 0 ? { variables: url.variables } : {}),
  };
}

/**
 * A URL with its secrets taken out: user and password before the host are dropped, and a query parameter whose
 * name says secret (or whose value looks like one) gets a secret `{NAME}` placeholder instead of its value.
 */
function withoutUrlSecrets(url: string, variables: Record<string, ServerInput>, warn: Warn): string {
  let text = url;
  const credentials = /^(https?:\/\/)[^/?#@]*@/i;
  if (credentials.test(text)) {
    text = text.replace(credentials, '$1');
    warn('/url', 'holds a user name or password before the host; left out (Atlas never imports one)');
  }
  return text.replace(/([?&])([^=&#]+)=([^&#]*)/g, (match, separator: string, name: string, value: string) => {
    if (/^\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(value) || !(isSecretName(name) || looksLikeSecret(value))) return match;
    const variable = variableName(name);
    variables[variable] = { isRequired: true, isSecret: true };
    warn(
      '/url',
      `holds a secret in its query parameter "${name}"; left out (Atlas never imports one): users give their own`,
    );
    return `${separator}${name}={${variable}}`;
  });
}

function environment(config: Record<string, unknown>, warn: Warn): Map<string, KeyValueInput> {
  const env = new Map<string, KeyValueInput>();
  if (isMap(config.env)) {
    for (const [name, value] of Object.entries(config.env)) {
      env.set(name, keyValueInput(name, value, pointer('env', name), warn, false));
    }
  } else if (config.env !== undefined) {
    warn('/env', 'is not a map of variable names to values; left out');
  }
  return env;
}

/** A variable name made of a flag or label: `--api-key` is API_KEY. */
function variableName(label: string): string {
  const name = label
    .replace(/^-+/, '')
    .toUpperCase()
    .replace(/[^A-Z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[A-Z_]/.test(name) ? name : `_${name}`;
}

/**
 * One argument as a positional one with its value; `${VAR}` references become placeholders, and a secret literal
 * (after a flag whose name says secret, or one that looks like a credential) becomes a secret placeholder.
 */
function argumentOf(value: string, index: number, warn: Warn, secretLabel: string | undefined): PositionalArgument {
  const at = pointer('args', index);
  const parsed = template(value, secretLabel !== undefined, at, warn);
  if (parsed.literal && (secretLabel !== undefined || looksLikeSecret(value))) {
    warn(at, 'holds a secret value; left out (Atlas never imports one): users give their own');
    const name = variableName(secretLabel ?? `secret_${index}`);
    return {
      type: 'positional',
      value: `{${name}}`,
      isRequired: true,
      isSecret: true,
      variables: { [name]: { isRequired: true, isSecret: true } },
    };
  }
  if (parsed.literal) return { type: 'positional', value };
  const secret = Object.values(parsed.variables).some((variable) => variable.isSecret === true);
  return {
    type: 'positional',
    value: parsed.text,
    isRequired: true,
    ...(secret ? { isSecret: true } : {}),
    variables: parsed.variables,
  };
}

function argumentsOf(args: readonly { value: string; index: number }[], warn: Warn): PositionalArgument[] {
  return args.map(({ value, index }, position) => {
    const previous = position > 0 ? args[position - 1]!.value : '';
    const flagBefore = /^--?[A-Za-z]/.test(previous) && !previous.includes('=') && isSecretName(previous);
    const inline = /^(--?[A-Za-z][\w-]*)=(.*)$/s.exec(value);
    if (inline) {
      // --token=abc: the flag stays, its value is judged on its own.
      const [, flag, rest] = inline as unknown as [string, string, string];
      const argument = argumentOf(rest, index, warn, isSecretName(flag) ? flag : undefined);
      return { ...argument, value: `${flag}=${argument.value}` };
    }
    return argumentOf(value, index, warn, flagBefore ? previous : undefined);
  });
}

const indexed = (args: readonly string[], from: number) =>
  args.slice(from).map((value, offset) => ({ value, index: from + offset }));

function commandName(command: string): string {
  const last = command.split(/[\\/]/).pop() ?? command;
  return last.replace(/\.(cmd|exe|bat)$/i, '').toLowerCase();
}

/** The package a command runs, and the version it pins (an image's tag when it reads as a version). */
function packageOf(
  config: Record<string, unknown>,
  warn: Warn,
): { pkg: ServerPackage; version: string | undefined } | undefined {
  if (typeof config.command !== 'string' || config.command === '') {
    warn('/command', 'is missing; a local server needs the command that starts it');
    return undefined;
  }
  const args = Array.isArray(config.args) ? config.args.map((arg) => String(arg)) : [];
  if (config.args !== undefined && !Array.isArray(config.args)) warn('/args', 'is not a list; left out');
  const env = environment(config, warn);
  const runtime = commandName(config.command);
  const unknown = (why: string) => {
    warn(
      '/command',
      `${why}; server.json describes a server by a package with an exact version (npx pkg@1.2.3, uvx pkg==1.2.3, docker run image:tag), so none was written and clients cannot install it from Atlas until one is added`,
    );
    return undefined;
  };
  const unpinned = (what: string, example: string) =>
    unknown(`runs ${what} without an exact version (whatever is newest when it starts); pin it, e.g. ${example}`);
  const withEnv = (pkg: ServerPackage, version: string | undefined) => ({
    pkg: env.size > 0 ? { ...pkg, environmentVariables: [...env.values()] } : pkg,
    version,
  });

  if (runtime === 'npx') {
    let index = 0;
    while (index < args.length && ['-y', '--yes', '-q', '--quiet', '--silent'].includes(args[index]!)) index++;
    const spec = args[index];
    if (spec === undefined || spec.startsWith('-'))
      return unknown('npx is given options Atlas does not read before its package, or no package');
    const at = spec.indexOf('@', 1);
    const identifier = at > 0 ? spec.slice(0, at) : spec;
    const version = at > 0 ? spec.slice(at + 1) : undefined;
    if (!NPM_NAME.test(identifier)) {
      return unknown('npx runs something other than an npm registry package (a URL, a path or a git source)');
    }
    if (!version || !EXACT_VERSION.test(version))
      return unpinned(`the npm package ${identifier}`, `${identifier}@1.2.3`);
    const rest = argumentsOf(indexed(args, index + 1), warn);
    const exact = version.replace(/^v/, '');
    return withEnv(
      {
        registryType: 'npm',
        identifier,
        version: exact,
        runtimeHint: 'npx',
        transport: { type: 'stdio' },
        ...(rest.length > 0 ? { packageArguments: rest } : {}),
      },
      exact,
    );
  }
  if (runtime === 'uvx') {
    const spec = args[0];
    if (spec === undefined || spec.startsWith('-'))
      return unknown('uvx is given options Atlas does not read before its package, or no package');
    const match = /^([^=@<>~!]+?)(?:(?:==|@)(.+))?$/.exec(spec);
    const identifier = match?.[1] ?? spec;
    const version = match?.[2];
    if (!PYPI_NAME.test(identifier)) {
      return unknown('uvx runs something other than a PyPI package (a URL, a path or a git source)');
    }
    if (!version || !EXACT_VERSION.test(version))
      return unpinned(`the PyPI package ${identifier}`, `${identifier}==1.2.3`);
    const rest = argumentsOf(indexed(args, 1), warn);
    return withEnv(
      {
        registryType: 'pypi',
        identifier,
        version,
        runtimeHint: 'uvx',
        transport: { type: 'stdio' },
        ...(rest.length > 0 ? { packageArguments: rest } : {}),
      },
      version,
    );
  }
  if (runtime === 'docker') {
    if (args[0] !== 'run') return unknown('the docker command is not "docker run <image>"');
    const runtimeArgs: { value: string; index: number }[] = [];
    let index = 1;
    let image: string | undefined;
    while (index < args.length) {
      const at = index;
      const arg = args[at]!;
      if (!arg.startsWith('-')) {
        image = arg;
        break;
      }
      const equals = arg.indexOf('=');
      const flag = equals > 0 ? arg.slice(0, equals) : arg;
      const takesValue = equals < 0 && DOCKER_VALUE_OPTIONS.has(flag);
      const value = takesValue ? args[at + 1] : equals > 0 ? arg.slice(equals + 1) : undefined;
      index += takesValue ? 2 : 1;
      // The client adds -i and --rm itself; a terminal (-t) would corrupt the stdio stream.
      if (['-i', '--interactive', '--rm', '-t', '--tty', '-it', '-ti'].includes(flag)) continue;
      if (flag === '-e' || flag === '--env') {
        // -e NAME passes the variable through from the client's environment; -e NAME=value sets it.
        const split = value?.indexOf('=') ?? -1;
        const name = split > 0 ? value!.slice(0, split) : value;
        if (name && !env.has(name)) {
          env.set(
            name,
            split > 0
              ? keyValueInput(name, value!.slice(split + 1), pointer('args', index - 1), warn, false)
              : { name, isRequired: true, ...(isSecretName(name) ? { isSecret: true } : {}) },
          );
        }
        continue;
      }
      if (flag === '--env-file') {
        warn(pointer('args', at), 'reads variables from a file on the machine; left out: declare them in server.json');
        continue;
      }
      runtimeArgs.push({ value: arg, index: at });
      if (takesValue && value !== undefined) runtimeArgs.push({ value, index: at + 1 });
    }
    if (!image) return unknown('docker run is given no image');
    const last = image.split('/').pop() ?? image;
    const digest = image.includes('@') ? image.slice(image.indexOf('@') + 1) : undefined;
    const tag = !digest && last.includes(':') ? last.slice(last.indexOf(':') + 1) : undefined;
    const version = digest ?? tag;
    if (!version || version === 'latest')
      return unpinned(`the image ${image.replace(/:latest$/, '')}`, `${image.replace(/:latest$/, '')}:1.2.3`);
    const runtimeArguments = argumentsOf(runtimeArgs, warn);
    const rest = argumentsOf(indexed(args, index + 1), warn);
    // Since the 2025-10-11 schema an oci package has no version: its identifier carries the tag or digest.
    return withEnv(
      {
        registryType: 'oci',
        identifier: image,
        runtimeHint: 'docker',
        transport: { type: 'stdio' },
        ...(runtimeArguments.length > 0 ? { runtimeArguments } : {}),
        ...(rest.length > 0 ? { packageArguments: rest } : {}),
      },
      tag !== undefined && EXACT_VERSION.test(tag) ? tag.replace(/^v/, '') : undefined,
    );
  }
  return unknown(`the command "${runtime}" is not one Atlas recognises as a package (npx, uvx, docker run)`);
}
