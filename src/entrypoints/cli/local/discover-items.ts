import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CliError } from '../cli-error.ts';

/** An item found in a folder being imported. */
export interface Candidate {
  /** Where, relative to the imported folder: `skills/pdf-tools`, `servers/weather.json`. */
  readonly source: string;
  readonly path: string;
  readonly type: 'folder' | 'file';
  /** The marketplace plugin that lists it. */
  readonly plugin?: string;
}

export interface Discovery {
  /** `marketplace`: a Claude Code plugin marketplace; `item`: the folder is one item; `folders`: item folders found by walking. */
  readonly layout: 'marketplace' | 'item' | 'folders';
  readonly candidates: Candidate[];
  /** What was listed but cannot be imported, and why (a plugin from a git URL, a missing folder). */
  readonly skipped: { source: string; reason: string }[];
}

const MANIFESTS = ['SKILL.md', 'server.json', 'tool.json'];
const NEVER_WALKED = new Set(['.git', 'node_modules', '.claude-plugin', '__MACOSX']);
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
 * Finds the items in a folder: a Claude Code plugin marketplace (`.claude-plugin/marketplace.json`: each plugin's
 * `skills/<name>/SKILL.md` and the skill paths it lists), else every folder with a manifest at its top (the usual
 * `skills/<name>/SKILL.md`, `*\/server.json`, `*\/tool.json`) and every `*.json` file that is a server.json document.
 */
export async function discoverItems(root: string): Promise<Discovery> {
  const marketplace = join(root, '.claude-plugin', 'marketplace.json');
  if (await exists(marketplace)) return discoverMarketplace(root, marketplace);
  if (await hasManifest(root))
    return { layout: 'item', candidates: [{ source: '.', path: root, type: 'folder' }], skipped: [] };
  const candidates: Candidate[] = [];
  await walk(root, root, 0, candidates);
  return { layout: 'folders', candidates: sortBySource(candidates), skipped: [] };
}

async function walk(root: string, folder: string, depth: number, out: Candidate[]): Promise<void> {
  const entries = await readdir(folder, { withFileTypes: true });
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (NEVER_WALKED.has(entry.name) || (entry.name.startsWith('.') && depth > 0)) continue;
      if (await hasManifest(path)) out.push({ source: sourceOf(root, path), path, type: 'folder' });
      else if (depth < MAX_DEPTH) await walk(root, path, depth + 1, out);
    } else if (entry.isFile() && entry.name.endsWith('.json') && (await isServerJson(path))) {
      out.push({ source: sourceOf(root, path), path, type: 'file' });
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

interface PluginEntry {
  name?: unknown;
  source?: unknown;
  skills?: unknown;
}

async function discoverMarketplace(root: string, file: string): Promise<Discovery> {
  let marketplace: { plugins?: unknown; metadata?: { pluginRoot?: unknown } };
  try {
    marketplace = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CliError(`${file} is not valid JSON (${(error as Error).message})`, { code: 'invalid' });
  }
  if (!Array.isArray(marketplace.plugins)) {
    throw new CliError(`${file} has no "plugins" list`, {
      code: 'invalid',
      hint: 'a marketplace lists its plugins as "plugins": [{"name": ..., "source": "./plugins/..."}]',
    });
  }
  const pluginRoot = typeof marketplace.metadata?.pluginRoot === 'string' ? marketplace.metadata.pluginRoot : '';
  const candidates = new Map<string, Candidate>();
  const skipped: Discovery['skipped'] = [];
  for (const [index, value] of (marketplace.plugins as PluginEntry[]).entries()) {
    const name = typeof value?.name === 'string' ? value.name : `plugins[${index}]`;
    const source = value?.source;
    if (typeof source !== 'string') {
      const from =
        typeof source === 'object' && source !== null ? String((source as { source?: unknown }).source) : 'nowhere';
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
    if (!inside(root, folder)) {
      skipped.push({ source: name, reason: `its source "${source}" is outside the marketplace folder` });
      continue;
    }
    if (!(await exists(folder))?.isDirectory()) {
      skipped.push({ source: name, reason: `its source folder "${source}" does not exist` });
      continue;
    }
    const skillPaths = [join(folder, 'skills'), ...listedSkillPaths(value?.skills, folder)];
    const manifest = await readJson(join(folder, '.claude-plugin', 'plugin.json'));
    skillPaths.push(...listedSkillPaths(manifest?.skills, folder));
    let found = 0;
    for (const path of skillPaths) {
      if (!inside(root, path) || !(await exists(path))?.isDirectory()) continue;
      const folders = (await hasManifest(path)) ? [path] : await skillFoldersIn(path);
      for (const skill of folders) {
        found += 1;
        if (!candidates.has(skill))
          candidates.set(skill, { source: sourceOf(root, skill), path: skill, type: 'folder', plugin: name });
      }
    }
    if (found === 0) skipped.push({ source: name, reason: 'the plugin has no skills (skills/<name>/SKILL.md)' });
  }
  return { layout: 'marketplace', candidates: sortBySource([...candidates.values()]), skipped };
}

/** A plugin's `skills`: one path or a list, relative to the plugin folder. */
function listedSkillPaths(value: unknown, folder: string): string[] {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  return list.filter((item): item is string => typeof item === 'string').map((item) => resolve(folder, item));
}

async function skillFoldersIn(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory() && (await exists(join(path, 'SKILL.md')))?.isFile()) out.push(path);
  }
  return out;
}

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8'));
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function sourceOf(root: string, path: string): string {
  return relative(root, path).split(sep).join('/') || '.';
}

function sortBySource(candidates: Candidate[]): Candidate[] {
  return candidates.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
}
