import { gitPathProblem } from '../content/git-path.ts';
import { checkStorable, setOwn } from './json-safe.ts';
import type { JsonObject, ParsedManifest } from './manifest.ts';
import { isPlainObject, jsonPointer, ManifestReport } from './manifest-report.ts';
import { decodeManifestText, parseJsonObject } from './manifest-text.ts';
import { exactVersionProblem, templateVariables, urlTemplateProblem, webUrlProblem } from './manifest-values.ts';

const FILE = 'server.json';

// ---- Schema versions ----

/** Every published server.json schema version, oldest first; `draft` is the next one, not yet released. */
export const SERVER_SCHEMA_VERSIONS = [
  '2025-07-09',
  '2025-09-16',
  '2025-09-29',
  '2025-10-11',
  '2025-10-17',
  '2025-12-11',
  'draft',
] as const;

export type ServerSchemaVersion = (typeof SERVER_SCHEMA_VERSIONS)[number];

/** The version a server.json without `$schema` is read as. */
export const CURRENT_SERVER_SCHEMA_VERSION = '2025-12-11' satisfies ServerSchemaVersion;

/** The URL by which a server.json names a schema version. */
export function serverSchemaUrl(version: ServerSchemaVersion): string {
  return `https://static.modelcontextprotocol.io/schemas/${version}/server.schema.json`;
}

/** Where the first draft of 2025-07-09 lived, before the versioned URLs; its field names differ (see FIRST_DRAFT). */
const FIRST_DRAFT_URL = 'https://modelcontextprotocol.io/schemas/draft/2025-07-09/server.json';
/** The draft as its own `$id` names it, in the registry's repository. */
const DRAFT_REPOSITORY_URL =
  'https://raw.githubusercontent.com/modelcontextprotocol/registry/main/docs/reference/server-json/draft/server.schema.json';

/**
 * The schema version a `$schema` URL names, or undefined when it names none. `firstDraft` marks the URL of the
 * first 2025-07-09 draft, whose documents spell fields as that draft did.
 */
export function serverSchemaVersionOf(url: string): { version: ServerSchemaVersion; firstDraft: boolean } | undefined {
  if (url === FIRST_DRAFT_URL) return { version: '2025-07-09', firstDraft: true };
  if (url === DRAFT_REPOSITORY_URL) return { version: 'draft', firstDraft: false };
  const version = SERVER_SCHEMA_VERSIONS.find((candidate) => serverSchemaUrl(candidate) === url);
  return version === undefined ? undefined : { version, firstDraft: false };
}

const rank = (version: ServerSchemaVersion) => SERVER_SCHEMA_VERSIONS.indexOf(version);

// ---- The document, as Atlas stores it (camelCase, the current spelling) ----

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

/** Registry types clients know how to install; others are accepted with a warning (refused when strict). */
export const KNOWN_REGISTRY_TYPES = ['npm', 'pypi', 'oci', 'nuget', 'mcpb', 'cargo'] as const;

/** A step a client shows after installing a package; never run by the client (draft schema). */
export interface PostInstallInstruction {
  description: string;
  command?: string;
  documentation?: string;
  optional?: boolean;
}

export interface ServerPackage {
  /** npm, pypi, oci, nuget, mcpb or cargo; others are accepted with a warning. */
  registryType: string;
  registryBaseUrl?: string;
  identifier: string;
  /**
   * The exact version. Since the 2025-10-11 schema it is optional: an oci package has none (its identifier is the
   * whole image reference, tag included) and an mcpb package's download URL carries it.
   */
  version?: string;
  fileSha256?: string;
  runtimeHint?: string;
  transport: PackageTransport;
  runtimeArguments?: ServerArgument[];
  packageArguments?: ServerArgument[];
  environmentVariables?: KeyValueInput[];
  postInstallInstructions?: PostInstallInstruction[];
}

export interface ServerRemote {
  type: 'streamable-http' | 'sse';
  /** May hold `{name}` placeholders, filled from `variables` (2025-12-11 and later). */
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

/**
 * A server.json as the MCP Registry defines it, in the camelCase spelling of 2025-09-16 and later. Unknown fields
 * are kept.
 */
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
  /** Only in 2025-07-09 and 2025-09-16; the registry manages it since 2025-09-29. */
  status?: 'active' | 'deprecated' | 'deleted';
  _meta?: JsonObject;
}

export type ParsedServer = ParsedManifest<ServerJson, 'mcp'> & {
  /** The schema version the file declares; the current one when it declares none or one Atlas does not know. */
  readonly schemaVersion: ServerSchemaVersion;
};

export interface ServerJsonOptions {
  /**
   * Applies the official MCP Registry's publishing rules as errors; without it they are warnings: https-only
   * remotes and websiteUrl, a GitHub or GitLab repository, name parts that start and end with a letter or digit,
   * registry base URLs and package fields the registry accepts, only the publisher-provided key in `_meta` (at most
   * 4 KB), and a `$schema`.
   */
  readonly strict?: boolean;
}

// ---- Spellings ----

/**
 * How a document spells its fields: camelCase since 2025-09-16; snake_case in 2025-07-09; the first draft of
 * 2025-07-09 also named a package's type and identifier otherwise, wrapped the version in `version_detail`, gave
 * remotes a `transport_type` and packages no transport.
 */
type Spelling = 'camelCase' | 'snake_case' | 'first-draft';

