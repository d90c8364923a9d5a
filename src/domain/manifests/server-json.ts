import { gitPathProblem } from '../content/git-path.ts';
import { checkStorable } from './json-safe.ts';
import type { JsonObject, ParsedManifest } from './manifest.ts';
import { isPlainObject, jsonPointer, ManifestReport } from './manifest-report.ts';
import { decodeManifestText, parseJsonObject } from './manifest-text.ts';
import { exactVersionProblem, templateVariables, urlTemplateProblem, webUrlProblem } from './manifest-values.ts';

const FILE = 'server.json';

/** A value the user or the client provides: an environment variable, header, argument or template variable. */
export interface ServerInput {
  description?: string;
  isRequired?: boolean;
  isSecret?: boolean;
  format?: 'string' | 'number' | 'boolean' | 'filepath';
  /** A fixed value; `{name}` placeholders are filled from `variables`. */
  value?: string;
  default?: string;
  placeholder?: string;
  choices?: string[];
}

export interface ServerInputWithVariables extends ServerInput {
  variables?: Record<string, ServerInput>;
}

/** An environment variable or an HTTP header. */
export interface KeyValueInput extends ServerInputWithVariables {
  name: string;
}

export interface PositionalArgument extends ServerInputWithVariables {
  type: 'positional';
  valueHint?: string;
  isRepeated?: boolean;
}

export interface NamedArgument extends ServerInputWithVariables {
  type: 'named';
  /** The flag, with its dashes: `--port`. */
  name: string;
  isRepeated?: boolean;
}

export type ServerArgument = PositionalArgument | NamedArgument;

export type PackageTransport =
  | { type: 'stdio' }
  | { type: 'streamable-http'; url: string; headers?: KeyValueInput[] }
  | { type: 'sse'; url: string; headers?: KeyValueInput[] };

export const KNOWN_REGISTRY_TYPES = ['npm', 'pypi', 'oci', 'nuget', 'mcpb'] as const;

export interface ServerPackage {
  /** npm, pypi, oci, nuget or mcpb; others are accepted with a warning. */
  registryType: string;
  registryBaseUrl?: string;
  identifier: string;
  version: string;
  fileSha256?: string;
  runtimeHint?: string;
  transport: PackageTransport;
  runtimeArguments?: ServerArgument[];
  packageArguments?: ServerArgument[];
  environmentVariables?: KeyValueInput[];
}

export interface ServerRemote {
  type: 'streamable-http' | 'sse';
  /** May hold `{name}` placeholders, filled from `variables`. */
  url: string;
  headers?: KeyValueInput[];
  variables?: Record<string, ServerInput>;
}

export interface ServerRepository {
  url: string;
  source: string;
  id?: string;
  subfolder?: string;
}

export interface ServerIcon {
  src: string;
  mimeType?: string;
  sizes?: string[];
  theme?: 'light' | 'dark';
}

/** A server.json as the MCP Registry defines it. Unknown fields are kept. */
export interface ServerJson {
  $schema?: string;
  name: string;
  description: string;
  version: string;
  title?: string;
  websiteUrl?: string;
  repository?: ServerRepository;
  icons?: ServerIcon[];
  packages?: ServerPackage[];
  remotes?: ServerRemote[];
  _meta?: JsonObject;
}

export type ParsedServer = ParsedManifest<ServerJson, 'mcp'>;

const TOP_LEVEL_FIELDS = [
  '$schema',
  'name',
  'description',
  'version',
  'title',
  'websiteUrl',
  'repository',
  'icons',
  'packages',
  'remotes',
  '_meta',
];
const INPUT_FIELDS = ['description', 'isRequired', 'isSecret', 'format', 'value', 'default', 'placeholder', 'choices'];
const FORMATS = ['string', 'number', 'boolean', 'filepath'];
const ICON_TYPES = ['image/png', 'image/jpeg', 'image/jpg', 'image/svg+xml', 'image/webp'];
const SERVER_NAME = /^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses and validates a server.json against the MCP Registry's rules, reporting every problem with its JSON
 * pointer at once (syntax errors as `server.json:LINE:COLUMN`).
 * - `name` is reverse-DNS, one `/`, 3-200 characters; `description` 1-100; `version` exact (no range, not
 *   `latest`), and so is each package `version`;
 * - URLs are absolute http(s) (icons https); remote and package transport URLs may hold `{placeholders}`, each of
 *   which must name a declared variable;
 * - inputs: `choices` are strings and `default` is one of them; key-value inputs need `name`; a positional
 *   argument needs `value` or `valueHint`; a named argument needs a `name` without spaces;
 * - a NUL or lone surrogate in any string or key is refused (PostgreSQL could not store it);
 * - warnings: unknown fields (kept), an unknown `registryType`, no packages and no remotes, runtime arguments
 *   without a `runtimeHint`, an mcpb package without `fileSha256`.
 */
