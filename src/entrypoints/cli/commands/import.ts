import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { toNamespaceName } from '../../../domain/accounts/namespace-name.ts';
import type { ItemBundle } from '../../../domain/catalog/prepare-bundle.ts';
import { type Problem, TooLargeError, ValidationError } from '../../../domain/errors.ts';
import { serverJsonFromMcpConfig } from '../../../lib/mcp-json/server-json-from-mcp-config.ts';
import { ApiError, type AtlasApi } from '../atlas-api.ts';
import { CliError, UsageError } from '../cli-error.ts';
import type { Command, CommandContext, CommandInput } from '../command.ts';
import { type Candidate, type Discovery, discoverItems, type McpConfigCandidate } from '../local/discover-items.ts';
import { type LocalItem, readItemFolder, readLocalItem, validateLocalItem } from '../local/local-item.ts';
import {
  decideItemNames,
  type NameRequest,
  nameFromLabel,
  PLUGIN_NAME_RULES,
  type PluginNameRule,
} from '../local/plugin-item-names.ts';
import type { PluginComponent } from '../local/plugin-marketplace.ts';
import { frontmatterName, withFrontmatterName } from '../local/skill-frontmatter-name.ts';
import { namespaceFor, publishBundle, refOfBundle } from '../publish-flow.ts';
import { problemLines } from '../terminal.ts';

type Status = 'published' | 'updated' | 'unchanged' | 'valid' | 'invalid' | 'conflict' | 'failed';

/**
 * How an item got its catalog name: `as-is` (the name it gives itself), `frontmatter` (a skill's SKILL.md name,
 * which differs from its folder), `plugin-prefix` (`<plugin>-<name>`, to keep plugins apart).
 */
type NameRule = 'as-is' | 'frontmatter' | 'plugin-prefix';

interface ImportedItem {
  source: string;
  plugin: string | null;
  ref: string | null;
  kind: string | null;
  /** The catalog name it takes; null when it could not be read. */
  name: string | null;
  /** The namespace it goes to (a plugin's own with --plugin-names namespace); null when none is known. */
  namespace: string | null;
  nameRule: NameRule | null;
  status: Status;
  treeSha: string | null;
  commitSha: string | null;
  warnings: Problem[];
  problems: Problem[];
  message: string | null;
}

const STATUSES: Status[] = ['published', 'updated', 'unchanged', 'valid', 'invalid', 'conflict', 'failed'];
const DONE: Status[] = ['published', 'updated', 'unchanged', 'valid'];
const REVERSE_DNS = /^[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)+$/;

export const importCommand: Command = {
  usage: '<path> [options]',
  description:
    'Finds the items in a folder or git checkout and publishes each one:\n' +
    '  - a Claude Code plugin marketplace (.claude-plugin/marketplace.json): for each plugin whose source is a folder\n' +
    '    in it, its skills (skills/<name>/SKILL.md, or the skill paths it lists) and its MCP servers (.mcp.json,\n' +
    '    mcpServers), each described as a server.json; commands, agents and hooks are listed as not imported;\n' +
    '  - the usual skills layout (skills/<name>/SKILL.md, skills/.curated/<name>/SKILL.md), or any folder whose\n' +
    '    subfolders hold a SKILL.md;\n' +
    '  - folders of MCP servers (*/server.json) and *.json files that are server.json documents; tools (*/tool.json).\n' +
    'Only .git and what .gitignore excludes are left out. A skill is named by its SKILL.md, whatever its folder is\n' +
    'called. Invalid items are reported and skipped; the rest go on. Items already published with the same content\n' +
    'are left alone; ones with other content need --update. Exits 1 when any item was not imported.',
  options: {
    namespace: { type: 'string', short: 'n', value: '<name>', description: 'Your username (default) or a team slug' },
    update: {
      type: 'boolean',
      short: 'u',
      description: 'Publish a new version of items that exist with other content',
    },
    'dry-run': { type: 'boolean', description: 'Find and validate the items; publish nothing' },
    'plugin-names': {
      type: 'string',
      value: '<rule>',
      choices: PLUGIN_NAME_RULES,
      description:
        'Marketplaces: keep the plugins apart. auto (default): <plugin>-<name> only for a name two plugins share; ' +
        'prefix: <plugin>-<name> always; namespace: each plugin into the namespace (team) of its name',
    },
    'server-namespace': {
      type: 'string',
      value: '<reverse-dns>',
      description:
        'The reverse-DNS part of the server.json names written for plugin MCP servers (default io.atlas.<namespace>)',
    },
  },
  positionals: { min: 1, max: 1 },
  json: true,
  examples: [
    'atlas import ./my-skills-repo',
    'atlas import ./marketplace --namespace platform --dry-run',
    'atlas import ./marketplace --plugin-names prefix --server-namespace com.acme',
    'atlas import ./servers --update --json',
  ],
  run: importItems,
};