/** camelCase field -> its 2025-07-09 snake_case name. */
const SNAKE_CASE = new Map([
  ['registryType', 'registry_type'],
  ['registryBaseUrl', 'registry_base_url'],
  ['fileSha256', 'file_sha256'],
  ['runtimeHint', 'runtime_hint'],
  ['runtimeArguments', 'runtime_arguments'],
  ['packageArguments', 'package_arguments'],
  ['environmentVariables', 'environment_variables'],
  ['isRequired', 'is_required'],
  ['isSecret', 'is_secret'],
  ['valueHint', 'value_hint'],
  ['isRepeated', 'is_repeated'],
  ['websiteUrl', 'website_url'],
]);
/** The first draft's package fields, where they differ from snake_case. */
const FIRST_DRAFT = new Map([...SNAKE_CASE, ['registryType', 'registry_name'], ['identifier', 'name']]);
const CAMEL_CASE = new Map([...SNAKE_CASE].map(([camel, snake]) => [snake, camel]));
/** A first-draft package's fields, by their camelCase names (it had no registry_base_url, file_sha256 or transport). */
const FIRST_DRAFT_PACKAGE = new Map([
  ['registry_name', 'registryType'],
  ['name', 'identifier'],
  ['runtime_hint', 'runtimeHint'],
  ['runtime_arguments', 'runtimeArguments'],
  ['package_arguments', 'packageArguments'],
  ['environment_variables', 'environmentVariables'],
]);
/** First-draft fields that later versions replaced: `version_detail.version` and a remote's `transport_type`. */
const FIRST_DRAFT_ONLY = new Map([
  ['version_detail', 'version'],
  ['transport_type', 'type'],
]);

// ---- Rules ----

const PUBLISHER_PROVIDED = 'io.modelcontextprotocol.registry/publisher-provided';
const OFFICIAL_META = 'io.modelcontextprotocol.registry/official';
const MAX_PUBLISHER_PROVIDED_BYTES = 4096;
const FORMATS = ['string', 'number', 'boolean', 'filepath'];
const ICON_TYPES = ['image/png', 'image/jpeg', 'image/jpg', 'image/svg+xml', 'image/webp'];
const SERVER_NAME = /^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SHA256 = /^[a-f0-9]{64}$/;
/** Registry types whose packages are looked up by name and version in a package registry. */
const NAMED_PACKAGE_TYPES = ['npm', 'pypi', 'nuget', 'cargo'];
/** The only package registries the official MCP Registry accepts, by registry type. */
const OFFICIAL_BASE_URLS: Readonly<Record<string, readonly string[]>> = {
  npm: ['https://registry.npmjs.org'],
  pypi: ['https://pypi.org'],
  nuget: ['https://api.nuget.org/v3/index.json', 'https://api.nuget.org'],
  cargo: ['https://crates.io'],
};

/**
 * Parses and validates a server.json by the rules of the schema version its `$schema` names, reporting every
 * problem with its JSON pointer at once (syntax errors as `server.json:LINE:COLUMN`).
 * - `$schema`: one of the published versions (SERVER_SCHEMA_VERSIONS); an unknown URL is an error, an older version
 *   or the draft a warning, none a warning (an error when strict) and the file is read as the current version;
 * - fields are read as that version spells them: snake_case in 2025-07-09 (and its first draft's `registry_name`,
 *   `version_detail`, `transport_type`), camelCase since 2025-09-16; `status` until 2025-09-29; `title`, `icons`
 *   and `placeholder` since 2025-10-11; packages allow no unknown field until 2025-10-11;
 * - package `version` is required until 2025-10-11; since then an oci package has none (nor `registryBaseUrl` nor
 *   `fileSha256`: its identifier is the image reference, tag included), an mcpb package none in 2025-10-11 (optional
 *   since 2025-10-17) and no `registryBaseUrl`;
 * - `name` is reverse-DNS, one `/`, 3-200 characters; `description` 1-100; `version` exact (no range, not `latest`),
 *   and so is each package `version`;
 * - transport URLs are http(s) URLs whose `{placeholders}` each name a declared input: a package's environment
 *   variables, argument names (`{--port}`) and value hints; a remote's `variables`, which exist since 2025-12-11;
 *   only the draft lets a URL start with a placeholder (`{baseUrl}/mcp`);
 * - inputs: `choices` are strings and `default` is one of them; key-value inputs need `name`; a positional
 *   argument needs `value` or `valueHint`; a named argument needs a `name` without spaces;
 * - a NUL or lone surrogate in any string or key is refused (PostgreSQL could not store it);
 * - warnings: unknown fields (kept, with the version that spells them when there is one), no packages and no
 *   remotes, runtime arguments without a `runtimeHint`, and the official registry's publishing rules
 *   (ServerJsonOptions.strict), which are errors when strict.
 * The manifest returned is in the current camelCase spelling: a 2025-07-09 document is renamed field by field
 * into the 2025-09-16 spelling, and its `$schema` says so; `schemaVersion` keeps the version the file declares.
 */
export function parseServerJson(bytes: Uint8Array, options: ServerJsonOptions = {}): ParsedServer {
  const text = decodeManifestText(bytes, FILE);
  const report = new ManifestReport(FILE);
  const doc = parseJsonObject(text, report);
  report.throwIfFailed();
  checkStorable(doc, '', report);
  const server = doc!;
  const strict = options.strict === true;
  const { version: schemaVersion, spelling } = readSchema(server, report, strict);
  const check = new ServerJsonCheck(report, schemaVersion, spelling, strict);

  const name = check.serverName(server);
  const description = report.string(server, 'description', '', { required: true, min: 1, max: 100 });
  const version = check.serverVersion(server);
  check.topLevel(server);
  const packages = report.array(server, 'packages', '');
  for (const [index, pkg] of (packages ?? []).entries()) check.package(pkg, jsonPointer('packages', index));
  const remotes = report.array(server, 'remotes', '');
  for (const [index, remote] of (remotes ?? []).entries()) check.remote(remote, jsonPointer('remotes', index));
  check.meta(server);
  check.fields(server, '', check.topLevelFields(), 'server.json', {
    introduced: { title: '2025-10-11', icons: '2025-10-11' },
  });
  if ((packages?.length ?? 0) === 0 && (remotes?.length ?? 0) === 0) {
    report.warn('', 'has no packages and no remotes, so no client can install it');
  }
  report.throwIfFailed();
  const manifest = spelling === 'camelCase' ? server : toCamelCase(server, spelling === 'first-draft');
  return {
    kind: 'mcp',
    name: name!,
    description: description!,
    version: version!,
    manifest: manifest as unknown as ServerJson,
    warnings: report.warnings,
    schemaVersion,
  };
}

