import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  type MarketplacePlugin,
  marketplaceJson,
  pluginOf,
} from '../../../application/marketplaces/marketplace-documents.ts';
import { computeTreeId } from '../../../domain/content/tree-id.ts';
import { readZipBundle } from '../../../lib/zip/zip-reader.ts';
import {
  EXPORT_NOTES_HEADER,
  MANAGED_CLIENTS,
  MANAGED_EXPORTS,
  type ManagedClient,
} from '../../http/schemas/exports.ts';
import type { Item, ItemPage } from '../../http/schemas/items.ts';
import { ApiError, type AtlasApi } from '../atlas-api.ts';
import { CliError, UsageError } from '../cli-error.ts';
import type { Command, CommandContext, CommandInput } from '../command.ts';
import { checkTree, downloadChecked } from '../install-review.ts';
import { DOWNLOAD_LIMITS, displayPath, pathContextOf, saveFile } from '../install-targets.ts';
import { parseReference } from '../item-reference.ts';
import { writeFolderAtomically } from '../local/local-folder.ts';

export const exportCommand: Command = {
  usage: '<ref> [-o file.zip] | --marketplace [-o folder] | --managed <client> [-o path]',
  description:
    'With a reference, saves the item as a zip with one top-level folder (what "atlas publish" takes back).\n' +
    "With --marketplace, writes the catalog's skills as a Claude Code plugin marketplace, one plugin per namespace:\n" +
    '  .claude-plugin/marketplace.json                 name, owner, plugins (name, source, description, version)\n' +
    '  plugins/<namespace>/.claude-plugin/plugin.json\n' +
    '  plugins/<namespace>/skills/<name>/SKILL.md ...  each skill with all its files\n' +
    'Claude Code reads it with "/plugin marketplace add <folder>"; skills then appear as /<namespace>:<name>.\n' +
    'Every file is written byte for byte as Atlas holds it, SKILL.md included: Claude Code fields such as\n' +
    'disable-model-invocation, user-invocable, hooks or an allowed-tools list keep their meaning, and each skill\n' +
    'folder keeps its git tree SHA.\n' +
    "With --managed (administrators), writes a client's managed settings, generated from the approved MCP servers\n" +
    '(active and visible to the whole organisation; --team and --tag narrow them):\n' +
    '  claude-code  managed-settings.json (allowedMcpServers, deniedMcpServers, allowManagedMcpServersOnly)\n' +
    '               and managed-mcp.json (the approved servers, in .mcp.json form)\n' +
    '  copilot      managed-settings.json (allowedMcpServers, deniedMcpServers) for the enterprise\n' +
    "  kiro         registry.json, the MCP registry file of Kiro's and Amazon Q Developer's profile",
  options: {
    output: {
      type: 'string',
      short: 'o',
      value: '<path>',
      description: 'The zip (default <name>.zip) or folder (default atlas-marketplace)',
    },
    version: {
      type: 'string',
      value: '<commit>',
      description: 'Export this version: a commit SHA or prefix, or a manifest version',
    },
    marketplace: { type: 'boolean', description: "Export the catalog's skills as a plugin marketplace" },
    namespace: { type: 'string', short: 'n', value: '<name>', description: 'With --marketplace: only this namespace' },
    name: { type: 'string', value: '<name>', description: 'With --marketplace: the marketplace name (default atlas)' },
    owner: { type: 'string', value: '<text>', description: 'With --marketplace: the owner shown (default Atlas)' },
    managed: {
      type: 'string',
      value: '<client>',
      choices: MANAGED_CLIENTS,
      description: `Export a client's managed settings: ${MANAGED_CLIENTS.join(', ')}`,
    },
    file: {
      type: 'string',
      value: '<name>',
      description: 'With --managed: only this file of the client (managed-settings.json or managed-mcp.json)',
    },
    team: { type: 'string', value: '<slug>', description: "With --managed: only this team's servers" },
    tag: { type: 'string', value: '<tag>', description: 'With --managed: only approved servers with this tag' },
    'known-marketplace': {
      type: 'string',
      value: '<extra|strict>',
      choices: ['extra', 'strict'],
      description:
        "With --managed claude-code: add Atlas's plugin marketplace to managed-settings.json (strict: the only one allowed)",
    },
    force: { type: 'boolean', short: 'f', description: 'Replace the file or folder if it exists' },
  },
  positionals: { min: 0, max: 1 },
  json: true,
  examples: [
    'atlas export skill/platform/pdf-tools',
    'atlas export mcp/platform/github -o github.zip --version 1.2.0',
    'atlas export --marketplace -o ./marketplace',
    'atlas export --managed claude-code -o ./claude-policy --tag approved',
    'atlas export --managed kiro -o registry.json',
  ],
  async run(context, input) {
    const managed = input.choice('managed', MANAGED_CLIENTS);
    if (managed !== undefined) {
      if (input.positionals.length > 0 || input.flag('marketplace')) {
        throw new UsageError('give a reference, --marketplace or --managed, one of them');
      }
      return exportManaged(context, input, managed);
    }
    for (const option of ['file', 'team', 'tag', 'known-marketplace']) {
      if (input.string(option) !== undefined) throw new UsageError(`--${option} goes with --managed`);
    }
    if (input.flag('marketplace')) {
      if (input.positionals.length > 0) throw new UsageError('give either a reference or --marketplace, not both');
      return exportMarketplace(context, input);
    }
    if (input.positionals.length === 0) {
      throw new UsageError(
        'missing argument: a reference to export, or --marketplace',
        'run "atlas export --help" for examples',
      );
    }
    return exportItem(context, input);
  },
};