interface ImportOptions {
  readonly dryRun: boolean;
  readonly update: boolean;
  readonly api: AtlasApi | undefined;
  readonly serverNamespace: string | undefined;
  /** With `--plugin-names namespace`, publishing into a namespace may be refused for one plugin only. */
  readonly perPluginNamespaces: boolean;
}

async function importItems(context: CommandContext, input: CommandInput): Promise<number> {
  const { term } = context;
  const given = input.positionals[0]!;
  const rule = input.choice('plugin-names', PLUGIN_NAME_RULES) ?? 'auto';
  const serverNamespace = input.string('server-namespace');
  if (serverNamespace !== undefined && !REVERSE_DNS.test(serverNamespace)) {
    throw new UsageError(
      `--server-namespace must be reverse DNS such as com.acme or io.github.acme (got "${serverNamespace}")`,
    );
  }
  const root = resolve(context.cwd, given);
  const info = await stat(root).catch(() => undefined);
  if (!info) throw new CliError(`no such file or folder: ${given}`, { code: 'not_found' });
  const discovery: Discovery = info.isDirectory()
    ? await term.task(`Looking for items in ${given}`, () => discoverItems(root))
    : { layout: 'item', candidates: [{ source: given, path: root, type: 'file' }], skipped: [], notImported: [] };
  if (discovery.candidates.length === 0) {
    throw new CliError(`found no items in ${given}`, {
      code: 'not_found',
      hint: 'Atlas imports skills/<name>/SKILL.md folders, .claude-plugin/marketplace.json, */server.json and server.json documents',
    });
  }
  if (discovery.layout === 'marketplace' && rule === 'namespace' && input.string('namespace') !== undefined) {
    throw new UsageError(
      '--plugin-names namespace publishes each plugin into its own namespace; leave out --namespace',
    );
  }
  const dryRun = input.flag('dry-run');
  const perPluginNamespaces = rule === 'namespace' && discovery.candidates.every((candidate) => candidate.plugin);
  const namespace = perPluginNamespaces
    ? undefined
    : dryRun
      ? await namespaceFor(context, input.string('namespace')).catch(() => undefined)
      : await namespaceFor(context, input.string('namespace'));
  const api = dryRun ? undefined : await context.api();
  const options: ImportOptions = {
    dryRun,
    update: input.flag('update'),
    api,
    serverNamespace,
    perPluginNamespaces,
  };
  const total = discovery.candidates.length;
  const prepared = await term.task(`Reading ${total} item${total === 1 ? '' : 's'}`, () =>
    readAll(context, discovery.candidates, namespace, rule),
  );
  const progress = term.progress(total, dryRun ? 'Checking' : 'Importing');
  const results: ImportedItem[] = [];
  const showAll = !term.stdoutIsTerminal;
  for (const [index, item] of prepared.entries()) {
    progress.update(index, item.result.source);
    const result = item.ready ? await importOne(item.result, item.ready, options) : item.result;
    results.push(result);
    if (showAll || !DONE.includes(result.status)) progress.line(itemLine(context, result));
  }
  progress.update(total, '');
  progress.finish();
  const summary = Object.fromEntries([
    ['total', total],
    ...STATUSES.map((status) => [status, results.filter((item) => item.status === status).length]),
  ]) as Record<Status | 'total', number>;
  const failed = summary.invalid + summary.conflict + summary.failed;
  if (term.json) {
    term.writeJson({
      path: root,
      layout: discovery.layout,
      dryRun,
      namespace: namespace ?? null,
      pluginNames: discovery.layout === 'marketplace' ? rule : null,
      items: results,
      skipped: discovery.skipped,
      notImported: discovery.notImported,
      summary,
    });
    return failed > 0 ? 1 : 0;
  }
  printSummary(context, given, namespace, dryRun, results, discovery, summary, rule);
  return failed > 0 ? 1 : 0;
}

