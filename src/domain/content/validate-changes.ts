import { KIND_LAYOUT } from '../catalog/item-kind.ts';
import { type Problem, TooLargeError, ValidationError } from '../errors.ts';
import { storableTextProblem } from '../manifests/json-safe.ts';
import { type ContentLimits, DEFAULT_CONTENT_LIMITS } from './content-limits.ts';
import type { CommitInput, FileChange } from './content-store.ts';
import { foldedPath, gitPathProblem, windowsPathProblem } from './git-path.ts';

/** The top-level folders that hold item folders: `skills`, `mcp`, `tools`. */
export const KIND_FOLDERS: readonly string[] = Object.values(KIND_LAYOUT).map((layout) => layout.folder);

/** A file one change set writes, its path relative to the item folder. */
export interface ItemWrite {
  readonly path: string;
  readonly content: Uint8Array;
  readonly executable: boolean;
}

/** The changes a change set makes to one item folder, paths relative to the folder. */
export interface ItemChanges {
  /** e.g. `skills/ns/name`. */
  readonly folder: string;
  /** The change set deletes the folder itself, so nothing of its old files survives. */
  readonly replacesFolder: boolean;
  /** Files or folders inside the item to delete before the writes. */
  readonly deletes: readonly string[];
  readonly writes: readonly ItemWrite[];
}

const COMMIT_SHA = /^[0-9a-f]{40}$/;

/** True for a full, lowercase, 40-character git object id. */
export function isObjectId(text: unknown): text is string {
  return typeof text === 'string' && COMMIT_SHA.test(text);
}

/** Why `folder` is not an item folder (`<skills|mcp|tools>/<namespace>/<name>`), or undefined when it is one. */
export function itemFolderProblem(folder: unknown): string | undefined {
  if (typeof folder !== 'string') return 'must be a string';
  const problem = gitPathProblem(folder);
  if (problem) return problem;
  const segments = folder.split('/');
  if (segments.length !== 3 || !KIND_FOLDERS.includes(segments[0] ?? '')) {
    return `must be an item folder such as skills/<namespace>/<name> (top-level folder one of ${KIND_FOLDERS.join(', ')})`;
  }
  return undefined;
}

/** Returns `folder` when it is an item folder; otherwise throws a ValidationError naming `where`. */
export function requireItemFolder(folder: unknown, where = 'folder'): string {
  const problem = itemFolderProblem(folder);
  if (problem) throw new ValidationError({ path: where, message: problem });
  return folder as string;
}

/** Returns `path` when git could hold it; otherwise throws a ValidationError naming `where`. */
export function requireRepositoryPath(path: unknown, where = 'path'): string {
  const problem = typeof path === 'string' ? gitPathProblem(path) : 'must be a string';
  if (problem) throw new ValidationError({ path: where, message: problem });
  return path as string;
}

/** The largest page `history` returns. */
export const MAX_HISTORY_LIMIT = 100;

/** Checks a history query before any read: the folder and a whole page size from 1 to 100. */
export function requireHistoryQuery(folder: unknown, opts: { limit: unknown; cursor?: unknown }): void {
  const problems: Problem[] = [];
  const folderProblem = itemFolderProblem(folder);
  if (folderProblem) problems.push({ path: 'folder', message: folderProblem });
  if (!Number.isInteger(opts?.limit) || (opts.limit as number) < 1 || (opts.limit as number) > MAX_HISTORY_LIMIT) {
    problems.push({ path: 'limit', message: `must be a whole number from 1 to ${MAX_HISTORY_LIMIT}` });
  }
  if (opts?.cursor !== undefined && typeof opts.cursor !== 'string') {
    problems.push({ path: 'cursor', message: 'must be a string' });
  }
  if (problems.length > 0) throw new ValidationError(problems);
}

/** The item folder a repository path lies in (or is), e.g. `skills/ns/name`; undefined outside item folders. */
export function itemFolderOf(path: string): string | undefined {
  const segments = path.split('/');
  if (segments.length < 3 || !KIND_FOLDERS.includes(segments[0] ?? '')) return undefined;
  return segments.slice(0, 3).join('/');
}

// Names git refuses to check out and isomorphic-git refuses to store: spellings that NTFS or HFS+ resolve to
// `.git` (trailing dots or spaces, ignorable code points, an alternate data stream), 8.3 short names such as
// `git~1`, and names made only of dots and spaces. Refused up front so that every store accepts the same paths.
function reservedSegment(segment: string): boolean {
  const visible = segment.replace(/[\u200C-\u200F\u202A-\u202E\u206A-\u206F\uFEFF]/g, '');
  const stream = visible.split(':')[0] ?? '';
  const trimmed = stream.toLowerCase().replace(/[. ]+$/, '');
  return (trimmed === '' && stream !== '') || trimmed === '.git' || /^\.?git~[1-9]$/.test(trimmed);
}

