import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { nameProblem } from '../../../domain/catalog/item-name.ts';
import { type ItemBundle, prepareBundle } from '../../../domain/catalog/prepare-bundle.ts';
import { DEFAULT_CONTENT_LIMITS } from '../../../domain/content/content-limits.ts';
import type { ItemFile } from '../../../domain/content/content-store.ts';
import type { IgnoreRules } from '../../../lib/gitignore/ignore-rules.ts';
import { readZipBundle } from '../../../lib/zip/zip-reader.ts';
import { CliError } from '../cli-error.ts';
import { readLocalFolder } from './local-folder.ts';

/** An item read from the local disk, before validation. */
export interface LocalItem {
  /** The path as the user gave it, for messages. */
  readonly source: string;
  readonly files: ItemFile[];
  /** The folder the item is: a skill's name must equal it. */
  readonly folderName?: string;
  /** The catalog name an MCP server takes unless `--name` says otherwise: its folder's or file's name. */
  readonly suggestedName?: string;
}

const MANIFEST_NAMES = new Set(['SKILL.md', 'server.json', 'tool.json']);

const validName = (name: string | undefined) => (name && !nameProblem(name, 64) ? name : undefined);

/**
 * Reads what `atlas publish` was given: a folder; a zip (one top-level folder is stripped); a manifest file,
 * which stands for its folder; or a lone `.json` file that is a server.json (or, with `input_schema`, a tool.json).
 */
export async function readLocalItem(path: string, cwd: string): Promise<LocalItem> {
  const absolute = resolve(cwd, path);
  const info = await stat(absolute).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') {
      throw new CliError(`no such file or folder: ${path}`, { code: 'not_found', hint: 'check the path' });
    }
    throw error;
  });
  if (info.isDirectory()) return readItemFolder(path, absolute);
  const name = basename(absolute);
  if (MANIFEST_NAMES.has(name)) return readItemFolder(dirname(path), dirname(absolute));
  const bytes = new Uint8Array(await readFile(absolute));
  if (isZip(bytes) || /\.(zip|skill)$/i.test(name)) {
    const bundle = readZipBundle(bytes, DEFAULT_CONTENT_LIMITS);
    return { source: path, files: bundle.files, suggestedName: validName(bundle.rootFolder) };
  }
  if (extname(name).toLowerCase() === '.json') {
    const manifest = looksLikeTool(bytes) ? 'tool.json' : 'server.json';
    return {
      source: path,
      files: [{ path: manifest, content: bytes, executable: false }],
      suggestedName: validName(basename(name, extname(name)).toLowerCase()),
    };
  }
  throw new CliError(`${path} is not a folder, a zip or a manifest (SKILL.md, server.json, tool.json)`, {
    code: 'usage',
    hint: 'give the folder that holds the manifest, or a zip of it',
  });
}

/**
 * Reads an item folder. With `ignore`, what git would ignore is left out: the rules that apply above the folder
 * (`ignore.rules`, for paths relative to the folder being imported, in which this one is `ignore.folder`) and the
 * `.gitignore` files inside it; an ignored folder is not read at all.
 */
export async function readItemFolder(
  source: string,
  absolute: string,
  ignore?: { rules: IgnoreRules; folder: string },
): Promise<LocalItem> {
  const folderName = basename(absolute);
  const files = await readLocalFolder(
    absolute,
    ignore ? { skip: ignoredIn(absolute, ignore.rules, ignore.folder) } : {},
  );
  return { source, files, folderName, suggestedName: validName(folderName) };
}

/** A `skip` for readLocalFolder: each folder's rules are its parent's plus its own `.gitignore`, read once. */
function ignoredIn(absolute: string, rules: IgnoreRules, folder: string) {
  const inImport = (path: string) => (folder === '' ? path : path === '' ? folder : `${folder}/${path}`);
  const parentOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
  const cache = new Map<string, Promise<IgnoreRules>>();
  const rulesOf = (path: string): Promise<IgnoreRules> => {
    let found = cache.get(path);
    if (!found) {
      const above = path === '' ? Promise.resolve(rules) : rulesOf(parentOf(path));
      found = above.then((outer) =>
        outer.withFolder(join(absolute, ...path.split('/').filter(Boolean)), inImport(path)),
      );
      cache.set(path, found);
    }
    return found;
  };
  return async (path: string, isDirectory: boolean) =>
    (await rulesOf(parentOf(path))).ignores(inImport(path), isDirectory);
}

function isZip(bytes: Uint8Array): boolean {
  return (
    bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6)
  );
}

function looksLikeTool(bytes: Uint8Array): boolean {
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes));
    return typeof value === 'object' && value !== null && 'input_schema' in value;
  } catch {
    return false;
  }
}

/**
 * Validates an item the way the server will (prepareBundle with the default limits), every problem at once, and
 * also that a skill folder's name equals the name in its SKILL.md (the Agent Skills rule).
 * Throws ValidationError or TooLargeError.
 */
export function validateLocalItem(item: LocalItem, requestedName?: string): ItemBundle {
  const isSkill = item.files.some((file) => file.path === 'SKILL.md');
  const checkFolder = isSkill && item.folderName !== undefined;
  return prepareBundle(item.files, DEFAULT_CONTENT_LIMITS, {
    ...(checkFolder ? { existing: { kind: 'skill' as const, name: item.folderName! } } : {}),
    requestedName: requestedName ?? item.suggestedName,
  });
}