/** A candidate read from disk: its result so far, and (unless it already failed) how to make its bundle. */
interface Prepared {
  result: ImportedItem;
  /** Import notes, kept apart from manifest warnings for the summary. */
  notes: Problem[];
  ready?: Build;
}

/**
 * Builds and validates an item's bundle; throws ValidationError, TooLargeError or CliError. Warnings about what it
 * had to guess or leave out go to `notes`, also when it throws.
 */
type Build = (options: ImportOptions, notes: Problem[]) => ItemBundle;

interface ReadCandidate {
  candidate: Candidate;
  result: ImportedItem;
  local?: LocalItem;
  /** For a skill: the name its SKILL.md gives, and its folder's name. */
  skill?: { name: string; folder: string | undefined };
  /** For a plugin's MCP server: its key made a valid name. */
  serverName?: string;
}

/**
 * Reads every candidate, then decides every name at once (a plugin prefix depends on the other plugins), then
 * returns, per candidate, either its final result (invalid, duplicate) or the function that makes its bundle.
 */
async function readAll(
  context: CommandContext,
  candidates: readonly Candidate[],
  namespace: string | undefined,
  rule: PluginNameRule,
): Promise<{ result: ImportedItem; ready?: Build }[]> {
  const read: ReadCandidate[] = [];
  for (const candidate of candidates) read.push(await readCandidate(context, candidate, namespace));
  const named = read.filter((item) => item.skill || item.serverName);
  const requests: NameRequest[] = named.map((item) => ({
    kind: item.skill ? 'skill' : 'mcp',
    name: item.skill?.name ?? item.serverName!,
    ...(item.candidate.plugin !== undefined ? { plugin: item.candidate.plugin } : {}),
  }));
  const decisions = decideItemNames(requests, rule);
  const prepared = new Map<ReadCandidate, Prepared>();
  named.forEach((item, index) => {
    const decision = decisions[index]!;
    const notes: Problem[] = [];
    const result = { ...item.result, name: decision.name };
    let itemNamespace = namespace;
    if (decision.namespace !== undefined) {
      try {
        itemNamespace = toNamespaceName(decision.namespace);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        const problems = error.problems.map((problem) => ({
          path: 'namespace',
          message: `the plugin "${item.candidate.plugin}" names no usable namespace: "${decision.namespace}" ${problem.message}`,
        }));
        prepared.set(item, { result: { ...result, problems }, notes });
        return;
      }
    }
    result.namespace = itemNamespace ?? null;
    const kind = item.skill ? 'skill' : 'mcp';
    const at = item.skill ? 'SKILL.md#/name' : item.candidate.source;
    if (item.skill && item.skill.folder !== undefined && item.skill.name !== item.skill.folder) {
      result.nameRule = 'frontmatter';
      notes.push({
        path: 'SKILL.md#/name',
        message: `is "${item.skill.name}" but the folder is "${item.skill.folder}": imported as "${item.skill.name}", the name installers give the skill`,
      });
    }
    if (decision.prefixed) {
      result.nameRule = 'plugin-prefix';
      notes.push({
        path: at,
        message:
          decision.sharedWith.length > 0
            ? `"${requests[index]!.name}" is also the name of a ${kind === 'skill' ? 'skill' : 'server'} of ${pluginList(decision.sharedWith)}: imported as "${decision.name}"${kind === 'skill' ? ', its SKILL.md name rewritten to match' : ''}`
            : `imported as "${decision.name}" (--plugin-names prefix)${kind === 'skill' ? ', its SKILL.md name rewritten to match' : ''}`,
      });
    }
    if (decision.problem) {
      prepared.set(item, {
        result: { ...result, problems: [{ path: at, message: `"${decision.name}" ${decision.problem}` }] },
        notes,
      });
      return;
    }
    if (itemNamespace) result.ref = `${kind}/${itemNamespace}/${decision.name}`;
    if (decision.duplicateOf !== undefined) {
      const first = named[decision.duplicateOf]!;
      prepared.set(item, {
        result: {
          ...result,
          status: 'conflict',
          message: `${first.candidate.source} in this import has the same name "${decision.name}" and is imported instead; import one of them into another namespace`,
        },
        notes,
      });
      return;
    }
    prepared.set(item, {
      result,
      notes,
      ready: (options, buildNotes) =>
        item.skill
          ? skillBundle(item, decision.name)
          : serverBundle(item, decision.name, itemNamespace, options, buildNotes),
    });
  });
  return read.map((item) => {
    const ready = prepared.get(item);
    if (!ready) {
      if (!item.local) return { result: item.result };
      // Not a skill whose SKILL.md reads (or not a skill): its own problems say what is wrong, not its folder.
      const { folderName: _folder, ...local } = item.local;
      return { result: item.result, ready: () => validateLocalItem(local) };
    }
    const result = { ...ready.result, warnings: [...ready.notes, ...ready.result.warnings] };
    return ready.ready ? { result, ready: ready.ready } : { result };
  });
}