function pathProblem(path: string): string | undefined {
  const problem = gitPathProblem(path);
  if (problem) return problem;
  if (path.split('/').some(reservedSegment)) return 'must not contain a name git reserves (a ".git" alias or "git~1")';
  return windowsPathProblem(path);
}

/**
 * The paths of `paths` (and their folders) that name the same file as another on a case-insensitive or
 * normalisation-insensitive file system (macOS, Windows), where installing the item would overwrite one with
 * the other: each with the spelling it collides with.
 */
function collidingPaths(paths: Iterable<string>): { path: string; other: string }[] {
  const spellings = new Map<string, string>();
  const found: { path: string; other: string }[] = [];
  for (const path of paths) {
    for (const prefix of [...enclosingFolders(path), path]) {
      const key = foldedPath(prefix);
      const other = spellings.get(key);
      if (other === undefined) spellings.set(key, prefix);
      else if (other !== prefix) {
        found.push({ path: prefix, other });
        break;
      }
    }
  }
  return found;
}

function megabytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 100) / 100} MB`;
}

/** The folders enclosing `path` (its proper prefixes), innermost last. */
function enclosingFolders(path: string): string[] {
  const segments = path.split('/');
  return segments.slice(1).map((_, index) => segments.slice(0, index + 1).join('/'));
}

/** What is wrong with one item's files: rule breaks, and limits broken (which alone make a TooLargeError). */
export interface ItemFileProblems {
  readonly problems: Problem[];
  readonly tooLarge: Problem[];
}

/**
 * Checks the files of one item, paths relative to its folder: safe paths (Windows-reserved names refused), no
 * two paths that only letter case or Unicode normalisation tell apart, no file inside another file, folder depth,
 * and the size and count limits. `item` names the whole item in problems (its folder, or
 * "the item"), `where` a file (by default its own path).
 */
export function checkItemFiles(
  files: readonly ItemWrite[],
  limits: ContentLimits,
  { item = 'the item', where = (path: string) => path }: { item?: string; where?: (path: string) => string } = {},
): ItemFileProblems {
  const problems: Problem[] = [];
  const tooLarge: Problem[] = [];
  const paths = new Set<string>();
  for (const file of files) {
    const problem = pathProblem(file.path);
    if (problem) {
      problems.push({ path: where(file.path), message: problem });
      continue;
    }
    if (paths.has(file.path)) problems.push({ path: where(file.path), message: 'is given twice' });
    paths.add(file.path);
    const depth = file.path.split('/').length - 1;
    if (depth > limits.maxDepth) {
      problems.push({
        path: where(file.path),
        message: `is ${depth} folders deep inside its item; the limit is ${limits.maxDepth}`,
      });
    }
    if (file.content.byteLength > limits.maxFileBytes) {
      tooLarge.push({
        path: where(file.path),
        message: `is ${megabytes(file.content.byteLength)}; the limit is ${megabytes(limits.maxFileBytes)} a file`,
      });
    }
  }
  for (const { path, other } of collidingPaths(paths)) {
    problems.push({
      path: where(path),
      message: `differs from "${where(other)}" only by letter case or Unicode normalisation; they would overwrite each other on macOS and Windows`,
    });
  }
  // A path cannot be a file and a folder at once.
  for (const path of paths) {
    const file = enclosingFolders(path).find((folder) => paths.has(folder));
    if (file) {
      problems.push({
        path: where(path),
        message: `is inside "${where(file)}", which the same change set writes as a file`,
      });
    }
  }
  if (files.length > limits.maxFiles) {
    tooLarge.push({ path: item, message: `writes ${files.length} files; the limit is ${limits.maxFiles} an item` });
  }
  const bytes = files.reduce((sum, file) => sum + file.content.byteLength, 0);
  if (bytes > limits.maxItemBytes) {
    tooLarge.push({
      path: item,
      message: `is ${megabytes(bytes)}; the limit is ${megabytes(limits.maxItemBytes)} an item`,
    });
  }
  return { problems, tooLarge };
}

/**
 * Checks a change set before anything is written and groups it by item folder.
 * Throws one ValidationError listing every problem found, or a TooLargeError when the only problems are limits.
 */
export function validateChanges(
  changes: readonly FileChange[],
  limits: ContentLimits = DEFAULT_CONTENT_LIMITS,
): ItemChanges[] {
  const problems: Problem[] = [];
  const tooLarge: Problem[] = [];
  if (!Array.isArray(changes) || changes.length === 0) {
    throw new ValidationError({ path: 'changes', message: 'must contain at least one change' });
  }

  const writes = new Map<string, { content: Uint8Array; executable: boolean }>();
  const deletes = new Set<string>();
  changes.forEach((change: FileChange, index) => {
    const where = typeof change?.path === 'string' && change.path !== '' ? change.path : `changes/${index}/path`;
    if (change?.type !== 'write' && change?.type !== 'delete') {
      problems.push({ path: `changes/${index}/type`, message: 'must be "write" or "delete"' });
      return;
    }
    if (typeof change.path !== 'string') {
      problems.push({ path: where, message: 'must be a string' });
      return;
    }
    const problem = pathProblem(change.path);
    if (problem) {
      problems.push({ path: where, message: problem });
      return;
    }
    const segments = change.path.split('/');
    const inKindFolder = KIND_FOLDERS.includes(segments[0] ?? '');
    if (change.type === 'delete') {
      if (!inKindFolder || segments.length < 3) {
        problems.push({
          path: where,
          message: 'must be an item folder such as skills/<namespace>/<name> or inside one',
        });
      } else if (deletes.has(change.path)) {
        problems.push({ path: where, message: 'is deleted twice' });
      } else {
        deletes.add(change.path);
      }
      return;
    }
    if (!inKindFolder || segments.length < 4) {
      problems.push({
        path: where,
        message: 'must be a file inside an item folder, e.g. skills/<namespace>/<name>/SKILL.md',
      });
      return;
    }
    if (!(change.content instanceof Uint8Array)) {
      problems.push({ path: where, message: 'content must be bytes (a Uint8Array)' });
      return;
    }
    if (change.executable !== undefined && typeof change.executable !== 'boolean') {
      problems.push({ path: where, message: 'executable must be true or false' });
    }
    if (writes.has(change.path)) {
      problems.push({ path: where, message: 'is written twice' });
      return;
    }
    writes.set(change.path, { content: change.content, executable: change.executable === true });
  });

  // A path cannot be a file and a folder in the same change set. Deleting a folder and writing files inside
  // it is the one exception: deletes apply first, so that is how a folder is replaced.
  for (const path of deletes) {
    const file = enclosingFolders(path).find((folder) => writes.has(folder));
    if (file) problems.push({ path, message: `is inside "${file}", which the same change set writes as a file` });
  }

  const items = new Map<string, { replacesFolder: boolean; deletes: string[]; writes: ItemWrite[] }>();
  const itemOf = (folder: string) => {
    let item = items.get(folder);
    if (!item) {
      item = { replacesFolder: false, deletes: [], writes: [] };
      items.set(folder, item);
    }
    return item;
  };
  for (const path of deletes) {
    const folder = itemFolderOf(path)!;
    const item = itemOf(folder);
    if (path === folder) item.replacesFolder = true;
    else item.deletes.push(path.slice(folder.length + 1));
  }
  for (const [path, write] of writes) {
    const folder = itemFolderOf(path)!;
    itemOf(folder).writes.push({ path: path.slice(folder.length + 1), ...write });
  }
  for (const [folder, item] of items) {
    const found = checkItemFiles(item.writes, limits, { item: folder, where: (path) => `${folder}/${path}` });
    problems.push(...found.problems);
    tooLarge.push(...found.tooLarge);
  }

  if (problems.length > 0) throw new ValidationError([...problems, ...tooLarge]);
  if (tooLarge.length > 0) {
    throw new TooLargeError(tooLarge.map((p) => `${p.path}: ${p.message}`).join('; '), tooLarge);
  }
  return [...items].map(([folder, item]) => ({ folder, ...item }));
}

/**
 * Checks a whole commit input (changes, message, author, expected head) and groups its changes by item folder.
 * Throws one ValidationError listing every problem, or a TooLargeError when the only problems are limits.
 */
export function validateCommitInput(input: CommitInput, limits: ContentLimits = DEFAULT_CONTENT_LIMITS): ItemChanges[] {
  const problems: Problem[] = [];
  const text = (value: unknown, path: string, what: string) => {
    if (typeof value !== 'string' || value.trim() === '')
      problems.push({ path, message: `must be a non-empty ${what}` });
    else {
      // Git would write a lone surrogate as U+FFFD, and the database (history, audit) refuses a NUL.
      const problem = storableTextProblem(value);
      if (!problem) return value;
      problems.push({ path, message: problem });
    }
    return undefined;
  };
  text(input?.message, 'message', 'commit message');
  for (const field of ['name', 'email'] as const) {
    const value = text(input?.author?.[field], `author.${field}`, 'string');
    // Git writes the author as `name <email> time zone` on one line; these characters would break that line.
    if (value !== undefined && /[<>\n\r]/.test(value)) {
      problems.push({ path: `author.${field}`, message: 'must not contain "<", ">" or a line break' });
    }
  }
  if (!isObjectId(input?.expectedHead)) {
    problems.push({ path: 'expectedHead', message: 'must be a full 40-character lowercase commit SHA' });
  }
  let items: ItemChanges[] = [];
  let refused: ValidationError | TooLargeError | undefined;
  try {
    items = validateChanges(input?.changes, limits);
  } catch (error) {
    if (!(error instanceof ValidationError || error instanceof TooLargeError)) throw error;
    refused = error;
  }
  if (problems.length === 0) {
    if (refused) throw refused;
    return items;
  }
  if (refused instanceof ValidationError) problems.push(...refused.problems);
  else if (refused) problems.push({ path: 'changes', message: refused.message });
  throw new ValidationError(problems);
}
