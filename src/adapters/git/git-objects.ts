import type {
  HistoryEntry,
  ItemDiff,
  ItemListing,
  ItemSnapshot,
  ItemTree,
} from '../../domain/content/content-store.ts';
import {
  compareCodePoints,
  EXECUTABLE_MODE,
  FILE_MODE,
  fileMode,
  type GitTreeEntry,
  isTreeMode,
  splitFolder,
  TREE_MODE,
  type TreeFile,
} from '../../domain/content/tree-id.ts';
import { type ItemChanges, KIND_FOLDERS } from '../../domain/content/validate-changes.ts';
import { NotFoundError } from '../../domain/errors.ts';

// The git plumbing the content stores share: commit encoding, and the walks over trees that every store
// does the same way (item folders, diffs, history, tree edits). Object ids live in the domain (tree-id.ts).

/** Who and when, as a commit records it. `timezoneOffset` is in minutes, signed as `Date#getTimezoneOffset`. */
export interface GitSignature {
  readonly name: string;
  readonly email: string;
  /** Seconds since the epoch. */
  readonly timestamp: number;
  readonly timezoneOffset: number;
}

export interface GitCommitObject {
  readonly tree: string;
  readonly parents: readonly string[];
  readonly author: GitSignature;
  readonly committer: GitSignature;
  readonly message: string;
}

function formatSignature(signature: GitSignature): string {
  const offset = -signature.timezoneOffset;
  const sign = offset < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offset) % 60).padStart(2, '0');
  return `${signature.name} <${signature.email}> ${signature.timestamp} ${sign}${hours}${minutes}`;
}

export function encodeCommit(commit: GitCommitObject): Uint8Array {
  const lines = [`tree ${commit.tree}`, ...commit.parents.map((parent) => `parent ${parent}`)];
  lines.push(`author ${formatSignature(commit.author)}`, `committer ${formatSignature(commit.committer)}`);
  return Buffer.from(`${lines.join('\n')}\n\n${commitMessage(commit.message)}`);
}

/** A message as git stores it: ending with one newline. */
export function commitMessage(message: string): string {
  return message.endsWith('\n') ? message : `${message}\n`;
}

/** A stored message as the port returns it: without the trailing newlines git adds. */
export function messageText(stored: string): string {
  return stored.replace(/\n+$/, '');
}

/** Reads trees by id. Trees are immutable, so a source may cache them freely. */
export interface GitTreeSource {
  /** The entries of a tree; throws when the object is missing, since a parent tree named it. */
  readTree(sha: string): Promise<readonly GitTreeEntry[]>;
}

export interface GitTreeSink extends GitTreeSource {
  /** Stores a tree (entries in any order) and returns its id. */
  writeTree(entries: readonly GitTreeEntry[]): Promise<string>;
}

export interface GitCommitInfo {
  readonly tree: string;
  readonly parents: readonly string[];
  readonly message: string;
  readonly author: { readonly name: string; readonly email: string; readonly timestamp: number };
}

export interface GitCommitSource extends GitTreeSource {
  /** The commit, or undefined when no commit has that id. */
  readCommit(sha: string): Promise<GitCommitInfo | undefined>;
}

export interface GitObjectSource extends GitCommitSource {
  /** The bytes of a blob; throws when the object is missing, since a tree named it. */
  readBlob(sha: string): Promise<Uint8Array>;
}

/** Runs `fn` over `items` with at most `limit` calls in flight, keeping the order of results. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The entry at a slash-separated path below a tree, reading one tree per level; undefined when absent. */
export async function entryAt(source: GitTreeSource, treeSha: string, path: string): Promise<GitTreeEntry | undefined> {
  let current = treeSha;
  const segments = path.split('/');
  for (const [index, segment] of segments.entries()) {
    const entry = (await source.readTree(current)).find((e) => e.name === segment);
    if (!entry || index === segments.length - 1) return entry;
    if (!isTreeMode(entry.mode)) return undefined;
    current = entry.sha;
  }
  return undefined;
}

/** The tree id of the folder at `path`, or null when no folder is there. */
export async function folderTreeSha(source: GitTreeSource, rootTree: string, path: string): Promise<string | null> {
  const entry = await entryAt(source, rootTree, path);
  return entry && isTreeMode(entry.mode) ? entry.sha : null;
}

