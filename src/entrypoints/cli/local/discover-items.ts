import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { IgnoreRules } from '../../../lib/gitignore/ignore-rules.ts';
import { type PluginComponent, readPluginMarketplace, sourceOf } from './plugin-marketplace.ts';

interface CandidateBase {
  /** Where, relative to the imported folder: `skills/pdf-tools`, `servers/weather.json`. */
  readonly source: string;
  readonly path: string;
  /** The marketplace plugin it belongs to. */
  readonly plugin?: string;
}

/** An item folder (SKILL.md, server.json or tool.json at its top). */
export interface FolderCandidate extends CandidateBase {
  readonly type: 'folder';
  /** The ignore rules that apply above the folder, for paths relative to the imported folder. */
  readonly ignore?: IgnoreRules;
}

/** A `*.json` file that is a server.json document. */
export interface FileCandidate extends CandidateBase {
  readonly type: 'file';
}

/** An MCP server entry of a plugin (`.mcp.json` or `mcpServers`), to be described as a server.json. */
export interface McpConfigCandidate extends CandidateBase {
  readonly type: 'mcp-config';
  /** Its key in the `mcpServers` map. */
  readonly key: string;
  readonly config: unknown;
  readonly pluginVersion?: string;
}

/** An item found in a folder being imported. */
export type Candidate = FolderCandidate | FileCandidate | McpConfigCandidate;

export interface Discovery {
  /** `marketplace`: a Claude Code plugin marketplace; `item`: the folder is one item; `folders`: item folders found by walking. */
  readonly layout: 'marketplace' | 'item' | 'folders';
  readonly candidates: Candidate[];
  /** What was listed but cannot be imported, and why (a plugin from a git URL, a missing folder). */
  readonly skipped: { source: string; reason: string }[];
  /** What a marketplace's plugins hold that Atlas does not import (commands, agents, hooks, ...). */
  readonly notImported: PluginComponent[];
}

const MANIFESTS = ['SKILL.md', 'server.json', 'tool.json'];
const MAX_DEPTH = 6;
// A server.json names itself in reverse DNS with exactly one slash: io.github.acme/weather.
const SERVER_NAME = /^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/;

const exists = (path: string) =>
  stat(path).then(
    (info) => info,
    () => undefined,
  );

async function hasManifest(folder: string): Promise<boolean> {
  const found = await Promise.all(MANIFESTS.map((name) => exists(join(folder, name))));
  return found.some((info) => info?.isFile());
}

/**
 * Finds the items in a folder, leaving out `.git` and whatever git ignores (`.gitignore` files from the top of the
 * checkout down, and `.git/info/exclude`), and nothing else: folders whose names start with a dot are searched too
 * (`skills/.curated/<name>/SKILL.md`).
 * - a Claude Code plugin marketplace (`.claude-plugin/marketplace.json`): each local plugin's skills and MCP server
 *   entries (readPluginMarketplace), and what it holds that Atlas does not import; a skill folder or MCP server
 *   that several plugins list is found once, for the first;
 * - else the folder itself when it has a manifest at its top;
 * - else every folder with a manifest at its top (the usual `skills/<name>/SKILL.md`, `*\/server.json`,
 *   `*\/tool.json`), searched six levels deep, and every `*.json` file that is a server.json document.
 */
export async function discoverItems(root: string): Promise<Discovery> {
  const ignore = await IgnoreRules.load(root);
  if (await exists(join(root, '.claude-plugin', 'marketplace.json'))) return discoverMarketplace(root, ignore);
  if (await hasManifest(root)) {
    return {
      layout: 'item',
      candidates: [{ source: '.', path: root, type: 'folder', ignore }],
      skipped: [],
      notImported: [],
    };
  }
  const candidates: Candidate[] = [];
  await walk(root, root, 0, ignore, candidates);
  return { layout: 'folders', candidates: sortBySource(candidates), skipped: [], notImported: [] };
}

/** `rules` hold the `.gitignore` of `folder` itself already. */
async function walk(root: string, folder: string, depth: number, rules: IgnoreRules, out: Candidate[]): Promise<void> {
  const entries = await readdir(folder, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.name === '.git') continue;
    const path = join(folder, entry.name);
    const source = sourceOf(root, path);
    if (entry.isDirectory()) {
      if (rules.ignores(source, true)) continue;
      if (await hasManifest(path)) out.push({ source, path, type: 'folder', ignore: rules });
      else if (depth < MAX_DEPTH) await walk(root, path, depth + 1, await rules.withFolder(path, source), out);
    } else if (entry.isFile() && entry.name.endsWith('.json') && !rules.ignores(source, false)) {
      if (await isServerJson(path)) out.push({ source, path, type: 'file' });
    }
  }
}

async function isServerJson(path: string): Promise<boolean> {
  const info = await stat(path);
  if (info.size > 1024 * 1024) return false;
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    return (
      typeof value === 'object' &&
      value !== null &&
      typeof value.name === 'string' &&
      SERVER_NAME.test(value.name) &&
      typeof value.description === 'string' &&
      typeof value.version === 'string' &&
      (Array.isArray(value.packages) ||
        Array.isArray(value.remotes) ||
        (typeof value.$schema === 'string' && value.$schema.includes('server.schema')))
    );
  } catch {
    return false;
  }
}

async function discoverMarketplace(root: string, ignore: IgnoreRules): Promise<Discovery> {
  const { plugins, skipped } = await readPluginMarketplace(root, ignore);
  const candidates = new Map<string, Candidate>();
  const notImported = new Map<string, PluginComponent>();
  for (const plugin of plugins) {
    for (const path of plugin.skillFolders) {
      const source = sourceOf(root, path);
      if (candidates.has(source)) continue;
      const parent = source.includes('/') ? source.slice(0, source.lastIndexOf('/')) : '';
      candidates.set(source, {
        source,
        path,
        type: 'folder',
        plugin: plugin.name,
        ignore: await ignore.along(root, parent),
      });
    }
    for (const server of plugin.mcpServers) {
      if (candidates.has(server.source)) continue;
      candidates.set(server.source, {
        source: server.source,
        path: server.file,
        type: 'mcp-config',
        plugin: plugin.name,
        key: server.key,
        config: server.config,
        ...(plugin.version ? { pluginVersion: plugin.version } : {}),
      });
    }
    for (const component of plugin.notImported) {
      if (!notImported.has(component.path)) notImported.set(component.path, component);
    }
  }
  return {
    layout: 'marketplace',
    candidates: sortBySource([...candidates.values()]),
    skipped,
    notImported: [...notImported.values()],
  };
}

function sortBySource(candidates: Candidate[]): Candidate[] {
  return candidates.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
}