async function exportItem(context: CommandContext, input: CommandInput): Promise<number> {
  const { term } = context;
  const { ref, name } = parseReference(input.positionals[0]!);
  const api = await context.api();
  const { bytes, treeSha, commitSha } = await downloadChecked(context, api, ref, input.string('version'));
  const path = resolve(context.cwd, input.string('output') ?? `${name}.zip`);
  await saveFile(path, bytes, input.flag('force'));
  if (term.json) {
    term.writeJson({ ref, path, bytes: bytes.byteLength, treeSha, commitSha });
    return 0;
  }
  term.out(`${term.style.green('✓')} Saved ${term.style.bold(ref)} as ${displayPath(path, pathContextOf(context))}`);
  return 0;
}

async function allSkills(api: AtlasApi, namespace: string | undefined): Promise<Item[]> {
  const skills: Item[] = [];
  let cursor: string | undefined;
  // A server that always answers with a next page would otherwise keep this going forever.
  for (let pages = 0; pages < 1000; pages++) {
    const page = await api.get<ItemPage>('/api/v1/items', {
      query: { kind: 'skill', namespace, sort: 'name', limit: 100, cursor },
    });
    skills.push(...(Array.isArray(page.items) ? page.items : []));
    cursor = typeof page.nextCursor === 'string' ? page.nextCursor : undefined;
    if (!cursor) return skills;
  }
  throw new CliError('the server listed more than 1,000 pages of skills; stopping', { code: 'bad_answer' });
}