/**
 * Every entry below a tree that is not a folder, sorted by path: regular files, and also the symbolic links
 * (120000) and submodules (160000) someone may have pushed, so that an edit of the folder keeps them.
 */
export async function listFiles(source: GitTreeSource, treeSha: string): Promise<TreeFile[]> {
  const files: TreeFile[] = [];
  const walk = async (sha: string, prefix: string): Promise<void> => {
    const entries = await source.readTree(sha);
    await Promise.all(
      entries.map(async (entry) => {
        if (isTreeMode(entry.mode)) await walk(entry.sha, `${prefix}${entry.name}/`);
        else files.push({ path: prefix + entry.name, mode: entry.mode, sha: entry.sha });
      }),
    );
  };
  await walk(treeSha, '');
  return files.sort((a, b) => compareCodePoints(a.path, b.path));
}

async function subtrees(source: GitTreeSource, sha: string | undefined): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!sha) return out;
  for (const entry of await source.readTree(sha)) if (isTreeMode(entry.mode)) out.set(entry.name, entry.sha);
  return out;
}

/** An item folder with all its files as it is in `rootTree`; undefined when there is no such folder. */
export async function readItemSnapshot(
  source: GitObjectSource,
  commitSha: string,
  rootTree: string,
  folder: string,
): Promise<ItemSnapshot | undefined> {
  const treeSha = await folderTreeSha(source, rootTree, folder);
  if (!treeSha) return undefined;
  // An item's files are regular files; a symbolic link or a submodule is not content Atlas can hand out.
  const files = (await listFiles(source, treeSha)).filter((f) => f.mode === FILE_MODE || f.mode === EXECUTABLE_MODE);
  const contents = await mapConcurrently(files, 16, (file) => source.readBlob(file.sha));
  return {
    folder,
    treeSha,
    commitSha,
    files: files.map((file, index) => ({
      path: file.path,
      content: contents[index]!,
      executable: file.mode === EXECUTABLE_MODE,
    })),
  };
}

/** An item folder's regular files (no contents) and tree SHA in `rootTree`; undefined when there is no such folder. */
export async function readItemListing(
  source: GitTreeSource,
  commitSha: string,
  rootTree: string,
  folder: string,
): Promise<ItemListing | undefined> {
  const treeSha = await folderTreeSha(source, rootTree, folder);
  if (!treeSha) return undefined;
  const files = (await listFiles(source, treeSha)).filter((f) => f.mode === FILE_MODE || f.mode === EXECUTABLE_MODE);
  return {
    folder,
    treeSha,
    commitSha,
    files: files.map((file) => ({ path: file.path, executable: file.mode === EXECUTABLE_MODE, blobSha: file.sha })),
  };
}

/** The bytes of the file at `path` in `rootTree`; undefined when no file is there. */
export async function readFileAt(
  source: GitObjectSource,
  rootTree: string,
  path: string,
): Promise<Uint8Array | undefined> {
  const entry = await entryAt(source, rootTree, path);
  if (!entry || (entry.mode !== FILE_MODE && entry.mode !== EXECUTABLE_MODE)) return undefined;
  return source.readBlob(entry.sha);
}

/** Every item folder (`<kind folder>/<namespace>/<name>`) below a root tree, sorted; reads trees only. */
export async function listItemFolders(source: GitTreeSource, rootTree: string): Promise<ItemTree[]> {
  const items: ItemTree[] = [];
  const root = await subtrees(source, rootTree);
  await Promise.all(
    KIND_FOLDERS.map(async (kind) => {
      const namespaces = await subtrees(source, root.get(kind));
      await Promise.all(
        [...namespaces].map(async ([namespace, sha]) => {
          for (const [name, treeSha] of await subtrees(source, sha)) {
            items.push({ folder: `${kind}/${namespace}/${name}`, treeSha });
          }
        }),
      );
    }),
  );
  return items.sort((a, b) => compareCodePoints(a.folder, b.folder));
}

/**
 * The item folders that differ between two root trees. Walks both sides level by level and skips every
 * subtree whose id is equal on both sides, so it reads only the trees on the paths to what changed.
 */
