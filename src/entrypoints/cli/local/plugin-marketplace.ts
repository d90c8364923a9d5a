import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { IgnoreRules } from '../../../lib/gitignore/ignore-rules.ts';
import { CliError } from '../cli-error.ts';

/** A part of a plugin that Atlas does not import: a slash command, a subagent, hooks, language or output styles. */
export interface PluginComponent {
  readonly plugin: string;
  readonly kind: 'command' | 'agent' | 'hooks' | 'lsp-servers' | 'output-style';
  /** Relative to the marketplace folder; `file#/pointer` when it is written inline in a JSON file. */
  readonly path: string;
}

/** One entry of a plugin's MCP servers (`.mcp.json`, or `mcpServers` in plugin.json or the marketplace entry). */
export interface PluginMcpServer {
  /** The server's key in its `mcpServers` map. */
  readonly key: string;
  /** The entry as written: `{command, args, env}` or `{type, url, headers}`. */
  readonly config: unknown;
  /** The file that holds it, absolute. */
  readonly file: string;
  /** Where, relative to the marketplace folder: `plugins/ops/.mcp.json#/mcpServers/pager`. */
  readonly source: string;
}

export interface MarketplacePlugin {
  readonly name: string;
  /** Its folder, relative to the marketplace folder ('.' for the marketplace folder itself). */
  readonly folder: string;
  readonly version?: string;
  readonly description?: string;
  /** Absolute paths of its skill folders (each with a SKILL.md at its top). */
  readonly skillFolders: readonly string[];
  readonly mcpServers: readonly PluginMcpServer[];
  readonly notImported: readonly PluginComponent[];
}

export interface PluginMarketplace {
  readonly plugins: MarketplacePlugin[];
  /** Plugins (or parts of them) that cannot be read from this folder, and why. */
  readonly skipped: { source: string; reason: string }[];
}

type Json = Record<string, unknown>;

const isMap = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const exists = (path: string) =>
  stat(path).then(
    (info) => info,
    () => undefined,
  );
const pointerPart = (key: string | number) => String(key).replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * Reads a Claude Code plugin marketplace (`.claude-plugin/marketplace.json`): for every plugin whose `source` is a
 * folder inside `root`, its skills, its MCP servers and the parts Atlas does not import.
 * - skills: the folders the entry's and the plugin.json's `skills` list (a skill folder, or a folder of them), or,
 *   when neither lists any, `skills/<name>/SKILL.md`; a path listed replaces the default folder, as in Claude Code;
 * - MCP servers: `.mcp.json` in the plugin folder (`{"mcpServers": {...}}` or the map itself), and `mcpServers` in
 *   the plugin.json or the entry (a map, a path to such a file, or a list of either);
 * - not imported: `commands/` and `agents/` (or the paths listed in place of them), `hooks/hooks.json` and listed or
 *   inline `hooks`, `.lsp.json` and `lspServers`, listed `outputStyles`;
 * - what `ignore` excludes is left out. A plugin from git or GitHub, or outside `root`, is skipped with the reason.
 * Throws CliError (`invalid`) when marketplace.json is not JSON or has no `plugins` list.
 */