/** Which version and spelling the document declares, reporting a `$schema` that is missing, wrong or dated. */
function readSchema(
  server: Record<string, unknown>,
  report: ManifestReport,
  strict: boolean,
): { version: ServerSchemaVersion; spelling: Spelling } {
  const current = CURRENT_SERVER_SCHEMA_VERSION;
  const schema = server.$schema;
  let found: ReturnType<typeof serverSchemaVersionOf>;
  if (schema === undefined) {
    if (strict) {
      report.error(
        '/$schema',
        `is required by the official MCP Registry; the current one is ${serverSchemaUrl(current)}`,
      );
    } else {
      report.warn('/$schema', `is missing; the file is read as the current version, ${serverSchemaUrl(current)}`);
    }
  } else if (typeof schema !== 'string') {
    report.error('/$schema', 'must be a string');
  } else {
    found = serverSchemaVersionOf(schema);
    if (!found) {
      report.error(
        '/$schema',
        `is not a published server.json schema: use ${serverSchemaUrl(current)}, or the URL of another version (${SERVER_SCHEMA_VERSIONS.join(', ')})`,
      );
    } else if (found.version === 'draft') {
      report.warn(
        '/$schema',
        `names the draft schema, which is not released and may still change; the current version is ${current}`,
      );
    } else if (rank(found.version) < rank(current)) {
      report.warn(
        '/$schema',
        `is version ${found.version}${found.firstDraft ? ' (its first draft)' : ''}, older than the current ${current}; it is checked by the rules of ${found.version}`,
      );
    }
  }
  const version = found?.version ?? current;
  if (version !== '2025-07-09') return { version, spelling: 'camelCase' };
  return { version, spelling: found?.firstDraft || looksLikeFirstDraft(server) ? 'first-draft' : 'snake_case' };
}

/** The static 2025-07-09 URL served the first draft before it served the snake_case schema; its fields tell them apart. */
function looksLikeFirstDraft(server: Record<string, unknown>): boolean {
  const some = (list: unknown, key: string) =>
    Array.isArray(list) && list.some((item) => isPlainObject(item) && key in item);
  return 'version_detail' in server || some(server.packages, 'registry_name') || some(server.remotes, 'transport_type');
}

interface FieldOptions {
  /** The schema allows no other field (JSON Schema `additionalProperties: false`): an unknown one is an error. */
  closed?: boolean;
  /** Fields that a later schema version brought, by the version that did. */
  introduced?: Readonly<Record<string, ServerSchemaVersion>>;
}

/** The checks of one document, by the rules of its schema version and spelling. */
class ServerJsonCheck {
  constructor(
    private readonly report: ManifestReport,
    private readonly version: ServerSchemaVersion,
    private readonly spelling: Spelling,
    private readonly strict: boolean,
  ) {}

  private get firstDraft(): boolean {
    return this.spelling === 'first-draft';
  }

  /** The name this document's version gives a field known here by its camelCase name. */
  private k(field: string): string {
    if (this.spelling === 'camelCase') return field;
    return (this.firstDraft ? FIRST_DRAFT : SNAKE_CASE).get(field) ?? field;
  }

  private since(version: ServerSchemaVersion): boolean {
    return rank(this.version) >= rank(version);
  }

  /** A rule of the official MCP Registry beyond the schema: an error when strict, else a warning. */
  private official(pointer: string, message: string): void {
    if (this.strict) this.report.error(pointer, message);
    else this.report.warn(pointer, message);
  }

  private versionProblem(version: string, pointer: string): void {
    const problem = exactVersionProblem(version);
    if (problem) this.report.error(pointer, problem);
  }

  private url(url: string, pointer: string, httpsOnly = false): boolean {
    const problem = webUrlProblem(url, { httpsOnly });
    if (problem) this.report.error(pointer, problem);
    return problem === undefined;
  }

  serverName(server: Record<string, unknown>): string | undefined {
    const name = this.report.string(server, 'name', '', { required: true });
    if (name === undefined) return undefined;
    if (name.length < 3 || name.length > 200) this.report.error('/name', 'must be 3-200 characters');
    else if (!SERVER_NAME.test(name)) {
      this.report.error(
        '/name',
        'must be a reverse-DNS namespace, one "/", then a name, e.g. "io.github.user/weather" (letters, digits, ".", "-" and "_")',
      );
    } else if (!name.split('/').every(startsAndEndsAlphanumeric)) {
      this.official(
        '/name',
        'must have a namespace and a name of at least 2 characters that each start and end with a letter or digit to be published to the official MCP Registry',
      );
    }
    return name;
  }

  serverVersion(server: Record<string, unknown>): string | undefined {
    if (!this.firstDraft) {
      const version = this.report.string(server, 'version', '', { required: true });
      if (version !== undefined) this.versionProblem(version, '/version');
      return version;
    }
    const detail = this.report.object(server, 'version_detail', '', true);
    if (!detail) return undefined;
    const version = this.report.string(detail, 'version', '/version_detail', { required: true });
    if (version !== undefined) this.versionProblem(version, '/version_detail/version');
    this.fields(detail, '/version_detail', ['version'], 'version_detail');
    return version;
  }