function pluginList(plugins: readonly string[]): string {
  const quoted = plugins.map((plugin) => `"${plugin}"`);
  const text = quoted.length < 2 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
  return `plugin${plugins.length === 1 ? '' : 's'} ${text}`;
}

async function readCandidate(
  context: CommandContext,
  candidate: Candidate,
  namespace: string | undefined,
): Promise<ReadCandidate> {
  const result: ImportedItem = {
    source: candidate.source,
    plugin: candidate.plugin ?? null,
    ref: null,
    kind: null,
    name: null,
    namespace: namespace ?? null,
    nameRule: null,
    status: 'invalid',
    treeSha: null,
    commitSha: null,
    warnings: [],
    problems: [],
    message: null,
  };
  if (candidate.type === 'mcp-config') {
    const serverName = nameFromLabel(candidate.key).slice(0, 64).replace(/-+$/, '');
    if (serverName === '') {
      return {
        candidate,
        result: {
          ...result,
          kind: 'mcp',
          problems: [{ path: candidate.source, message: 'the server key has no letters or digits to make a name of' }],
        },
      };
    }
    return {
      candidate,
      result: {
        ...result,
        kind: 'mcp',
        nameRule: 'as-is',
        warnings:
          serverName === candidate.key
            ? []
            : [{ path: candidate.source, message: `the key "${candidate.key}" is imported as "${serverName}"` }],
      },
      serverName,
    };
  }
  try {
    const local =
      candidate.type === 'folder'
        ? await readItemFolder(
            candidate.source,
            candidate.path,
            candidate.ignore
              ? { rules: candidate.ignore, folder: candidate.source === '.' ? '' : candidate.source }
              : undefined,
          )
        : await readLocalItem(candidate.path, context.cwd);
    const skillFile = local.files.find((file) => file.path === 'SKILL.md');
    const skillName = skillFile ? frontmatterName(skillFile.content) : undefined;
    if (skillName !== undefined) {
      return {
        candidate,
        local,
        result: { ...result, kind: 'skill', nameRule: 'as-is' },
        skill: { name: skillName, folder: local.folderName },
      };
    }
    return { candidate, local, result };
  } catch (error) {
    if (error instanceof ValidationError) return { candidate, result: { ...result, problems: [...error.problems] } };
    if (error instanceof TooLargeError || error instanceof CliError) {
      return { candidate, result: { ...result, message: error.message } };
    }
    throw error;
  }
}

/** The skill's bundle under `name`: its SKILL.md's `name` line rewritten when a plugin prefix changed it. */
function skillBundle(item: ReadCandidate, name: string): ItemBundle {
  const local = item.local!;
  let files = local.files;
  if (name !== item.skill!.name) {
    const skillFile = files.find((file) => file.path === 'SKILL.md')!;
    const content = withFrontmatterName(skillFile.content, name);
    if (!content) {
      throw new ValidationError({
        path: 'SKILL.md#/name',
        message: `must become "${name}", but its line could not be rewritten (write it on one line as "name: ${item.skill!.name}")`,
      });
    }
    files = files.map((file) => (file.path === 'SKILL.md' ? { ...file, content } : file));
  }
  // The folder Atlas keeps the skill in is its name, so the folder rule holds by construction.
  return validateLocalItem({ ...local, files, folderName: name });
}