export function parseServerJson(bytes: Uint8Array): ParsedServer {
  const text = decodeManifestText(bytes, FILE);
  const report = new ManifestReport(FILE);
  const doc = parseJsonObject(text, report);
  report.throwIfFailed();
  checkStorable(doc, '', report);
  const server = doc!;

  const name = report.string(server, 'name', '', { required: true });
  if (name !== undefined) {
    if (name.length < 3 || name.length > 200) report.error('/name', 'must be 3-200 characters');
    else if (!SERVER_NAME.test(name)) {
      report.error(
        '/name',
        'must be a reverse-DNS namespace, one "/", then a name, e.g. "io.github.user/weather" (letters, digits, ".", "-" and "_")',
      );
    }
  }
  const description = report.string(server, 'description', '', { required: true, min: 1, max: 100 });
  const version = report.string(server, 'version', '', { required: true });
  if (version !== undefined) checkVersion(version, '/version', report);
  report.string(server, '$schema', '');
  report.string(server, 'title', '', { min: 1, max: 100 });
  const website = report.string(server, 'websiteUrl', '');
  if (website !== undefined) urlCheck(website, '/websiteUrl', report);

  const repository = report.object(server, 'repository', '');
  if (repository) checkRepository(repository, report);
  const icons = report.array(server, 'icons', '');
  for (const [index, icon] of (icons ?? []).entries()) checkIcon(icon, jsonPointer('icons', index), report);
  const packages = report.array(server, 'packages', '');
  for (const [index, pkg] of (packages ?? []).entries()) checkPackage(pkg, jsonPointer('packages', index), report);
  const remotes = report.array(server, 'remotes', '');
  for (const [index, remote] of (remotes ?? []).entries()) checkRemote(remote, jsonPointer('remotes', index), report);
  report.object(server, '_meta', '');
  report.unknownKeys(server, '', TOP_LEVEL_FIELDS, 'server.json');
  if ((packages?.length ?? 0) === 0 && (remotes?.length ?? 0) === 0) {
    report.warn('', 'has no packages and no remotes, so no client can install it');
  }
  report.throwIfFailed();
  return {
    kind: 'mcp',
    name: name!,
    description: description!,
    version: version!,
    manifest: server as unknown as ServerJson,
    warnings: report.warnings,
  };
}

function checkVersion(version: string, at: string, report: ManifestReport): void {
  const problem = exactVersionProblem(version);
  if (problem) report.error(at, problem);
}

function urlCheck(url: string, at: string, report: ManifestReport, httpsOnly = false): void {
  const problem = webUrlProblem(url, { httpsOnly });
  if (problem) report.error(at, problem);
}

function checkRepository(repository: Record<string, unknown>, report: ManifestReport): void {
  const at = '/repository';
  const url = report.string(repository, 'url', at, { required: true });
  if (url !== undefined) urlCheck(url, `${at}/url`, report);
  report.string(repository, 'source', at, { required: true, min: 1 });
  report.string(repository, 'id', at);
  const subfolder = report.string(repository, 'subfolder', at);
  if (subfolder !== undefined) {
    const problem = gitPathProblem(subfolder);
    if (problem) report.error(`${at}/subfolder`, `must be a clean relative path: ${problem}`);
  }
  report.unknownKeys(repository, at, ['url', 'source', 'id', 'subfolder'], 'repository');
}

function checkIcon(icon: unknown, at: string, report: ManifestReport): void {
  if (!isPlainObject(icon)) {
    report.error(at, 'must be an object');
    return;
  }
  const src = report.string(icon, 'src', at, { required: true, max: 255 });
  if (src !== undefined) urlCheck(src, `${at}/src`, report, true);
  const mimeType = report.string(icon, 'mimeType', at);
  if (mimeType !== undefined && !ICON_TYPES.includes(mimeType)) {
    report.error(`${at}/mimeType`, `must be one of ${ICON_TYPES.join(', ')}`);
  }
  const sizes = report.stringList(icon, 'sizes', at);
  sizes?.forEach((size, index) => {
    if (!/^(\d+x\d+|any)$/.test(size)) report.error(`${at}/sizes/${index}`, 'must look like "48x48" or be "any"');
  });
  const theme = report.string(icon, 'theme', at);
  if (theme !== undefined && theme !== 'light' && theme !== 'dark') {
    report.error(`${at}/theme`, 'must be "light" or "dark"');
  }
  report.unknownKeys(icon, at, ['src', 'mimeType', 'sizes', 'theme'], 'icon');
}

const PACKAGE_FIELDS = [
  'registryType',
  'registryBaseUrl',
  'identifier',
  'version',
  'fileSha256',
  'runtimeHint',
  'transport',
  'runtimeArguments',
  'packageArguments',
  'environmentVariables',
];