  /** The top-level fields besides name, description, version, packages, remotes and _meta. */
  topLevel(server: Record<string, unknown>): void {
    if (this.since('2025-10-11')) {
      const title = this.report.string(server, 'title', '', { min: 1, max: 100 });
      if (title !== undefined && title.trim() === '') this.report.error('/title', 'must not be only spaces');
    }
    if (!this.firstDraft) {
      const key = this.k('websiteUrl');
      const website = this.report.string(server, key, '');
      if (website !== undefined && this.url(website, `/${key}`) && !website.startsWith('https://')) {
        this.official(`/${key}`, 'must use https:// to be published to the official MCP Registry');
      }
    }
    const repository = this.report.object(server, 'repository', '');
    if (repository) this.repository(repository);
    if (this.since('2025-10-11')) {
      const icons = this.report.array(server, 'icons', '');
      for (const [index, icon] of (icons ?? []).entries()) this.icon(icon, jsonPointer('icons', index));
    }
    if (!this.since('2025-09-29')) {
      const statuses = this.firstDraft ? ['active', 'deprecated'] : ['active', 'deprecated', 'deleted'];
      const status = this.report.string(server, 'status', '');
      if (status !== undefined && !statuses.includes(status)) {
        this.report.error('/status', `must be one of ${statuses.join(', ')}`);
      }
    }
  }

  topLevelFields(): string[] {
    return [
      '$schema',
      'name',
      'description',
      'repository',
      'packages',
      'remotes',
      ...(this.firstDraft ? ['version_detail'] : ['version', 'websiteUrl', '_meta']),
      ...(this.since('2025-09-29') ? [] : ['status']),
      ...(this.since('2025-10-11') ? ['title', 'icons'] : []),
    ];
  }

  private repository(repository: Record<string, unknown>): void {
    const at = '/repository';
    const url = this.report.string(repository, 'url', at, { required: true });
    const urlOk = url !== undefined && this.url(url, `${at}/url`);
    const source = this.report.string(repository, 'source', at, { required: true, min: 1 });
    this.report.string(repository, 'id', at);
    if (!this.firstDraft) {
      const subfolder = this.report.string(repository, 'subfolder', at);
      if (subfolder !== undefined) {
        const problem = gitPathProblem(subfolder);
        if (problem) this.report.error(`${at}/subfolder`, `must be a clean relative path: ${problem}`);
      }
    }
    this.fields(
      repository,
      at,
      this.firstDraft ? ['url', 'source', 'id'] : ['url', 'source', 'id', 'subfolder'],
      'repository',
    );
    if (source === undefined) return;
    if (source !== 'github' && source !== 'gitlab') {
      this.official(`${at}/source`, 'must be "github" or "gitlab" to be published to the official MCP Registry');
    } else if (urlOk && !isForgeRepositoryUrl(source, url!)) {
      this.official(
        `${at}/url`,
        source === 'github'
          ? 'must be a GitHub repository URL such as https://github.com/owner/repo to be published to the official MCP Registry'
          : 'must be a GitLab project URL such as https://gitlab.com/group/project to be published to the official MCP Registry',
      );
    }
  }

  private icon(icon: unknown, at: string): void {
    if (!isPlainObject(icon)) {
      this.report.error(at, 'must be an object');
      return;
    }
    const src = this.report.string(icon, 'src', at, { required: true, max: 255 });
    if (src !== undefined) this.url(src, `${at}/src`, true);
    const mimeType = this.report.string(icon, 'mimeType', at);
    if (mimeType !== undefined && !ICON_TYPES.includes(mimeType)) {
      this.report.error(`${at}/mimeType`, `must be one of ${ICON_TYPES.join(', ')}`);
    }
    const sizes = this.report.stringList(icon, 'sizes', at);
    sizes?.forEach((size, index) => {
      if (!/^(\d+x\d+|any)$/.test(size))
        this.report.error(`${at}/sizes/${index}`, 'must look like "48x48" or be "any"');
    });
    const theme = this.report.string(icon, 'theme', at);
    if (theme !== undefined && theme !== 'light' && theme !== 'dark') {
      this.report.error(`${at}/theme`, 'must be "light" or "dark"');
    }
    this.fields(icon, at, ['src', 'mimeType', 'sizes', 'theme'], 'icon');
  }

  package(pkg: unknown, at: string): void {
    if (!isPlainObject(pkg)) {
      this.report.error(at, 'must be an object');
      return;
    }
    const typeKey = this.k('registryType');
    const written = this.report.string(pkg, typeKey, at, { required: true, min: 1 });
    // The first draft called OCI images "docker"; the rename is applied to the stored manifest too.
    const type = this.firstDraft && written === 'docker' ? 'oci' : written;
    if (type !== undefined && !(KNOWN_REGISTRY_TYPES as readonly string[]).includes(type)) {
      this.official(
        `${at}/${typeKey}`,
        `"${written}" is not one of ${KNOWN_REGISTRY_TYPES.join(', ')}; clients may not know how to install it, and the official MCP Registry refuses it`,
      );
    }
    const idKey = this.k('identifier');
    const identifier = this.report.string(pkg, idKey, at, { required: true, min: 1 });
    if (identifier !== undefined && /\s/.test(identifier))
      this.report.error(`${at}/${idKey}`, 'must not contain spaces');
    this.packageVersion(pkg, at, type, !this.since('2025-10-11'));
    if (!this.firstDraft) {
      this.packageBaseUrl(pkg, at, type);
      this.packageSha(pkg, at, type);
    }
    if (identifier !== undefined && !/\s/.test(identifier)) this.packageIdentifier(identifier, `${at}/${idKey}`, type);
    const runtimeHint = this.report.string(pkg, this.k('runtimeHint'), at, { min: 1 });

    const names = new Set<string>();
    const envKey = this.k('environmentVariables');
    const env = this.report.array(pkg, envKey, at);
    env?.forEach((input, index) => {
      const name = this.keyValueInput(input, `${at}/${envKey}/${index}`, 'environment');
      if (name !== undefined) {
        if (names.has(name)) this.report.error(`${at}/${envKey}/${index}/name`, `repeats "${name}"`);
        names.add(name);
      }
    });
    for (const key of [this.k('runtimeArguments'), this.k('packageArguments')]) {
      const args = this.report.array(pkg, key, at);
      args?.forEach((arg, index) => {
        for (const label of this.argument(arg, `${at}/${key}/${index}`)) names.add(label);
      });
    }
    if ((pkg[this.k('runtimeArguments')] as unknown[] | undefined)?.length && runtimeHint === undefined) {
      this.report.warn(
        `${at}/${this.k('runtimeHint')}`,
        'should be set when runtimeArguments are given, so clients know the runtime',
      );
    }
    // The first draft had no transport: its packages all ran over stdio.
    if (!this.firstDraft) {
      const transport = this.report.object(pkg, 'transport', at, true);
      if (transport) this.packageTransport(transport, `${at}/transport`, [...names]);
    }
    if (this.version === 'draft') {
      const steps = this.report.array(pkg, 'postInstallInstructions', at);
      for (const [index, step] of (steps ?? []).entries()) {
        this.postInstallInstruction(step, `${at}/postInstallInstructions/${index}`);
      }
    }
    const fields = [
      'registryType',
      'identifier',
      'version',
      'runtimeHint',
      'runtimeArguments',
      'packageArguments',
      'environmentVariables',
      ...(this.firstDraft ? [] : ['registryBaseUrl', 'fileSha256', 'transport']),
      ...(this.version === 'draft' ? ['postInstallInstructions'] : []),
    ];
    this.fields(pkg, at, fields, 'package', {
      closed: !this.firstDraft && !this.since('2025-10-11'),
      introduced: { postInstallInstructions: 'draft' },
    });
  }