/** A plugin MCP server entry described as a server.json named `<server namespace>/<name>`. */
function serverBundle(
  item: ReadCandidate,
  name: string,
  namespace: string | undefined,
  options: ImportOptions,
  notes: Problem[],
): ItemBundle {
  const candidate = item.candidate as McpConfigCandidate;
  const reverseDns = options.serverNamespace ?? `io.atlas.${namespace ?? 'local'}`;
  let conversion: ReturnType<typeof serverJsonFromMcpConfig>;
  try {
    conversion = serverJsonFromMcpConfig(candidate.config, {
      name: `${reverseDns}/${name}`,
      key: candidate.key,
      ...(candidate.pluginVersion ? { version: candidate.pluginVersion } : {}),
      ...(candidate.plugin ? { owner: `the ${candidate.plugin} plugin` } : {}),
    });
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError(
        error.problems.map((problem) => ({ ...problem, path: candidate.source + problem.path })),
      );
    }
    throw error;
  }
  notes.push(...conversion.warnings.map((warning) => ({ ...warning, path: candidate.source + warning.path })));
  const content = new TextEncoder().encode(`${JSON.stringify(conversion.server, null, 2)}\n`);
  return validateLocalItem(
    { source: candidate.source, files: [{ path: 'server.json', content, executable: false }], suggestedName: name },
    name,
  );
}

async function importOne(base: ImportedItem, build: Build, options: ImportOptions): Promise<ImportedItem> {
  let bundle: ItemBundle;
  const built: Problem[] = [];
  const notes = () => [...base.warnings, ...built];
  try {
    bundle = build(options, built);
  } catch (error) {
    if (error instanceof ValidationError) {
      return { ...base, status: 'invalid', warnings: notes(), problems: [...error.problems] };
    }
    if (error instanceof TooLargeError || error instanceof CliError) {
      return { ...base, status: 'invalid', warnings: notes(), message: error.message };
    }
    throw error;
  }
  const namespace = base.namespace ?? undefined;
  const known: ImportedItem = {
    ...base,
    kind: bundle.kind,
    name: bundle.name,
    ref: namespace ? refOfBundle(namespace, bundle) : null,
    treeSha: bundle.treeSha,
    warnings: [...notes(), ...bundle.warnings],
  };
  if (options.dryRun || !options.api || !namespace) return { ...known, status: 'valid' };
  try {
    const result = await publishBundle(options.api, {
      namespace,
      bundle,
      update: options.update,
      retryWithUpdate: 'atlas import <path> --update',
    });
    const status = result.action === 'created' ? 'published' : result.action;
    return {
      ...known,
      status,
      ref: result.ref,
      commitSha: result.commitSha,
      warnings: [...notes(), ...result.warnings],
    };
  } catch (error) {
    // Without a server, a login or the right to publish here, every other item would fail the same way; with a
    // namespace per plugin, only this plugin's items would.
    if (error instanceof CliError && error.code === 'unreachable') throw error;
    if (error instanceof ApiError && error.status === 401) throw error;
    if (error instanceof ApiError && error.status === 403 && !options.perPluginNamespaces) throw error;
    if (error instanceof CliError && error.code === 'exists') {
      return { ...known, status: 'conflict', message: `${error.message}; add --update to publish it as a new version` };
    }
    if (error instanceof CliError)
      return { ...known, status: 'failed', message: error.message, problems: [...error.problems] };
    throw error;
  }
}

function itemLine(context: CommandContext, item: ImportedItem): string {
  const { style } = context.term;
  const color = {
    published: style.green,
    updated: style.green,
    unchanged: style.dim,
    valid: style.green,
    invalid: style.red,
    conflict: style.yellow,
    failed: style.red,
  }[item.status];
  const what = item.ref ?? item.source;
  const why = item.problems[0]
    ? `: ${item.problems[0].path} ${item.problems[0].message}`
    : item.message
      ? `: ${item.message}`
      : '';
  return `${color(item.status.padEnd(9))} ${what}${item.ref && item.source !== '.' ? style.dim(` (${item.source})`) : ''}${why}`;
}