export async function readPluginMarketplace(root: string, ignore: IgnoreRules): Promise<PluginMarketplace> {
  const file = join(root, '.claude-plugin', 'marketplace.json');
  let marketplace: { plugins?: unknown; metadata?: { pluginRoot?: unknown } };
  try {
    marketplace = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CliError(`${file} is not valid JSON (${(error as Error).message})`, { code: 'invalid' });
  }
  if (!isMap(marketplace) || !Array.isArray(marketplace.plugins)) {
    throw new CliError(`${file} has no "plugins" list`, {
      code: 'invalid',
      hint: 'a marketplace lists its plugins as "plugins": [{"name": ..., "source": "./plugins/..."}]',
    });
  }
  const pluginRoot = isMap(marketplace.metadata) ? (text(marketplace.metadata.pluginRoot) ?? '') : '';
  const plugins: MarketplacePlugin[] = [];
  const skipped: PluginMarketplace['skipped'] = [];
  for (const [index, value] of (marketplace.plugins as unknown[]).entries()) {
    const entry: Json = isMap(value) ? value : {};
    const name = text(entry.name) ?? `plugins[${index}]`;
    const source = entry.source;
    if (typeof source !== 'string') {
      const from = isMap(source) ? String(source.source) : 'nowhere';
      skipped.push({
        source: name,
        reason: `the plugin comes from ${from}, not from this folder; import its repository instead`,
      });
      continue;
    }
    // pluginRoot is prepended to sources given as bare names; "./x" is relative to the marketplace root.
    const base =
      source.startsWith('./') || source.startsWith('../') || pluginRoot === '' ? root : resolve(root, pluginRoot);
    const folder = resolve(base, source);
    if (!(await staysInside(root, folder))) {
      skipped.push({ source: name, reason: `its source "${source}" is outside the marketplace folder` });
      continue;
    }
    if (!(await exists(folder))?.isDirectory()) {
      skipped.push({ source: name, reason: `its source folder "${source}" does not exist` });
      continue;
    }
    const folderSource = sourceOf(root, folder);
    const rules = await ignore.along(root, folderSource === '.' ? '' : folderSource);
    if (folderSource !== '.' && rules.ignores(folderSource, true)) {
      skipped.push({ source: name, reason: `its source folder "${source}" is excluded by .gitignore` });
      continue;
    }
    const reader = new PluginReader(root, folder, name, rules, skipped);
    const manifestFile = join(folder, '.claude-plugin', 'plugin.json');
    const manifest = await reader.readJson(manifestFile);
    const inEntry = (pointer: string) => `.claude-plugin/marketplace.json#/plugins/${index}/${pointer}`;
    const inManifest = (pointer: string) => `${sourceOf(root, manifestFile)}#/${pointer}`;
    const declared = (key: string) => [...paths(entry[key]), ...paths(manifest?.[key])];

    const skillFolders = await reader.skillFolders(declared('skills'));
    const mcpServers = await reader.mcpServers([
      { value: join(folder, '.mcp.json'), where: '', optional: true },
      { value: manifest?.mcpServers, where: inManifest('mcpServers') },
      { value: entry.mcpServers, where: inEntry('mcpServers') },
    ]);
    const notImported = [
      ...(await reader.markdownFiles('command', declared('commands'), 'commands')),
      ...(await reader.markdownFiles('agent', declared('agents'), 'agents')),
      ...(await reader.markdownFiles('output-style', declared('outputStyles'), undefined)),
      ...(await reader.configs('hooks', 'hooks/hooks.json', [
        { value: manifest?.hooks, where: inManifest('hooks') },
        { value: entry.hooks, where: inEntry('hooks') },
      ])),
      ...(await reader.configs('lsp-servers', '.lsp.json', [
        { value: manifest?.lspServers, where: inManifest('lspServers') },
        { value: entry.lspServers, where: inEntry('lspServers') },
      ])),
    ];
    const version = text(manifest?.version) ?? text(entry.version);
    const description = text(manifest?.description) ?? text(entry.description);
    plugins.push({
      name,
      folder: folderSource,
      ...(version ? { version } : {}),
      ...(description ? { description } : {}),
      skillFolders,
      mcpServers,
      notImported,
    });
    if (skillFolders.length === 0 && mcpServers.length === 0) {
      skipped.push({
        source: name,
        reason: 'the plugin has no skills (skills/<name>/SKILL.md) and no MCP servers (.mcp.json)',
      });
    }
  }
  return { plugins, skipped };
}

/** Paths a plugin lists: one string or a list of them; `${CLAUDE_PLUGIN_ROOT}/` stands for the plugin folder. */
function paths(value: unknown): string[] {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  return list
    .filter((item): item is string => typeof item === 'string' && item !== '')
    .map((item) => item.replace(/^\$\{CLAUDE_PLUGIN_ROOT\}\/?/, './'));
}

interface Declared {
  readonly value: unknown;
  /** Where an inline value sits, for messages; '' for a default file. */
  readonly where: string;
  readonly optional?: boolean;
}

class PluginReader {
  constructor(
    private readonly root: string,
    private readonly folder: string,
    private readonly plugin: string,
    private readonly rules: IgnoreRules,
    private readonly skipped: PluginMarketplace['skipped'],
  ) {}

  private ignored(path: string, isDirectory: boolean): boolean {
    const source = sourceOf(this.root, path);
    return source !== '.' && this.rules.ignores(source, isDirectory);
  }

  /** A path the plugin lists, when it stays inside the marketplace folder. */
  private resolve(path: string): string | undefined {
    const absolute = resolve(this.folder, path);
    return inside(this.root, absolute) ? absolute : undefined;
  }

  async readJson(path: string): Promise<Json | undefined> {
    try {
      const value = JSON.parse(await readFile(path, 'utf8'));
      return isMap(value) ? value : undefined;
    } catch {
      return undefined;
    }
  }

  async skillFolders(listed: string[]): Promise<string[]> {
    const roots = listed.length > 0 ? listed.map((path) => this.resolve(path)) : [join(this.folder, 'skills')];
    const out = new Set<string>();
    for (const path of roots) {
      if (!path || this.ignored(path, true) || !(await exists(path))?.isDirectory()) continue;
      if (!(await staysInside(this.root, path))) continue;
      if ((await exists(join(path, 'SKILL.md')))?.isFile()) {
        out.add(path);
        continue;
      }
      for (const entry of await readdir(path, { withFileTypes: true })) {
        const child = join(path, entry.name);
        if (!entry.isDirectory() || entry.name === '.git' || this.ignored(child, true)) continue;
        if ((await exists(join(child, 'SKILL.md')))?.isFile()) out.add(child);
      }
    }
    return [...out].sort();
  }