  private packageVersion(pkg: Record<string, unknown>, at: string, type: string | undefined, required: boolean): void {
    const version = this.report.string(pkg, 'version', at, { required });
    if (version === undefined) {
      if (pkg.version === undefined && !required && type !== undefined && NAMED_PACKAGE_TYPES.includes(type)) {
        this.official(
          `${at}/version`,
          `is required for ${type} packages by the official MCP Registry, which looks the package up by its version`,
        );
      }
      return;
    }
    if (this.since('2025-10-11') && type === 'oci') {
      this.report.error(
        `${at}/version`,
        'must be left out of an oci package since the 2025-10-11 schema: the image reference in identifier carries the tag, e.g. "ghcr.io/owner/image:1.0.2"',
      );
    } else if (this.version === '2025-10-11' && type === 'mcpb') {
      this.report.error(
        `${at}/version`,
        'must be left out of an mcpb package in the 2025-10-11 schema (2025-10-17 allows it): the download URL carries the version',
      );
    } else {
      this.versionProblem(version, `${at}/version`);
    }
  }

  private packageBaseUrl(pkg: Record<string, unknown>, at: string, type: string | undefined): void {
    const key = this.k('registryBaseUrl');
    const base = this.report.string(pkg, key, at);
    if (base === undefined) return;
    if (this.since('2025-10-11') && (type === 'oci' || type === 'mcpb')) {
      this.report.error(
        `${at}/${key}`,
        type === 'oci'
          ? 'must be left out of an oci package since the 2025-10-11 schema: the registry is part of the image reference, e.g. "docker.io/owner/image:1.0.2"'
          : 'must be left out of an mcpb package since the 2025-10-11 schema: identifier is the whole download URL',
      );
      return;
    }
    const official = type === undefined ? undefined : OFFICIAL_BASE_URLS[type];
    if (this.url(base, `${at}/${key}`) && official && !official.includes(base)) {
      this.official(
        `${at}/${key}`,
        `must be ${official.join(' or ')} for ${type} packages to be published to the official MCP Registry, which accepts no other registry`,
      );
    }
  }

  private packageSha(pkg: Record<string, unknown>, at: string, type: string | undefined): void {
    const key = this.k('fileSha256');
    const sha = this.report.string(pkg, key, at);
    if (sha === undefined) {
      if (type === 'mcpb' && pkg[key] === undefined) {
        this.official(
          `${at}/${key}`,
          'is required for mcpb packages: clients verify the downloaded bundle against it, and the official MCP Registry refuses an mcpb package without it',
        );
      }
      return;
    }
    if (!SHA256.test(sha)) {
      this.report.error(`${at}/${key}`, 'must be a SHA-256 digest: 64 lowercase hexadecimal characters');
    } else if (this.since('2025-10-11') && type === 'oci') {
      this.report.error(`${at}/${key}`, 'must be left out of an oci package since the 2025-10-11 schema');
    } else if (type !== undefined && NAMED_PACKAGE_TYPES.includes(type)) {
      this.official(
        `${at}/${key}`,
        `is for mcpb packages only; the official MCP Registry refuses it on ${type} packages`,
      );
    }
  }

  /** What the official registry asks of an oci image reference (since it carries the tag) and an mcpb URL. */
  private packageIdentifier(identifier: string, pointer: string, type: string | undefined): void {
    if (type === 'oci' && this.since('2025-10-11') && !hasTagOrDigest(identifier)) {
      this.official(
        pointer,
        'must carry a tag or digest, e.g. "ghcr.io/owner/image:1.0.2", to be published to the official MCP Registry; without one clients pull "latest"',
      );
    } else if (type === 'mcpb' && !isReleaseHostUrl(identifier)) {
      this.official(
        pointer,
        'must be an https:// download URL on github.com or gitlab.com (a release asset) to be published to the official MCP Registry',
      );
    }
  }

  private postInstallInstruction(step: unknown, at: string): void {
    if (!isPlainObject(step)) {
      this.report.error(at, 'must be an object');
      return;
    }
    this.report.string(step, 'description', at, { required: true, min: 1 });
    this.report.string(step, 'command', at);
    const documentation = this.report.string(step, 'documentation', at);
    if (documentation !== undefined) this.url(documentation, `${at}/documentation`);
    this.report.boolean(step, 'optional', at);
    this.fields(step, at, ['description', 'command', 'documentation', 'optional'], 'post-install instruction');
  }