const KIND_TITLES: Record<PluginComponent['kind'], string> = {
  command: 'commands',
  agent: 'agents',
  hooks: 'hooks',
  'lsp-servers': 'language servers',
  'output-style': 'output styles',
};

function printSummary(
  context: CommandContext,
  given: string,
  namespace: string | undefined,
  dryRun: boolean,
  results: ImportedItem[],
  discovery: Discovery,
  summary: Record<Status | 'total', number>,
  rule: PluginNameRule,
) {
  const { term } = context;
  const { style } = term;
  const counts = STATUSES.filter((status) => summary[status] > 0).map((status) => `${summary[status]} ${status}`);
  term.out('');
  term.out(
    `${style.bold(dryRun ? 'Checked' : 'Imported')} ${summary.total} item${summary.total === 1 ? '' : 's'} from ${given}${namespace ? ` into ${namespace}` : ''}: ${counts.join(', ')}${dryRun ? style.dim(' (dry run: nothing was published)') : ''}`,
  );
  const renamed = results.filter(
    (item) =>
      (item.nameRule !== null && item.nameRule !== 'as-is') ||
      (discovery.layout === 'marketplace' && rule === 'namespace' && item.plugin !== null),
  );
  if (renamed.length > 0) {
    term.out(style.bold(discovery.layout === 'marketplace' ? `Names (--plugin-names ${rule}):` : 'Names:'));
    for (const item of renamed) term.out(`  ${item.source} → ${nameLine(item)}`);
  }
  const noted = results.filter((item) => importNotes(item).length > 0);
  if (noted.length > 0) {
    term.out(style.yellow('Warnings:'));
    for (const item of noted) {
      term.out(`  ${item.ref ?? item.source}`);
      for (const line of problemLines(importNotes(item), '    ')) term.out(line);
    }
  }
  const invalid = results.filter((item) => item.status === 'invalid');
  if (invalid.length > 0) {
    term.out(style.red('Invalid:'));
    for (const item of invalid) {
      term.out(`  ${item.source}`);
      for (const line of problemLines(item.problems, '    ')) term.out(line);
      if (item.message) term.out(`    ${item.message}`);
    }
  }
  const refused = results.filter((item) => item.status === 'conflict' || item.status === 'failed');
  if (refused.length > 0) {
    term.out(style.red('Not imported:'));
    for (const item of refused) {
      term.out(`  ${item.ref ?? item.source}: ${item.message ?? ''}`);
      for (const line of problemLines(item.problems, '    ')) term.out(line);
    }
  }
  if (discovery.notImported.length > 0) {
    term.out(style.yellow('In the plugins but not imported (Atlas holds skills and MCP servers):'));
    const plugins = [...new Set(discovery.notImported.map((component) => component.plugin))];
    for (const plugin of plugins) {
      term.out(`  ${plugin}`);
      const own = discovery.notImported.filter((component) => component.plugin === plugin);
      for (const kind of Object.keys(KIND_TITLES) as PluginComponent['kind'][]) {
        const paths = own.filter((component) => component.kind === kind).map((component) => component.path);
        if (paths.length > 0) term.out(`    ${`${KIND_TITLES[kind]}:`.padEnd(18)}${paths.join(', ')}`);
      }
    }
  }
  if (discovery.skipped.length > 0) {
    term.out(style.yellow('Skipped:'));
    for (const skip of discovery.skipped) term.out(`  ${skip.source}: ${skip.reason}`);
  }
}

function nameLine(item: ImportedItem): string {
  const where = item.ref ?? `${item.namespace ? `${item.namespace}/` : ''}${item.name ?? '?'}`;
  const why =
    item.nameRule === 'plugin-prefix'
      ? `prefixed with its plugin "${item.plugin}"`
      : item.nameRule === 'frontmatter'
        ? 'the name in its SKILL.md, not its folder'
        : item.plugin !== null
          ? `the namespace of its plugin "${item.plugin}"`
          : 'its own name';
  return `${where} (${why})`;
}

/** The warnings the import itself gave (names, MCP server descriptions), not the manifest's own. */
function importNotes(item: ImportedItem): Problem[] {
  return item.warnings.filter(
    (warning) =>
      (warning.path === 'SKILL.md#/name' && /imported as/.test(warning.message)) ||
      (item.source.includes('#') && warning.path.startsWith(item.source)),
  );
}