async function exportMarketplace(context: CommandContext, input: CommandInput): Promise<number> {
  const { term } = context;
  const api = await context.api();
  const target = resolve(context.cwd, input.string('output') ?? 'atlas-marketplace');
  const existing = await lstat(target).catch(() => undefined);
  if (existing && !input.flag('force') && (!existing.isDirectory() || (await readdir(target)).length > 0)) {
    throw new CliError(`${target} already exists`, {
      code: 'exists',
      hint: 'add --force to replace it, or choose another folder with -o',
    });
  }
  const name = input.string('name') ?? 'atlas';
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name))
    throw new UsageError(`--name must be kebab-case, e.g. acme-skills (got "${name}")`);
  const skills = await term.task('Listing the skills', () => allSkills(api, input.string('namespace')?.toLowerCase()));
  skills.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));

  const staging = join(dirname(target), `.${basename(target)}.atlas-new-${randomBytes(4).toString('hex')}`);
  const exported: {
    ref: string;
    plugin: string;
    path: string;
    treeSha: string;
    rewritten: boolean;
    dropped: string[];
  }[] = [];
  const skipped: { ref: string; reason: string }[] = [];
  const progress = term.progress(skills.length, 'Exporting');
  try {
    for (const [index, skill] of skills.entries()) {
      progress.update(index, skill.ref);
      try {
        // The namespace and name become folder names: only what the item-name rule allows (no `..`, no `/`).
        const ref = parseReference(`skill/${skill.namespace}/${skill.name}`).ref;
        if (ref !== skill.ref || !/^[0-9a-f]{40}$/.test(skill.treeSha ?? '')) {
          throw new Error('the server listed it with an invalid reference or tree SHA');
        }
        const { bytes } = await api.bytes(`/api/v1/items/${ref}/archive`);
        const files = readZipBundle(bytes, DOWNLOAD_LIMITS).files;
        checkTree(ref, files, skill.treeSha, 'the item');
        // Kept byte for byte: a rewritten SKILL.md could lose what Claude Code reads (disable-model-invocation, an
        // allowed-tools list whose entries hold spaces), and would no longer match the item's tree SHA.
        const path = `plugins/${skill.namespace}/skills/${skill.name}`;
        await writeFolderAtomically(join(staging, ...path.split('/')), files);
        exported.push({
          ref: skill.ref,
          plugin: skill.namespace,
          path,
          treeSha: computeTreeId(files),
          rewritten: false,
          dropped: [],
        });
      } catch (error) {
        if (
          error instanceof CliError &&
          (error.code === 'unreachable' || (error instanceof ApiError && error.status === 401))
        )
          throw error;
        const reason = error instanceof Error ? error.message : String(error);
        skipped.push({ ref: skill.ref, reason });
        progress.line(`${term.style.yellow('skipped')} ${skill.ref}: ${reason}`);
      }
    }
    progress.update(skills.length, '');
    progress.finish();

    const byPlugin = new Map<string, Item[]>();
    for (const skill of skills) {
      if (!exported.some((item) => item.ref === skill.ref)) continue;
      byPlugin.set(skill.namespace, [...(byPlugin.get(skill.namespace) ?? []), skill]);
    }
    const plugins: MarketplacePlugin[] = [...byPlugin.entries()].map(([namespace, items]) =>
      pluginOf(namespace, items, api.url),
    );
    for (const plugin of plugins) {
      const { source: _source, ...manifest } = plugin;
      await writeJson(join(staging, 'plugins', plugin.name, '.claude-plugin', 'plugin.json'), manifest);
    }
    const included = skills.filter(
      (skill) => byPlugin.has(skill.namespace) && exported.some((item) => item.ref === skill.ref),
    );
    const marketplace = marketplaceJson(name, input.string('owner') ?? 'Atlas', api.url, plugins, included);
    await writeJson(join(staging, '.claude-plugin', 'marketplace.json'), marketplace);
    await replaceFolder(staging, target, existing !== undefined);
  } finally {
    progress.finish();
    await rm(staging, { recursive: true, force: true });
  }
  const pluginsOut = [...new Set(exported.map((item) => item.plugin))].map((plugin) => ({
    name: plugin,
    source: `./plugins/${plugin}`,
    skills: exported.filter((item) => item.plugin === plugin).map((item) => item.ref.split('/')[2]!),
  }));
  if (term.json) {
    term.writeJson({ path: target, name, plugins: pluginsOut, skills: exported, skipped });
    return skipped.length > 0 ? 1 : 0;
  }
  const shown = displayPath(target, pathContextOf(context));
  term.out(
    `${term.style.green('✓')} Wrote ${exported.length} skill${exported.length === 1 ? '' : 's'} in ${pluginsOut.length} plugin${pluginsOut.length === 1 ? '' : 's'} to ${shown}${skipped.length > 0 ? term.style.yellow(` (${skipped.length} skipped)`) : ''}`,
  );
  term.out(term.style.dim(`Add it to Claude Code with: /plugin marketplace add ${shown}`));
  return skipped.length > 0 ? 1 : 0;
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Moves the finished folder into place; a folder already there is moved aside first and removed after. */
async function replaceFolder(staging: string, target: string, exists: boolean): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  if (!exists) {
    await rename(staging, target);
    return;
  }
  const retired = join(dirname(target), `.${basename(target)}.atlas-old-${randomBytes(4).toString('hex')}`);
  await rename(target, retired);
  try {
    await rename(staging, target);
  } catch (error) {
    await rename(retired, target);
    throw error;
  }
  await rm(retired, { recursive: true, force: true });
}