  private packageTransport(transport: Record<string, unknown>, at: string, available: string[]): void {
    const type = this.report.string(transport, 'type', at, { required: true });
    if (type === undefined) return;
    if (type !== 'stdio' && type !== 'streamable-http' && type !== 'sse') {
      this.report.error(`${at}/type`, 'must be one of stdio, streamable-http, sse');
      return;
    }
    if (type === 'stdio') {
      if (transport.url !== undefined) this.report.error(`${at}/url`, 'must not be set for the stdio transport');
      this.fields(transport, at, ['type', 'url'], 'transport');
      return;
    }
    this.transportUrl(transport, at, available, false);
    this.headers(transport, at);
    this.fields(transport, at, ['type', 'url', 'headers'], 'transport');
  }

  remote(remote: unknown, at: string): void {
    if (!isPlainObject(remote)) {
      this.report.error(at, 'must be an object');
      return;
    }
    if (this.firstDraft) {
      const type = this.report.string(remote, 'transport_type', at, { required: true });
      if (type !== undefined && type !== 'streamable' && type !== 'sse') {
        this.report.error(`${at}/transport_type`, 'must be "streamable" or "sse"');
      }
      const url = this.report.string(remote, 'url', at, { required: true });
      if (url !== undefined && this.url(url, `${at}/url`)) this.remoteUrl(url, `${at}/url`);
      this.headers(remote, at);
      this.fields(remote, at, ['transport_type', 'url', 'headers'], 'remote');
      return;
    }
    const templated = this.since('2025-12-11');
    let available: string[] = [];
    if (templated) {
      const variables = this.report.object(remote, 'variables', at);
      for (const [key, input] of Object.entries(variables ?? {}))
        this.input(input, `${at}${jsonPointer('variables', key)}`);
      available = Object.keys(variables ?? {});
    }
    const type = this.report.string(remote, 'type', at, { required: true });
    if (type === undefined) return;
    if (type !== 'streamable-http' && type !== 'sse') {
      this.report.error(`${at}/type`, 'must be one of streamable-http, sse');
      return;
    }
    this.transportUrl(remote, at, available, true);
    this.headers(remote, at);
    this.fields(remote, at, ['type', 'url', 'headers', ...(templated ? ['variables'] : [])], 'remote', {
      introduced: { variables: '2025-12-11' },
    });
  }

  private transportUrl(owner: Record<string, unknown>, at: string, available: string[], remote: boolean): void {
    const url = this.report.string(owner, 'url', at, { required: true });
    if (url === undefined) return;
    const problem = urlTemplateProblem(url, { leadingPlaceholder: this.version === 'draft' });
    if (problem) {
      this.report.error(`${at}/url`, problem);
      return;
    }
    const used = templateVariables(url, { anyName: true });
    if (remote && used.length > 0 && !this.since('2025-12-11')) {
      this.report.error(
        `${at}/url`,
        `uses {${used[0]}}, but a remote URL may hold placeholders (filled from its variables) only since the 2025-12-11 schema`,
      );
      return;
    }
    let undeclared = false;
    for (const variable of used) {
      if (available.includes(variable)) continue;
      undeclared = true;
      this.report.error(
        `${at}/url`,
        available.length === 0
          ? `uses {${variable}}, but no variable is declared`
          : `uses {${variable}}, which is not declared (declared: ${available.join(', ')})`,
      );
    }
    if (remote && !undeclared) this.remoteUrl(url, `${at}/url`);
  }

  /** The official registry takes only remotes it can reach over the network, safely. */
  private remoteUrl(url: string, pointer: string): void {
    if (url.startsWith('{')) return;
    if (!url.startsWith('https://')) {
      this.official(pointer, 'must use https:// to be published to the official MCP Registry');
      return;
    }
    const host = new URL(url.replace(/\{[^{}\s]+\}/g, '0')).hostname.replace(/^\[|\]$/g, '');
    if (host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1' || host === '::1') {
      this.official(pointer, 'must not point at this machine (localhost) to be published to the official MCP Registry');
    }
  }

  private headers(owner: Record<string, unknown>, at: string): void {
    const headers = this.report.array(owner, 'headers', at);
    const seen = new Set<string>();
    headers?.forEach((header, index) => {
      const name = this.keyValueInput(header, `${at}/headers/${index}`, 'header');
      if (name !== undefined) {
        if (seen.has(name.toLowerCase()))
          this.report.error(`${at}/headers/${index}/name`, `repeats the header "${name}"`);
        seen.add(name.toLowerCase());
      }
    });
  }

  meta(server: Record<string, unknown>): void {
    if (this.firstDraft) return;
    const meta = this.report.object(server, '_meta', '');
    if (!meta) return;
    for (const [key, value] of Object.entries(meta)) {
      const at = jsonPointer('_meta', key);
      if (key === PUBLISHER_PROVIDED) {
        if (!isPlainObject(value)) this.report.error(at, 'must be an object');
        else if (goJsonLength(value) > MAX_PUBLISHER_PROVIDED_BYTES) {
          this.official(
            at,
            `must be at most 4 KB of JSON (it has ${goJsonLength(value)} bytes) to be published to the official MCP Registry`,
          );
        }
      } else if (key === OFFICIAL_META && !this.since('2025-09-29')) {
        if (!isPlainObject(value)) this.report.error(at, 'must be an object');
        else this.official(at, 'is written by the registry; the official MCP Registry refuses it from publishers');
      } else if (key === OFFICIAL_META) {
        this.official(at, 'is written by the registry, not by publishers, since the 2025-09-29 schema; remove it');
      } else {
        this.official(at, `is dropped by the official MCP Registry, which keeps only "${PUBLISHER_PROVIDED}" in _meta`);
      }
    }
  }

