/** Who wrote a commit, as git records it. */
export interface ContentAuthor {
  name: string;
  email: string;
}

/** One file of an item folder. */
export interface ItemFile {
  /** Relative to the item folder, e.g. `scripts/run.sh`. */
  path: string;
  content: Uint8Array;
  /** Git mode 100755 rather than 100644. */
  executable: boolean;
}

/** An item folder as it is at one commit. */
export interface ItemSnapshot {
  /** e.g. `skills/platform/pdf-tools`. */
  folder: string;
  /** Git's own id of the folder's tree: equal content gives an equal SHA in every store. */
  treeSha: string;
  /** The commit the snapshot was read at. */
  commitSha: string;
  /** Every file of the folder, sorted by path. */
  files: ItemFile[];
}

/** An item folder's files without their contents: what a listing or a cheap existence check needs. */
export interface ItemListing {
  folder: string;
  treeSha: string;
  commitSha: string;
  /** Sorted by path. */
  files: { path: string; executable: boolean; blobSha: string }[];
}

/** An item folder and the SHA of its tree, without its files. */
export interface ItemTree {
  folder: string;
  treeSha: string;
}

/** How an item folder differs between two commits. */
export interface ItemDiff {
  folder: string;
  status: 'added' | 'changed' | 'removed';
  /** Absent when the folder was added. */
  oldTreeSha?: string;
  /** Absent when the folder was removed. */
  newTreeSha?: string;
}

/** One change of a commit. Paths are repository-relative, e.g. `skills/ns/name/SKILL.md`. */
export type FileChange =
  | { type: 'write'; path: string; content: Uint8Array; executable?: boolean }
  /** A file, or a whole folder (an item folder itself or a folder inside one). */
  | { type: 'delete'; path: string };

export interface CommitInput {
  /** Applied deletes first, then writes: deleting a folder and writing its new files replaces it. */
  changes: FileChange[];
  message: string;
  author: ContentAuthor;
  /**
   * The branch head the caller read the item folders at. The commit's only parent is this head, or the head
   * the store rebased the change onto when the branch moved without touching the changed folders.
   */
  expectedHead: string;
}

export interface CommitResult {
  commitSha: string;
  /** The commit's only parent: `expectedHead`, or the newer head the change was rebased onto. */
  parent: string;
  /** Every item folder the changes touched, with its new tree SHA, or null when the folder is gone. */
  trees: Record<string, string | null>;
}

/** A commit that changed an item folder. */
export interface HistoryEntry {
  commitSha: string;
  /** The folder's tree SHA after the commit, or null when the commit removed it. */
  treeSha: string | null;
  message: string;
  author: ContentAuthor;
  /** When the author made the change. */
  date: Date;
}

/**
 * Where the content of catalog items lives: one git branch whose item folders are
 * `skills/<namespace>/<name>/`, `mcp/<namespace>/<name>/` and `tools/<namespace>/<name>/`.
 *
 * Every SHA is git's own object id, so the same content has the same tree SHA in every store.
 * Commit SHAs are full 40-character lowercase hex; anything else passed as a commit is unknown.
 * Everything returned is a fresh copy: mutating it never changes the store, and the store keeps
 * no reference to the arrays a caller passes in.
 */
export interface ContentStore {
  /**
   * The commit SHA the branch points at now. A new store starts with one empty commit,
   * so there is always a head.
   * @throws UnavailableError when the backing repository cannot be reached.
   */
  head(): Promise<string>;

  /**
   * Reads every file of an item folder.
   * @param folder an item folder such as `skills/ns/name`; anything else is a ValidationError.
   * @param at a commit SHA; the current head when absent.
   * @returns undefined when the folder does not exist at that commit.
   * @throws NotFoundError when `at` is not a commit of the repository.
   */
  readItem(folder: string, at?: string): Promise<ItemSnapshot | undefined>;

  /**
   * Lists an item folder's files and tree SHA without reading any file content.
   * @returns undefined when the folder does not exist at that commit.
   * @throws ValidationError for a folder that is not an item folder; NotFoundError when `at` is not a commit.
   */
  listItemFiles(folder: string, at?: string): Promise<ItemListing | undefined>;

  /**
   * Reads one file.
   * @param path repository-relative; a path git could not hold is a ValidationError.
   * @returns undefined when no file is at that path (nothing, or a folder).
   * @throws NotFoundError when `at` is not a commit of the repository.
   */
  readFile(path: string, at?: string): Promise<Uint8Array | undefined>;

  /**
   * Every item folder with its tree SHA, sorted by folder. Reads trees only, never file contents.
   * @throws NotFoundError when `at` is not a commit of the repository.
   */
  listItems(at?: string): Promise<ItemTree[]>;

  /**
   * The item folders that differ between two commits, sorted by folder; unchanged folders are absent.
   * Compares trees level by level and never descends into a folder whose tree SHA is equal on both
   * sides, so the cost follows what changed, not the size of the catalog.
   * @throws NotFoundError when `from` or `to` is not a commit of the repository.
   */
  diffItems(from: string, to: string): Promise<ItemDiff[]>;

  /**
   * Makes one commit on top of the branch head and moves the branch to it. When the branch moved past
   * `expectedHead` and none of the item folders the changes touch differs between `expectedHead` and the head,
   * the change is rebased onto the head (and again, as often as other writers move the branch in between):
   * changes to different items never fail because of each other.
   * Deletes apply before writes; deleting a path that does not exist is not an error.
   * A write replaces whatever was at its path, a folder included.
   * Nothing is written when the input is refused.
   * @throws ValidationError listing every problem of the input (paths, author, message, head format).
   * @throws TooLargeError when a file or an item is over the configured limits.
   * @throws StaleRevisionError when one of the touched item folders changed since `expectedHead`, or
   *   `expectedHead` is not a commit of the repository.
   */
  commit(input: CommitInput): Promise<CommitResult>;

  /**
   * The commits that changed an item folder, newest first. Linear history is listed exactly; across
   * merge commits a store may follow first parents only.
   * @param opts.limit 1 to 100 entries per page.
   * @param opts.cursor the `nextCursor` of the previous page; absent for the first page.
   * @returns `nextCursor` only when more entries exist.
   * @throws ValidationError for a folder that is not an item folder or a limit out of range.
   * @throws NotFoundError when the cursor does not name a commit of the repository.
   */
  history(
    folder: string,
    opts: { limit: number; cursor?: string },
  ): Promise<{ entries: HistoryEntry[]; nextCursor?: string }>;

  /** Releases what the store holds open (connections, timers). The store is unusable afterwards. */
  close?(): Promise<void>;
}
