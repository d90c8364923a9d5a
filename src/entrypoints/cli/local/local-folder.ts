import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ItemFile } from '../../../domain/content/content-store.ts';
import { gitPathProblem } from '../../../domain/content/git-path.ts';
import { compareCodePoints, computeTreeId } from '../../../domain/content/tree-id.ts';
import { ConflictError, type Problem, TooLargeError, ValidationError } from '../../../domain/errors.ts';

/** Entries that are never part of an item: version control and desktop litter. */
const SKIPPED = new Set(['.git', '.DS_Store', '__MACOSX', 'Thumbs.db']);
// A guard against pointing the command at a home folder by mistake; item limits are far below it.
const MAX_ENTRIES = 20_000;

/**
 * Reads every file under `folder` as item files (paths relative to it, `/`-separated, sorted), with the executable
 * bit of each. Skips `.git`, `.DS_Store` and `__MACOSX`, and what `skip` says (a path relative to `folder`; a
 * skipped folder is not read). Symbolic links, other special files and paths git cannot hold are listed together
 * in one ValidationError; more than 20,000 entries is a TooLargeError.
 */
export async function readLocalFolder(
  folder: string,
  options: { skip?: (path: string, isDirectory: boolean) => boolean | Promise<boolean> } = {},
): Promise<ItemFile[]> {
  const files: ItemFile[] = [];
  const problems: Problem[] = [];
  let entries = 0;
  const walk = async (absolute: string, relative: string): Promise<void> => {
    const children = await readdir(absolute, { withFileTypes: true });
    for (const child of children) {
      if (SKIPPED.has(child.name)) continue;
      const path = relative ? `${relative}/${child.name}` : child.name;
      if (options.skip && (await options.skip(path, child.isDirectory()))) continue;
      if (++entries > MAX_ENTRIES) {
        throw new TooLargeError(`${folder} holds more than ${MAX_ENTRIES} files and folders; is it the right folder?`);
      }
      const full = join(absolute, child.name);
      if (child.isSymbolicLink()) {
        problems.push({ path, message: 'is a symbolic link; an item holds only files and folders (copy the file in)' });
      } else if (child.isDirectory()) {
        await walk(full, path);
      } else if (child.isFile()) {
        const pathProblem = gitPathProblem(path);
        if (pathProblem) {
          problems.push({ path, message: pathProblem });
          continue;
        }
        const [content, info] = await Promise.all([readFile(full), lstat(full)]);
        files.push({ path, content: new Uint8Array(content), executable: (info.mode & 0o111) !== 0 });
      } else {
        problems.push({ path, message: 'is a device, FIFO or socket; an item holds only files and folders' });
      }
    }
  };
  await walk(folder, '');
  if (problems.length > 0) throw new ValidationError(problems);
  return files.sort((a, b) => compareCodePoints(a.path, b.path));
}

export interface FolderWrite {
  /** `installed` (new), `replaced` (an older copy was there, `force`), `unchanged` (identical files already there). */
  readonly action: 'installed' | 'replaced' | 'unchanged';
  readonly path: string;
}

/**
 * Writes an item's files as the folder `target`, atomically: the files go to a temporary folder beside it
 * (executable files with mode 0755), which is then renamed into place, so a reader never sees half a folder.
 * - an existing folder with the same files (same git tree) is left as it is;
 * - an existing folder with other content is a ConflictError unless `force`, which replaces it;
 * - file paths are checked again here, so nothing can be written outside `target`.
 */
export async function writeFolderAtomically(
  target: string,
  files: readonly ItemFile[],
  options: { force?: boolean } = {},
): Promise<FolderWrite> {
  for (const file of files) {
    const problem = gitPathProblem(file.path);
    if (problem) throw new ValidationError({ path: file.path, message: problem });
  }
  const exists = await lstat(target).then(
    () => true,
    () => false,
  );
  if (exists) {
    const current = await readLocalFolder(target).catch(() => undefined);
    if (current && computeTreeId(current) === computeTreeId([...files])) return { action: 'unchanged', path: target };
    if (!options.force) {
      throw new ConflictError(`${target} already exists with other content; use --force to replace it`);
    }
  }
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = join(parent, `.${basename(target)}.atlas-new-${suffix}`);
  const retired = join(parent, `.${basename(target)}.atlas-old-${suffix}`);
  try {
    await mkdir(staging, { mode: 0o755 });
    for (const file of files) {
      const path = join(staging, ...file.path.split('/'));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.content, { mode: file.executable ? 0o755 : 0o644 });
    }
    if (exists) await rename(target, retired);
    try {
      await rename(staging, target);
    } catch (error) {
      if (exists) await rename(retired, target);
      throw error;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(retired, { recursive: true, force: true });
  }
  return { action: exists ? 'replaced' : 'installed', path: target };
}

/**
 * Removes a folder Atlas installed: renamed aside first (so the client never reads half of it), then deleted.
 * Returns false when it is not there. `expect` is a file that must be in it (`SKILL.md`), so a mistyped path cannot
 * remove something else; its absence is a ConflictError unless `force`.
 */
export async function removeFolder(
  target: string,
  options: { expect?: string; force?: boolean } = {},
): Promise<boolean> {
  const info = await lstat(target).catch(() => undefined);
  if (!info) return false;
  if (!info.isDirectory()) throw new ConflictError(`${target} is not a folder; remove it yourself if you mean to`);
  if (options.expect && !options.force) {
    const found = await lstat(join(target, options.expect)).catch(() => undefined);
    if (!found) {
      throw new ConflictError(
        `${target} holds no ${options.expect}, so it may not be an item; use --force to remove it`,
      );
    }
  }
  const retired = join(
    dirname(target),
    `.${basename(target)}.atlas-old-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  await rename(target, retired);
  await rm(retired, { recursive: true, force: true });
  return true;
}

/** Writes one file through a temporary file beside it, renamed into place; an existing file is a ConflictError unless `force`. */
export async function writeFileAtomically(
  path: string,
  bytes: Uint8Array,
  options: { force?: boolean } = {},
): Promise<void> {
  if (!options.force && (await lstat(path).catch(() => undefined))) throw new ConflictError(`${path} already exists`);
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, bytes, { flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