/** Where each client reads the files, for the administrator who distributes them. */
const MANAGED_WHERE: Record<ManagedClient, string> = {
  'claude-code':
    'Put them in /Library/Application Support/ClaudeCode/ (macOS), /etc/claude-code/ (Linux and WSL) or C:\\Program Files\\ClaudeCode\\ (Windows), with your device management.',
  copilot:
    "Merge it into the enterprise's managed-settings.json (in its .github-private repository), or deploy it with your device management.",
  kiro: "Serve it over HTTPS and enter its URL as the MCP Registry URL of the Kiro or Q Developer profile, or point that URL at this server's /api/v1/exports/kiro/registry.json.",
};

async function exportManaged(context: CommandContext, input: CommandInput, client: ManagedClient): Promise<number> {
  const { term } = context;
  const available: readonly string[] = MANAGED_EXPORTS[client];
  const only = input.string('file');
  if (only !== undefined && !available.includes(only)) {
    throw new UsageError(`--file for ${client} must be ${available.join(' or ')} (got "${only}")`);
  }
  const names = only === undefined ? available : [only];
  const output = input.string('output');
  // One file: -o names it, or a folder to put it in; several: -o names their folder.
  const targets: { name: string; path: string }[] = [];
  if (names.length === 1) {
    const path = resolve(context.cwd, output ?? names[0]!);
    const isFolder =
      output !== undefined && (/[\\/]$/.test(output) || (await lstat(path).catch(() => undefined))?.isDirectory());
    targets.push({ name: names[0]!, path: isFolder ? join(path, names[0]!) : path });
  } else {
    const folder = resolve(context.cwd, output ?? '.');
    targets.push(...names.map((name) => ({ name, path: join(folder, name) })));
  }
  if (!input.flag('force')) {
    for (const { path } of targets) {
      if (await lstat(path).catch(() => undefined)) {
        throw new CliError(`${path} already exists`, {
          code: 'exists',
          hint: 'add --force to replace it, or choose another path with -o',
        });
      }
    }
  }
  const api = await context.api();
  const query = {
    team: input.string('team'),
    tag: input.string('tag'),
    marketplace: input.choice('known-marketplace', ['extra', 'strict'] as const),
  };
  const downloads: { name: string; path: string; bytes: Uint8Array }[] = [];
  const notes: string[] = [];
  // Everything is downloaded before anything is written: a refusal leaves no half of a policy behind.
  for (const target of targets) {
    const { bytes, response } = await api.bytes(`/api/v1/exports/${client}/${target.name}`, {
      query,
      hints: {
        401: 'log in as a site administrator with "atlas login"',
        403: 'only site administrators export managed settings',
        404: 'check the team with "atlas whoami" or the web UI',
      },
    });
    try {
      JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new CliError(`${api.url} did not answer ${target.name} with JSON`, { code: 'not_atlas' });
    }
    notes.push(...notesOf(response.headers.get(EXPORT_NOTES_HEADER)));
    downloads.push({ ...target, bytes });
  }
  for (const { path, bytes } of downloads) {
    await mkdir(dirname(path), { recursive: true });
    await saveFile(path, bytes, input.flag('force'));
  }
  if (term.json) {
    term.writeJson({
      client,
      files: downloads.map(({ name, path, bytes }) => ({ name, path, bytes: bytes.byteLength })),
      notes,
    });
    return 0;
  }
  const where = pathContextOf(context);
  for (const { name, path } of downloads) {
    term.out(`${term.style.green('✓')} Wrote ${term.style.bold(name)} to ${displayPath(path, where)}`);
  }
  for (const note of notes) term.warn(note);
  term.out(term.style.dim(MANAGED_WHERE[client]));
  return 0;
}

function notesOf(header: string | null): string[] {
  if (!header) return [];
  try {
    const notes: unknown = JSON.parse(decodeURIComponent(header));
    return Array.isArray(notes) ? notes.filter((note): note is string => typeof note === 'string') : [];
  } catch {
    return [];
  }
}