  /** `*.md` files under the listed paths (files or folders), else under the default folder. */
  async markdownFiles(
    kind: PluginComponent['kind'],
    listed: string[],
    defaultFolder: string | undefined,
  ): Promise<PluginComponent[]> {
    const roots =
      listed.length > 0
        ? listed.map((path) => this.resolve(path))
        : defaultFolder
          ? [join(this.folder, defaultFolder)]
          : [];
    const files = new Set<string>();
    for (const path of roots) {
      if (!path) continue;
      const info = await exists(path);
      if (info?.isFile() && !this.ignored(path, false)) files.add(path);
      else if (info?.isDirectory() && !this.ignored(path, true)) await this.collectMarkdown(path, files, 0);
    }
    return [...files].sort().map((path) => ({ plugin: this.plugin, kind, path: sourceOf(this.root, path) }));
  }

  private async collectMarkdown(folder: string, out: Set<string>, depth: number): Promise<void> {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.name === '.git' || this.ignored(path, entry.isDirectory())) continue;
      if (entry.isDirectory() && depth < 6) await this.collectMarkdown(path, out, depth + 1);
      else if (entry.isFile() && entry.name.toLowerCase().endsWith('.md')) out.add(path);
    }
  }

  /** Hooks or language servers: the default file when it exists, plus listed files and inline objects. */
  async configs(kind: PluginComponent['kind'], defaultFile: string, declared: Declared[]): Promise<PluginComponent[]> {
    const found = new Set<string>();
    const fallback = join(this.folder, ...defaultFile.split('/'));
    if ((await exists(fallback))?.isFile() && !this.ignored(fallback, false)) found.add(sourceOf(this.root, fallback));
    for (const { value, where } of declared) {
      const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
      list.forEach((item, index) => {
        if (typeof item === 'string') {
          const path = this.resolve(paths(item)[0] ?? item);
          if (path) found.add(sourceOf(this.root, path));
        } else if (isMap(item)) {
          found.add(Array.isArray(value) ? `${where}/${index}` : where);
        }
      });
    }
    return [...found].map((path) => ({ plugin: this.plugin, kind, path }));
  }

  /** Every MCP server entry, the first definition of a key winning. */
  async mcpServers(declared: Declared[]): Promise<PluginMcpServer[]> {
    const servers = new Map<string, PluginMcpServer>();
    const add = (map: Json, file: string, where: string) => {
      for (const [key, config] of Object.entries(map)) {
        const source = `${where}/${pointerPart(key)}`;
        if (servers.has(key)) {
          this.skipped.push({
            source: `${this.plugin}: ${source}`,
            reason: `the MCP server "${key}" is also defined at ${servers.get(key)!.source}; the first one is imported`,
          });
          continue;
        }
        servers.set(key, { key, config, file, source });
      }
    };
    const manifestFile = join(this.folder, '.claude-plugin', 'plugin.json');
    for (const { value, where, optional } of declared) {
      const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
      for (const [index, item] of list.entries()) {
        const at = Array.isArray(value) ? `${where}/${index}` : where;
        if (typeof item === 'string') {
          const path = optional ? item : this.resolve(paths(item)[0] ?? item);
          if (
            !path ||
            !(await exists(path))?.isFile() ||
            this.ignored(path, false) ||
            !(await staysInside(this.root, path))
          ) {
            if (!optional) {
              this.skipped.push({
                source: `${this.plugin}: ${at}`,
                reason: `its MCP server file "${item}" does not exist in this folder`,
              });
            }
            continue;
          }
          const json = await this.readJson(path);
          const relativeFile = sourceOf(this.root, path);
          if (!json) {
            this.skipped.push({
              source: `${this.plugin}: ${relativeFile}`,
              reason: 'is not a JSON object, so its MCP servers cannot be read',
            });
            continue;
          }
          if (isMap(json.mcpServers)) add(json.mcpServers, path, `${relativeFile}#/mcpServers`);
          else add(json, path, `${relativeFile}#`);
        } else if (isMap(item)) {
          // Inline in plugin.json or in the marketplace entry.
          const file = at.startsWith('.claude-plugin/marketplace.json')
            ? join(this.root, '.claude-plugin', 'marketplace.json')
            : manifestFile;
          add(item, file, at);
        }
      }
    }
    return [...servers.values()];
  }
}

/** Whether `path` is inside `root` also once symbolic links are followed (a linked folder may point anywhere). */
async function staysInside(root: string, path: string): Promise<boolean> {
  if (!inside(root, path)) return false;
  try {
    return inside(await realpath(root), await realpath(path));
  } catch {
    return true;
  }
}

export function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export function sourceOf(root: string, path: string): string {
  return relative(root, path).split(sep).join('/') || '.';
}
