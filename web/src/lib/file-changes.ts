import type { FileEntry } from '../../../src/entrypoints/http/schemas/items.ts';

/** How one file differs between two versions, told by blob SHA (and executable bit). */
export type FileChange = {
  path: string;
  status: 'added' | 'removed' | 'changed';
  before?: FileEntry;
  after?: FileEntry;
};

/** The files added, changed and removed between two versions, by path. */
export function changedFiles(before: readonly FileEntry[], after: readonly FileEntry[]): FileChange[] {
  const old = new Map(before.map((file) => [file.path, file]));
  const changes: FileChange[] = [];
  for (const file of after) {
    const was = old.get(file.path);
    if (!was) changes.push({ path: file.path, status: 'added', after: file });
    else if (was.blobSha !== file.blobSha || was.executable !== file.executable)
      changes.push({ path: file.path, status: 'changed', before: was, after: file });
    old.delete(file.path);
  }
  for (const file of old.values()) changes.push({ path: file.path, status: 'removed', before: file });
  return changes.sort((a, b) => a.path.localeCompare(b.path));
}
