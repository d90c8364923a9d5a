import { type ContentLimits, DEFAULT_CONTENT_LIMITS } from '../../domain/content/content-limits.ts';
import type {
  CommitInput,
  CommitResult,
  ContentStore,
  HistoryEntry,
  ItemDiff,
  ItemListing,
  ItemSnapshot,
  ItemTree,
} from '../../domain/content/content-store.ts';
import { blobId, EMPTY_TREE_SHA, type GitTreeEntry, gitObjectId, treeId } from '../../domain/content/tree-id.ts';
import { isObjectId, requireHistoryQuery, validateCommitInput } from '../../domain/content/validate-changes.ts';
import { NotFoundError, StaleRevisionError } from '../../domain/errors.ts';
import {
  commitMessage,
  encodeCommit,
  folderHistory,
  type GitCommitInfo,
  type GitObjectSource,
  type GitSignature,
  type GitTreeSink,
  replaceItemFolders,
  sameFolders,
  writeItemFolders,
} from '../git/git-objects.ts';
import { GitTreeReads } from '../git/git-tree-reads.ts';

export interface InMemoryContentStoreOptions {
  limits?: ContentLimits;
  /** The clock commits are dated by. */
  now?: () => Date;
}

/**
 * A content store held in memory, for tests and for use cases run without git. It computes git's own
 * object ids, so its tree SHAs equal those of every other store for the same content.
 */
export class InMemoryContentStore implements ContentStore {
  readonly #blobs = new Map<string, Uint8Array>();
  readonly #trees = new Map<string, readonly GitTreeEntry[]>();
  readonly #commits = new Map<string, GitCommitInfo>();
  readonly #limits: ContentLimits;
  readonly #now: () => Date;
  #head: string;

  readonly #objects: GitObjectSource & GitTreeSink = {
    readTree: async (sha) => {
      const entries = this.#trees.get(sha);
      if (!entries) throw new Error(`tree ${sha} is missing from the in-memory store`);
      return entries;
    },
    writeTree: async (entries) => {
      const sha = treeId(entries);
      this.#trees.set(sha, [...entries]);
      return sha;
    },
    readBlob: async (sha) => {
      const blob = this.#blobs.get(sha);
      if (!blob) throw new Error(`blob ${sha} is missing from the in-memory store`);
      return new Uint8Array(blob);
    },
    readCommit: async (sha) => this.#commits.get(sha),
  };
  readonly #reads = new GitTreeReads(this.#objects, (at) => this.#commitAt(at));

  constructor(options: InMemoryContentStoreOptions = {}) {
    this.#limits = options.limits ?? DEFAULT_CONTENT_LIMITS;
    this.#now = options.now ?? (() => new Date());
    this.#trees.set(EMPTY_TREE_SHA, []);
    this.#head = this.#storeCommit(EMPTY_TREE_SHA, [], 'Start the content repository', {
      name: 'Atlas',
      email: 'atlas@localhost',
    });
  }

  async head(): Promise<string> {
    return this.#head;
  }

  readItem(folder: string, at?: string): Promise<ItemSnapshot | undefined> {
    return this.#reads.readItem(folder, at);
  }

  listItemFiles(folder: string, at?: string): Promise<ItemListing | undefined> {
    return this.#reads.listItemFiles(folder, at);
  }

  readFile(path: string, at?: string): Promise<Uint8Array | undefined> {
    return this.#reads.readFile(path, at);
  }

  listItems(at?: string): Promise<ItemTree[]> {
    return this.#reads.listItems(at);
  }

  diffItems(from: string, to: string): Promise<ItemDiff[]> {
    return this.#reads.diffItems(from, to);
  }

  async commit(input: CommitInput): Promise<CommitResult> {
    const items = validateCommitInput(input, this.#limits);
    const base = this.#commits.get(input.expectedHead);
    if (!base) throw unknownBase(input.expectedHead);
    const folders = await writeItemFolders(this.#objects, base.tree, items, (item) =>
      item.writes.map((write) => {
        const sha = blobId(write.content);
        // A copy, so that a caller reusing its buffer cannot change what was committed.
        this.#blobs.set(sha, new Uint8Array(write.content));
        return sha;
      }),
    );
    // The work above and below yields to other callers, so the head is read again until it stands still
    // across building the commit; a head that moved is fine as long as it left these folders alone.
    for (;;) {
      const parentSha = this.#head;
      const parent = this.#commits.get(parentSha)!;
      if (!(await sameFolders(this.#objects, base.tree, parent.tree, folders.keys()))) {
        throw stale(input.expectedHead);
      }
      const tree = await replaceItemFolders(this.#objects, parent.tree, folders);
      if (this.#head !== parentSha) continue;
      this.#head = this.#storeCommit(tree, [parentSha], input.message, input.author);
      return { commitSha: this.#head, parent: parentSha, trees: Object.fromEntries(folders) };
    }
  }

  async history(
    folder: string,
    opts: { limit: number; cursor?: string },
  ): Promise<{ entries: HistoryEntry[]; nextCursor?: string }> {
    requireHistoryQuery(folder, opts);
    const [start] = this.#commitAt(opts.cursor);
    return folderHistory(this.#objects, start, folder, opts.limit);
  }

  #commitAt(at: string | undefined): [string, GitCommitInfo] {
    const sha = at ?? this.#head;
    const commit = isObjectId(sha) ? this.#commits.get(sha) : undefined;
    if (!commit) throw new NotFoundError(`no commit ${sha} in the content repository`);
    return [sha, commit];
  }

  #storeCommit(tree: string, parents: string[], message: string, author: { name: string; email: string }): string {
    const date = this.#now();
    const signature: GitSignature = {
      name: author.name,
      email: author.email,
      timestamp: Math.floor(date.getTime() / 1000),
      timezoneOffset: 0,
    };
    const stored = commitMessage(message);
    const sha = gitObjectId(
      'commit',
      encodeCommit({ tree, parents, author: signature, committer: signature, message: stored }),
    );
    this.#commits.set(sha, { tree, parents, message: stored, author: signature });
    return sha;
  }
}

function stale(expectedHead: string): StaleRevisionError {
  return new StaleRevisionError(`the item changed since ${expectedHead}: another change to it came first`);
}

function unknownBase(expectedHead: string): StaleRevisionError {
  return new StaleRevisionError(`the branch holds no commit ${expectedHead} to build on`);
}
