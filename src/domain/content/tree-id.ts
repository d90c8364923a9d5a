import { createHash } from 'node:crypto';

// Git's object ids for trees and blobs: what the domain needs to name an item's exact content (its tree
// SHA) without a repository. Commit encoding and tree walks belong to the content store adapters.

export type GitObjectType = 'blob' | 'tree' | 'commit';

export const FILE_MODE = '100644';
export const EXECUTABLE_MODE = '100755';
/** Written `40000` inside tree objects; APIs (and this module) spell it with the leading zero. */
export const TREE_MODE = '040000';
/** The id of the tree with no entries, the same in every git repository. */
export const EMPTY_TREE_SHA = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/** One entry of a tree: a file (blob) or a folder (tree). */
export interface GitTreeEntry {
  readonly name: string;
  readonly mode: string;
  readonly sha: string;
}

/** A file somewhere below a tree, its path relative to that tree. */
export interface TreeFile {
  readonly path: string;
  readonly mode: string;
  readonly sha: string;
}

export function isTreeMode(mode: string): boolean {
  return mode === TREE_MODE || mode === '40000';
}

export function fileMode(executable: boolean): string {
  return executable ? EXECUTABLE_MODE : FILE_MODE;
}

/** Git's id of an object: SHA-1 over `<type> <size>\0` and the body. */
export function gitObjectId(type: GitObjectType, body: Uint8Array): string {
  return createHash('sha1').update(`${type} ${body.byteLength}\0`).update(body).digest('hex');
}

export function blobId(content: Uint8Array): string {
  return gitObjectId('blob', content);
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Orders strings by Unicode code point, which is the byte order of their UTF-8 encoding, as git orders names. */
export function compareCodePoints(a: string, b: string): number {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Git sorts tree entries by name, comparing a folder as if its name ended with `/`. */
export function compareTreeEntries(a: GitTreeEntry, b: GitTreeEntry): number {
  return compareCodePoints(isTreeMode(a.mode) ? `${a.name}/` : a.name, isTreeMode(b.mode) ? `${b.name}/` : b.name);
}

export function encodeTree(entries: readonly GitTreeEntry[]): Uint8Array {
  const parts: Buffer[] = [];
  for (const entry of [...entries].sort(compareTreeEntries)) {
    parts.push(
      Buffer.from(`${isTreeMode(entry.mode) ? '40000' : entry.mode} ${entry.name}\0`),
      Buffer.from(entry.sha, 'hex'),
    );
  }
  return Buffer.concat(parts);
}

export function treeId(entries: readonly GitTreeEntry[]): string {
  return gitObjectId('tree', encodeTree(entries));
}

/** Groups files by their first path segment: the files directly in the folder, and each subfolder's files. */
export function splitFolder(files: readonly TreeFile[]): { direct: GitTreeEntry[]; folders: Map<string, TreeFile[]> } {
  const direct: GitTreeEntry[] = [];
  const folders = new Map<string, TreeFile[]>();
  for (const file of files) {
    const slash = file.path.indexOf('/');
    if (slash < 0) {
      direct.push({ name: file.path, mode: file.mode, sha: file.sha });
      continue;
    }
    const name = file.path.slice(0, slash);
    const list = folders.get(name) ?? [];
    list.push({ ...file, path: file.path.slice(slash + 1) });
    folders.set(name, list);
  }
  return { direct, folders };
}

/** The tree id of a folder holding exactly these files (by blob id), computed without storing anything. */
export function treeIdOfFiles(files: readonly TreeFile[]): string {
  const { direct, folders } = splitFolder(files);
  for (const [name, inner] of folders) direct.push({ name, mode: TREE_MODE, sha: treeIdOfFiles(inner) });
  return treeId(direct);
}

/** The tree id of a folder holding exactly these files, computed without storing anything. */
export function computeTreeId(files: readonly { path: string; content: Uint8Array; executable?: boolean }[]): string {
  return treeIdOfFiles(
    files.map((file) => ({ path: file.path, mode: fileMode(file.executable === true), sha: blobId(file.content) })),
  );
}