  /** Checks the fields every input shares; returns false when the input is not even an object. */
  private input(input: unknown, at: string, extra: readonly string[] = []): input is Record<string, unknown> {
    if (!isPlainObject(input)) {
      this.report.error(at, 'must be an object');
      return false;
    }
    this.report.string(input, 'description', at);
    this.report.boolean(input, this.k('isRequired'), at);
    this.report.boolean(input, this.k('isSecret'), at);
    this.report.string(input, 'value', at);
    if (this.since('2025-10-11')) this.report.string(input, 'placeholder', at);
    const format = this.report.string(input, 'format', at);
    if (format !== undefined && !FORMATS.includes(format)) {
      this.report.error(`${at}/format`, `must be one of ${FORMATS.join(', ')}`);
    }
    const fallback = this.report.string(input, 'default', at);
    const choices = this.report.stringList(input, 'choices', at);
    if (fallback !== undefined && choices !== undefined && choices.length > 0 && !choices.includes(fallback)) {
      this.report.error(`${at}/default`, `must be one of the choices (${choices.join(', ')})`);
    }
    if (fallback !== undefined && format === 'number' && !/^-?\d+(\.\d+)?$/.test(fallback)) {
      this.report.warn(`${at}/default`, 'should be a number, as the format says');
    }
    if (fallback !== undefined && format === 'boolean' && fallback !== 'true' && fallback !== 'false') {
      this.report.warn(`${at}/default`, 'should be "true" or "false", as the format says');
    }
    const fields = ['description', 'isRequired', 'isSecret', 'format', 'value', 'default', 'choices'];
    if (this.since('2025-10-11')) fields.push('placeholder');
    this.fields(input, at, [...fields, ...extra], 'input', { introduced: { placeholder: '2025-10-11' } });
    return true;
  }

  private variables(input: Record<string, unknown>, at: string): void {
    const variables = this.report.object(input, 'variables', at);
    for (const [key, variable] of Object.entries(variables ?? {})) {
      this.input(variable, `${at}${jsonPointer('variables', key)}`);
    }
  }

  /** Checks an environment variable or header; returns its name when it has a valid one. */
  private keyValueInput(input: unknown, at: string, kind: 'environment' | 'header'): string | undefined {
    if (!this.input(input, at, ['name', 'variables'])) return undefined;
    this.variables(input, at);
    const name = this.report.string(input, 'name', at, { required: true, min: 1 });
    if (name === undefined) return undefined;
    if (kind === 'header' && !HEADER_NAME.test(name)) {
      this.report.error(`${at}/name`, 'must be a valid HTTP header name (letters, digits and -, no spaces or colons)');
      return undefined;
    }
    if (kind === 'environment' && !ENV_NAME.test(name)) {
      this.report.warn(
        `${at}/name`,
        'is not a portable environment variable name (letters, digits and _, not starting with a digit)',
      );
    }
    return name;
  }

  /** Checks a runtime or package argument; returns the labels a transport URL may use for it. */
  private argument(arg: unknown, at: string): string[] {
    const hintKey = this.k('valueHint');
    const repeatedKey = this.k('isRepeated');
    if (!this.input(arg, at, ['type', 'name', 'valueHint', 'isRepeated', 'variables'])) return [];
    this.variables(arg, at);
    this.report.boolean(arg, repeatedKey, at);
    const valueHint = this.report.string(arg, hintKey, at, { min: 1 });
    const type = this.report.string(arg, 'type', at, { required: true });
    const labels: string[] = [];
    if (type === 'positional') {
      if (arg.value === undefined && arg[hintKey] === undefined) {
        this.report.error(at, `a positional argument needs a value or a ${hintKey}`);
      }
      if (typeof arg.name === 'string') this.report.warn(`${at}/name`, 'is ignored on a positional argument');
    } else if (type === 'named') {
      const name = this.report.string(arg, 'name', at, { required: true, min: 1 });
      if (name !== undefined) {
        if (/[\s<>$]/.test(name)) {
          this.report.error(`${at}/name`, 'must be the flag alone, such as "--port", without spaces, <, > or $');
        } else {
          labels.push(name);
          for (const key of ['value', 'default'] as const) {
            const text = arg[key];
            if (typeof text === 'string' && name.startsWith('-') && text.startsWith(name)) {
              this.report.error(`${at}/${key}`, `must not repeat the flag "${name}"; give the value alone`);
            }
          }
        }
      }
    } else if (type !== undefined) {
      this.report.error(`${at}/type`, 'must be "positional" or "named"');
    }
    if (valueHint !== undefined) labels.push(valueHint);
    return labels;
  }

  /**
   * Reports each field the version does not define, by its camelCase name in `known`: a warning (kept as is), or
   * an error where the schema allows no other field; a field another version spells or brought says so.
   */
  fields(
    owner: Record<string, unknown>,
    at: string,
    known: readonly string[],
    what: string,
    options: FieldOptions = {},
  ): void {
    const written = new Set(known.map((field) => this.k(field)));
    for (const key of Object.keys(owner)) {
      if (written.has(key)) continue;
      const hint = this.unknownFieldHint(key, what, options.introduced);
      const pointer = `${at}${jsonPointer(key)}`;
      if (options.closed) {
        this.report.error(
          pointer,
          `${hint ?? `is not a field of a ${what}`}; the ${this.version} schema allows no other field here`,
        );
      } else {
        this.report.warn(pointer, `${hint ?? `is not a known ${what} field`}; kept as is`);
      }
    }
  }