export async function diffItemFolders(source: GitTreeSource, fromRoot: string, toRoot: string): Promise<ItemDiff[]> {
  const diffs: ItemDiff[] = [];
  const walk = async (from: string | undefined, to: string | undefined, prefix: string, depth: number) => {
    if (from === to) return;
    const [before, after] = await Promise.all([subtrees(source, from), subtrees(source, to)]);
    let names = new Set([...before.keys(), ...after.keys()]);
    if (depth === 0) names = new Set(KIND_FOLDERS.filter((kind) => names.has(kind)));
    await Promise.all(
      [...names].map(async (name) => {
        const oldSha = before.get(name);
        const newSha = after.get(name);
        if (depth < 2) return walk(oldSha, newSha, `${prefix}${name}/`, depth + 1);
        const folder = prefix + name;
        if (oldSha === newSha) return;
        if (oldSha && newSha) diffs.push({ folder, status: 'changed', oldTreeSha: oldSha, newTreeSha: newSha });
        else if (oldSha) diffs.push({ folder, status: 'removed', oldTreeSha: oldSha });
        else if (newSha) diffs.push({ folder, status: 'added', newTreeSha: newSha });
      }),
    );
  };
  await walk(fromRoot, toRoot, '', 0);
  return diffs.sort((a, b) => compareCodePoints(a.folder, b.folder));
}

/**
 * The files an item folder holds after its changes: the old files (none when the folder is replaced),
 * minus the deletes, plus the writes. A write replaces a folder or a file that stood in its way.
 */
export function applyItemChanges(
  oldFiles: readonly TreeFile[],
  change: ItemChanges,
  writtenShas: readonly string[],
): TreeFile[] {
  const files = new Map<string, TreeFile>(change.replacesFolder ? [] : oldFiles.map((file) => [file.path, file]));
  const removeAt = (path: string) => {
    files.delete(path);
    for (const key of files.keys()) if (key.startsWith(`${path}/`)) files.delete(key);
  };
  for (const path of change.deletes) removeAt(path);
  change.writes.forEach((write, index) => {
    removeAt(write.path);
    const segments = write.path.split('/');
    for (let end = 1; end < segments.length; end++) files.delete(segments.slice(0, end).join('/'));
    files.set(write.path, { path: write.path, mode: fileMode(write.executable), sha: writtenShas[index]! });
  });
  return [...files.values()].sort((a, b) => compareCodePoints(a.path, b.path));
}

/** Writes the trees of a folder holding exactly these files and returns its id; null for no files. */
export async function writeFilesTree(sink: GitTreeSink, files: readonly TreeFile[]): Promise<string | null> {
  if (files.length === 0) return null;
  const { direct, folders } = splitFolder(files);
  for (const [name, inner] of folders)
    direct.push({ name, mode: TREE_MODE, sha: (await writeFilesTree(sink, inner))! });
  return sink.writeTree(direct);
}

/**
 * Writes the new tree of each item folder that `items` touch, applied on top of `parentTree` (null when the
 * folder ends up empty). `writeBlobs` stores an item's written files and returns their blob ids, in order.
 * Shared by the stores that write their own objects; the GitHub store builds its trees through the API instead.
 */
export async function writeItemFolders(
  sink: GitTreeSink,
  parentTree: string,
  items: readonly ItemChanges[],
  writeBlobs: (item: ItemChanges) => Promise<string[]> | string[],
): Promise<Map<string, string | null>> {
  const folders = new Map<string, string | null>();
  for (const item of items) {
    const shas = await writeBlobs(item);
    const oldTree = item.replacesFolder ? null : await folderTreeSha(sink, parentTree, item.folder);
    const oldFiles = oldTree ? await listFiles(sink, oldTree) : [];
    folders.set(item.folder, await writeFilesTree(sink, applyItemChanges(oldFiles, item, shas)));
  }
  return folders;
}

/** `writeItemFolders`, then the root tree on `parentTree` that points at them. */
export async function writeItemTrees(
  sink: GitTreeSink,
  parentTree: string,
  items: readonly ItemChanges[],
  writeBlobs: (item: ItemChanges) => Promise<string[]> | string[],
): Promise<{ tree: string; folders: Map<string, string | null> }> {
  const folders = await writeItemFolders(sink, parentTree, items, writeBlobs);
  return { tree: await replaceItemFolders(sink, parentTree, folders), folders };
}