function checkPackage(pkg: unknown, at: string, report: ManifestReport): void {
  if (!isPlainObject(pkg)) {
    report.error(at, 'must be an object');
    return;
  }
  const registryType = report.string(pkg, 'registryType', at, { required: true, min: 1 });
  if (registryType !== undefined && !(KNOWN_REGISTRY_TYPES as readonly string[]).includes(registryType)) {
    report.warn(
      `${at}/registryType`,
      `"${registryType}" is not one of ${KNOWN_REGISTRY_TYPES.join(', ')}; clients may not know how to install it`,
    );
  }
  const base = report.string(pkg, 'registryBaseUrl', at);
  if (base !== undefined) urlCheck(base, `${at}/registryBaseUrl`, report);
  const identifier = report.string(pkg, 'identifier', at, { required: true, min: 1 });
  if (identifier !== undefined && /\s/.test(identifier)) report.error(`${at}/identifier`, 'must not contain spaces');
  const version = report.string(pkg, 'version', at, { required: true });
  if (version !== undefined) checkVersion(version, `${at}/version`, report);
  const sha = report.string(pkg, 'fileSha256', at);
  if (sha !== undefined && !/^[a-f0-9]{64}$/.test(sha)) {
    report.error(`${at}/fileSha256`, 'must be a SHA-256 digest: 64 lowercase hexadecimal characters');
  }
  if (registryType === 'mcpb' && sha === undefined) {
    report.warn(`${at}/fileSha256`, 'is missing; clients should verify a downloaded MCPB bundle against it');
  }
  const runtimeHint = report.string(pkg, 'runtimeHint', at, { min: 1 });

  const names = new Set<string>();
  const env = report.array(pkg, 'environmentVariables', at);
  env?.forEach((input, index) => {
    const name = checkKeyValueInput(input, `${at}/environmentVariables/${index}`, report, 'environment');
    if (name !== undefined) {
      if (names.has(name)) report.error(`${at}/environmentVariables/${index}/name`, `repeats "${name}"`);
      names.add(name);
    }
  });
  for (const key of ['runtimeArguments', 'packageArguments'] as const) {
    const args = report.array(pkg, key, at);
    args?.forEach((arg, index) => {
      for (const label of checkArgument(arg, `${at}/${key}/${index}`, report)) names.add(label);
    });
  }
  if ((pkg.runtimeArguments as unknown[] | undefined)?.length && runtimeHint === undefined) {
    report.warn(`${at}/runtimeHint`, 'should be set when runtimeArguments are given, so clients know the runtime');
  }

  const transport = report.object(pkg, 'transport', at, true);
  if (transport) checkTransport(transport, `${at}/transport`, report, [...names], true);
  report.unknownKeys(pkg, at, PACKAGE_FIELDS, 'package');
}

function checkTransport(
  transport: Record<string, unknown>,
  at: string,
  report: ManifestReport,
  available: string[],
  allowStdio: boolean,
): void {
  const type = report.string(transport, 'type', at, { required: true });
  const types = allowStdio ? ['stdio', 'streamable-http', 'sse'] : ['streamable-http', 'sse'];
  if (type === undefined) return;
  if (!types.includes(type)) {
    report.error(`${at}/type`, `must be one of ${types.join(', ')}`);
    return;
  }
  if (type === 'stdio') {
    if (transport.url !== undefined) report.error(`${at}/url`, 'must not be set for the stdio transport');
    report.unknownKeys(transport, at, ['type'], 'transport');
    return;
  }
  const url = report.string(transport, 'url', at, { required: true });
  if (url !== undefined) {
    const problem = urlTemplateProblem(url);
    if (problem) report.error(`${at}/url`, problem);
    for (const variable of templateVariables(url)) {
      if (!available.includes(variable)) {
        report.error(
          `${at}/url`,
          available.length === 0
            ? `uses {${variable}}, but no variable is declared`
            : `uses {${variable}}, which is not declared (declared: ${available.join(', ')})`,
        );
      }
    }
  }
  const headers = report.array(transport, 'headers', at);
  const seen = new Set<string>();
  headers?.forEach((header, index) => {
    const name = checkKeyValueInput(header, `${at}/headers/${index}`, report, 'header');
    if (name !== undefined) {
      if (seen.has(name.toLowerCase())) report.error(`${at}/headers/${index}/name`, `repeats the header "${name}"`);
      seen.add(name.toLowerCase());
    }
  });
  const known = allowStdio ? ['type', 'url', 'headers'] : ['type', 'url', 'headers', 'variables'];
  report.unknownKeys(transport, at, known, 'transport');
}