  private unknownFieldHint(
    key: string,
    what: string,
    introduced: Readonly<Record<string, ServerSchemaVersion>> = {},
  ): string | undefined {
    const snake = CAMEL_CASE.get(key);
    const draft = (what === 'package' ? FIRST_DRAFT_PACKAGE.get(key) : undefined) ?? FIRST_DRAFT_ONLY.get(key);
    if (this.spelling === 'camelCase' && (snake ?? draft) !== undefined) {
      const source = snake !== undefined ? '2025-07-09' : 'the first 2025-07-09 draft';
      return `is how ${source} spelt "${snake ?? draft}"; the ${this.version} schema spells it so`;
    }
    if (this.spelling === 'snake_case' && draft !== undefined && snake === undefined) {
      return `is how the first 2025-07-09 draft spelt "${this.k(draft)}"`;
    }
    if (this.spelling === 'first-draft' && snake !== undefined) {
      return `is how the later 2025-07-09 schema spelt "${snake}", not the first draft this document follows`;
    }
    if (this.spelling !== 'camelCase' && this.k(key) !== key) {
      return `is the camelCase spelling of 2025-09-16 and later; this 2025-07-09 document spells it "${this.k(key)}"`;
    }
    if (what === 'server.json' && key === 'status' && this.since('2025-09-29')) {
      return 'is managed by the registry, not written in server.json, since the 2025-09-29 schema; remove it';
    }
    const since = Object.hasOwn(introduced, key) ? introduced[key] : undefined;
    if (since !== undefined && !this.since(since)) {
      return since === 'draft'
        ? `is only in the draft schema, not in ${this.version}`
        : `arrived with the ${since} schema; this document declares ${this.version}`;
    }
    return undefined;
  }
}

function startsAndEndsAlphanumeric(part: string): boolean {
  return part.length >= 2 && /^[a-zA-Z0-9]/.test(part) && /[a-zA-Z0-9]$/.test(part);
}

/** Whether a repository URL is what the forge serves a repository at: `owner/repo` on GitHub, `group/.../project` on GitLab. */
function isForgeRepositoryUrl(source: 'github' | 'gitlab', url: string): boolean {
  const parsed = new URL(url);
  if (parsed.search || parsed.hash || parsed.username || parsed.port) return false;
  if (parsed.hostname !== `${source}.com` && parsed.hostname !== `www.${source}.com`) return false;
  const segments = parsed.pathname.replace(/\/$/, '').split('/').slice(1);
  if (!segments.every((segment) => /^[A-Za-z0-9_.-]+$/.test(segment))) return false;
  return source === 'github' ? segments.length === 2 : segments.length >= 2;
}

/** An OCI image reference names a tag (`image:1.0`, not a registry port) or a digest (`image@sha256:...`). */
function hasTagOrDigest(reference: string): boolean {
  return reference.includes('@') || (reference.split('/').at(-1) ?? '').includes(':');
}

function isReleaseHostUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (
    url.protocol === 'https:' && ['github.com', 'www.github.com', 'gitlab.com', 'www.gitlab.com'].includes(url.hostname)
  );
}

/**
 * The size in bytes of a value as the official registry encodes it before checking the limit: compact JSON with
 * `<`, `>`, `&`, U+2028 and U+2029 written as `\uXXXX` escapes.
 */
function goJsonLength(value: unknown): number {
  const text = JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return new TextEncoder().encode(text).length;
}

// ---- Renaming a 2025-07-09 document into the camelCase spelling ----

/**
 * The document with 2025-07-09 field names replaced by their 2025-09-16 names, which is what that version changed
 * (the first draft also: `registry_name` -> `registryType`, a package's `name` -> `identifier`, `version_detail` ->
 * `version`, a remote's `transport_type` -> `type`, and a stdio transport on packages, which had none). Unknown
 * fields are kept as they are.
 */
function toCamelCase(server: Record<string, unknown>, firstDraft: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(server)) {
    if (key === '$schema') setOwn(out, key, serverSchemaUrl('2025-09-16'));
    else if (key === 'version_detail' && firstDraft) setOwn(out, 'version', (value as Record<string, unknown>).version);
    else if (key === 'packages')
      setOwn(
        out,
        key,
        (value as unknown[]).map((pkg) => camelPackage(pkg, firstDraft)),
      );
    else if (key === 'remotes')
      setOwn(
        out,
        key,
        (value as unknown[]).map((remote) => camelRemote(remote, firstDraft)),
      );
    else setOwn(out, (!firstDraft && CAMEL_CASE.get(key)) || key, value);
  }
  return out;
}

function renamed(
  value: unknown,
  names: ReadonlyMap<string, string>,
  inner: (key: string, value: unknown) => unknown = (_, item) => item,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const name = names.get(key) ?? key;
    setOwn(out, name, inner(name, item));
  }
  return out;
}

function camelInput(input: unknown): unknown {
  if (!isPlainObject(input)) return input;
  return renamed(input, CAMEL_CASE, (key, value) =>
    key === 'variables' && isPlainObject(value)
      ? renamed(value, new Map(), (_, variable) => camelInput(variable))
      : value,
  );
}

function camelPackage(pkg: unknown, firstDraft: boolean): unknown {
  const list = (value: unknown) => (Array.isArray(value) ? value.map(camelInput) : value);
  const out = renamed(pkg, firstDraft ? FIRST_DRAFT_PACKAGE : CAMEL_CASE, (key, value) => {
    if (key === 'environmentVariables' || key === 'runtimeArguments' || key === 'packageArguments') return list(value);
    if (key === 'transport' && isPlainObject(value))
      return renamed(value, new Map(), (k, v) => (k === 'headers' ? list(v) : v));
    if (key === 'registryType' && firstDraft && value === 'docker') return 'oci';
    return value;
  });
  if (firstDraft && out.transport === undefined) out.transport = { type: 'stdio' };
  return out;
}

function camelRemote(remote: unknown, firstDraft: boolean): unknown {
  const names = firstDraft ? new Map([['transport_type', 'type']]) : new Map<string, string>();
  return renamed(remote, names, (key, value) => {
    if (key === 'headers' && Array.isArray(value)) return value.map(camelInput);
    if (key === 'type' && firstDraft && value === 'streamable') return 'streamable-http';
    return value;
  });
}