/**
 * Whether every one of `folders` has the same tree (or is absent on both sides) in two root trees: the test
 * that lets a change built on an older head be rebased onto a newer one. A change set only replaces whole item
 * folders, so when none of its folders moved in between, the rebased commit is the one the caller meant.
 */
export async function sameFolders(
  source: GitTreeSource,
  fromRoot: string,
  toRoot: string,
  folders: Iterable<string>,
): Promise<boolean> {
  if (fromRoot === toRoot) return true;
  for (const folder of folders) {
    const [before, after] = await Promise.all([
      folderTreeSha(source, fromRoot, folder),
      folderTreeSha(source, toRoot, folder),
    ]);
    if (before !== after) return false;
  }
  return true;
}

/**
 * Points item folders at new trees (null removes the folder) and writes only the trees on the paths to them,
 * reusing every other subtree as it is. A namespace or kind folder left empty disappears, as in git.
 * Returns the new root tree id.
 */
export async function replaceItemFolders(
  sink: GitTreeSink,
  rootTree: string,
  folders: ReadonlyMap<string, string | null>,
): Promise<string> {
  const edits = [...folders].map(([folder, sha]) => ({ segments: folder.split('/'), sha }));
  return (await replaceIn(sink, rootTree, edits)) ?? sink.writeTree([]);
}

async function replaceIn(
  sink: GitTreeSink,
  treeSha: string | undefined,
  edits: readonly { segments: string[]; sha: string | null }[],
): Promise<string | null> {
  const entries = new Map((treeSha ? await sink.readTree(treeSha) : []).map((entry) => [entry.name, entry]));
  const byName = new Map<string, { segments: string[]; sha: string | null }[]>();
  for (const edit of edits) {
    const [name, ...rest] = edit.segments;
    const inner = byName.get(name!) ?? [];
    inner.push({ segments: rest, sha: edit.sha });
    byName.set(name!, inner);
  }
  let changed = false;
  for (const [name, inner] of byName) {
    const existing = entries.get(name);
    const leaf = inner.find((edit) => edit.segments.length === 0);
    const sha = leaf
      ? leaf.sha
      : await replaceIn(sink, existing && isTreeMode(existing.mode) ? existing.sha : undefined, inner);
    if (sha === (existing && isTreeMode(existing.mode) ? existing.sha : null)) continue;
    changed = true;
    if (sha === null) entries.delete(name);
    else entries.set(name, { name, mode: TREE_MODE, sha });
  }
  if (!changed && treeSha) return treeSha;
  return entries.size === 0 ? null : sink.writeTree([...entries.values()]);
}

/**
 * The commits that changed a folder, newest first, from `start` along first parents: a commit counts when
 * the folder's tree differs from its first parent's. Reads `limit + 1` matches so that `nextCursor` (the
 * next match, to start the next page at) exists only when there is more.
 */
export async function folderHistory(
  source: GitCommitSource,
  start: string,
  folder: string,
  limit: number,
): Promise<{ entries: HistoryEntry[]; nextCursor?: string }> {
  const entries: HistoryEntry[] = [];
  let sha: string | undefined = start;
  let commit = await source.readCommit(start);
  if (!commit) throw new NotFoundError(`no commit ${start} in the content repository`);
  let folderSha = await folderTreeSha(source, commit.tree, folder);
  while (sha && commit) {
    const parentSha: string | undefined = commit.parents[0];
    const parent: GitCommitInfo | undefined = parentSha ? await source.readCommit(parentSha) : undefined;
    let parentFolderSha: string | null = null;
    if (parent)
      parentFolderSha = parent.tree === commit.tree ? folderSha : await folderTreeSha(source, parent.tree, folder);
    if (folderSha !== parentFolderSha) {
      if (entries.length === limit) return { entries, nextCursor: sha };
      entries.push({
        commitSha: sha,
        treeSha: folderSha,
        message: messageText(commit.message),
        author: { name: commit.author.name, email: commit.author.email },
        date: new Date(commit.author.timestamp * 1000),
      });
    }
    sha = parentSha;
    commit = parent;
    folderSha = parentFolderSha;
  }
  return { entries };
}