function checkRemote(remote: unknown, at: string, report: ManifestReport): void {
  if (!isPlainObject(remote)) {
    report.error(at, 'must be an object');
    return;
  }
  const variables = report.object(remote, 'variables', at);
  if (variables) {
    for (const [key, input] of Object.entries(variables))
      checkInput(input, `${at}${jsonPointer('variables', key)}`, report);
  }
  checkTransport(remote, at, report, Object.keys(variables ?? {}), false);
}

/** Checks the fields every input shares; returns false when the input is not even an object. */
function checkInput(input: unknown, at: string, report: ManifestReport, extra: readonly string[] = []): boolean {
  if (!isPlainObject(input)) {
    report.error(at, 'must be an object');
    return false;
  }
  report.string(input, 'description', at);
  report.boolean(input, 'isRequired', at);
  report.boolean(input, 'isSecret', at);
  report.string(input, 'value', at);
  report.string(input, 'placeholder', at);
  const format = report.string(input, 'format', at);
  if (format !== undefined && !FORMATS.includes(format))
    report.error(`${at}/format`, `must be one of ${FORMATS.join(', ')}`);
  const fallback = report.string(input, 'default', at);
  const choices = report.stringList(input, 'choices', at);
  if (fallback !== undefined && choices !== undefined && choices.length > 0 && !choices.includes(fallback)) {
    report.error(`${at}/default`, `must be one of the choices (${choices.join(', ')})`);
  }
  if (fallback !== undefined && format === 'number' && !/^-?\d+(\.\d+)?$/.test(fallback)) {
    report.warn(`${at}/default`, 'should be a number, as the format says');
  }
  if (fallback !== undefined && format === 'boolean' && fallback !== 'true' && fallback !== 'false') {
    report.warn(`${at}/default`, 'should be "true" or "false", as the format says');
  }
  report.unknownKeys(input, at, [...INPUT_FIELDS, ...extra], 'input');
  return true;
}

function checkVariables(input: Record<string, unknown>, at: string, report: ManifestReport): void {
  const variables = report.object(input, 'variables', at);
  if (!variables) return;
  for (const [key, variable] of Object.entries(variables)) {
    checkInput(variable, `${at}${jsonPointer('variables', key)}`, report);
  }
}

/** Checks an environment variable or header; returns its name when it has a valid one. */
function checkKeyValueInput(
  input: unknown,
  at: string,
  report: ManifestReport,
  kind: 'environment' | 'header',
): string | undefined {
  if (!checkInput(input, at, report, ['name', 'variables'])) return undefined;
  const fields = input as Record<string, unknown>;
  checkVariables(fields, at, report);
  const name = report.string(fields, 'name', at, { required: true, min: 1 });
  if (name === undefined) return undefined;
  if (kind === 'header' && !HEADER_NAME.test(name)) {
    report.error(`${at}/name`, 'must be a valid HTTP header name (letters, digits and -, no spaces or colons)');
    return undefined;
  }
  if (kind === 'environment' && !ENV_NAME.test(name)) {
    report.warn(
      `${at}/name`,
      'is not a portable environment variable name (letters, digits and _, not starting with a digit)',
    );
  }
  return name;
}

/** Checks a runtime or package argument; returns the labels a transport URL may use for it. */
function checkArgument(arg: unknown, at: string, report: ManifestReport): string[] {
  if (!checkInput(arg, at, report, ['type', 'name', 'valueHint', 'isRepeated', 'variables'])) return [];
  const fields = arg as Record<string, unknown>;
  checkVariables(fields, at, report);
  report.boolean(fields, 'isRepeated', at);
  const valueHint = report.string(fields, 'valueHint', at, { min: 1 });
  const type = report.string(fields, 'type', at, { required: true });
  const labels: string[] = [];
  if (type === 'positional') {
    if (fields.value === undefined && fields.valueHint === undefined) {
      report.error(at, 'a positional argument needs a value or a valueHint');
    }
    if (typeof fields.name === 'string') report.warn(`${at}/name`, 'is ignored on a positional argument');
  } else if (type === 'named') {
    const name = report.string(fields, 'name', at, { required: true, min: 1 });
    if (name !== undefined) {
      if (/[\s<>$]/.test(name)) {
        report.error(`${at}/name`, 'must be the flag alone, such as "--port", without spaces, <, > or $');
      } else {
        labels.push(name);
        for (const key of ['value', 'default'] as const) {
          const text = fields[key];
          if (typeof text === 'string' && name.startsWith('-') && text.startsWith(name)) {
            report.error(`${at}/${key}`, `must not repeat the flag "${name}"; give the value alone`);
          }
        }
      }
    }
  } else if (type !== undefined) {
    report.error(`${at}/type`, 'must be "positional" or "named"');
  }
  if (valueHint !== undefined) labels.push(valueHint);
  return labels;
}
