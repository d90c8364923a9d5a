import { closeSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isObjectId } from '../../domain/content/validate-changes.ts';

/**
 * A branch's ref in a bare repository, read and moved as git does it. Every file here is tiny and handled
 * synchronously: an asynchronous read would wait in libuv's thread pool behind other publishes' object writes.
 */
export function branchRefPath(gitdir: string, branch: string): string {
  return join(gitdir, 'refs', 'heads', ...branch.split('/'));
}

/** The branch's commit: the loose ref when there is one, else its line in `packed-refs` (after `git gc`). */
export function readBranchRef(gitdir: string, branch: string): string | undefined {
  const loose = readText(branchRefPath(gitdir, branch))?.trim();
  if (loose !== undefined && isObjectId(loose)) return loose;
  const packed = readText(join(gitdir, 'packed-refs'));
  const name = `refs/heads/${branch}`;
  for (const line of packed?.split('\n') ?? []) {
    const [sha, ref] = line.trim().split(' ');
    if (ref === name && isObjectId(sha)) return sha;
  }
  return undefined;
}

/**
 * Under the lock file `lock` (`<ref>.lock`, created with O_EXCL by the caller): runs `decide`, which returns the
 * commit to point the ref at or throws to leave the branch alone, then writes it and renames the lock over the
 * ref. The lock file is always gone afterwards.
 */
export async function swapRefUnderLock<T extends { sha: string }>(
  lock: number,
  refPath: string,
  decide: () => Promise<T> | T,
): Promise<T> {
  const lockPath = `${refPath}.lock`;
  let moved = false;
  try {
    const decided = await decide();
    writeSync(lock, `${decided.sha}\n`);
    closeSync(lock);
    renameSync(lockPath, refPath);
    moved = true;
    return decided;
  } finally {
    if (!moved) {
      try {
        closeSync(lock);
      } catch {
        // Closed already, before a rename that failed.
      }
      rmSync(lockPath, { force: true });
    }
  }
}

/** A small file's text, or undefined when it is not there. */
export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw error;
  }
}
