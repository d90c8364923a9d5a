import { mkdirSync, openSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { init as initRepository, readBlob, readCommit, readTree } from 'isomorphic-git';
import { type ContentLimits, DEFAULT_CONTENT_LIMITS } from '../../domain/content/content-limits.ts';
import type {
  CommitInput,
  CommitResult,
  ContentAuthor,
  ContentStore,
  HistoryEntry,
  ItemDiff,
  ItemListing,
  ItemSnapshot,
  ItemTree,
} from '../../domain/content/content-store.ts';
import { encodeTree, type GitTreeEntry } from '../../domain/content/tree-id.ts';
import { isObjectId, requireHistoryQuery, validateCommitInput } from '../../domain/content/validate-changes.ts';
import { NotFoundError, StaleRevisionError, UnavailableError, ValidationError } from '../../domain/errors.ts';
import { branchRefPath, readBranchRef, swapRefUnderLock } from './branch-ref.ts';
import {
  commitMessage,
  encodeCommit,
  folderHistory,
  type GitCommitInfo,
  type GitObjectSource,
  type GitTreeSink,
  mapConcurrently,
  replaceItemFolders,
  sameFolders,
  writeItemFolders,
} from './git-objects.ts';
import { GitTreeReads } from './git-tree-reads.ts';
import { LooseObjectReader } from './loose-object-reader.ts';
import { LooseObjectWriter } from './loose-object-writer.ts';

export interface LocalGitContentStoreOptions {
  /** The branch that holds the catalog; `main` by default. */
  branch?: string;
  limits?: ContentLimits;
  /** How long a commit waits for another writer's lock on the branch before giving up; 10 s by default. */
  lockTimeoutMs?: number;
}

const SYSTEM_AUTHOR: ContentAuthor = { name: 'Atlas', email: 'atlas@localhost' };
const TREE_CACHE_SIZE = 4096;
const COMMIT_CACHE_SIZE = 1024;

// isomorphic-git writes a loose object straight to its final name and never rewrites a file that exists, so a
// crash halfway through a write would leave a truncated object in place for good. Writing to a temporary name
// and renaming it, as git itself does, makes every object appear whole or not at all.
const atomicFs = {
  promises: {
    ...fsp,
    async writeFile(path: string, data: Uint8Array | string, options?: Parameters<typeof fsp.writeFile>[2]) {
      const temporary = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
      await fsp.writeFile(temporary, data, options);
      try {
        await fsp.rename(temporary, path);
      } catch (error) {
        await fsp.rm(temporary, { force: true });
        throw error;
      }
    },
  },
};

/**
 * The content store over a bare git repository on the local disk, written with isomorphic-git.
 *
 * A commit writes its blobs, the trees on the paths to the changed item folders (every other subtree is
 * reused as it is) and the commit object, then moves the branch with a compare-and-swap. The swap holds git's
 * own lock file (`refs/heads/<branch>.lock`), so system git, other Atlas processes and this one never move
 * the branch over each other. The repository stays an ordinary one that git can clone, push to and gc.
 */
export class LocalGitContentStore implements ContentStore {
  readonly #gitdir: string;
  readonly #branch: string;
  readonly #limits: ContentLimits;
  readonly #lockTimeoutMs: number;
  /** isomorphic-git keeps parsed pack indexes here between calls. */
  readonly #cache = {};
  readonly #trees = new Map<string, readonly GitTreeEntry[]>();
  readonly #commits = new Map<string, GitCommitInfo>();
  readonly #writer: LooseObjectWriter;
  readonly #loose: LooseObjectReader;
  #swapping: Promise<unknown> = Promise.resolve();
  /** Branch moves of this process queued or running: while there are any, the head is about to move. */
  #queuedSwaps = 0;

  readonly #objects: GitObjectSource & GitTreeSink = {
    readTree: async (sha) => {
      const cached = this.#trees.get(sha);
      if (cached) return cached;
      const loose = await this.#loose.readTree(sha);
      if (loose) return this.#rememberTree(sha, loose);
      const { tree } = await readTree({ fs: atomicFs, gitdir: this.#gitdir, oid: sha, cache: this.#cache });
      return this.#rememberTree(
        sha,
        tree.map((entry) => ({ name: entry.path, mode: entry.mode, sha: entry.oid })),
      );
    },
    writeTree: async (entries) =>
      this.#rememberTreeWritten(await this.#writer.write('tree', encodeTree(entries)), entries),
    readBlob: async (sha) => {
      const loose = await this.#loose.readBlob(sha);
      if (loose) return loose;
      const { blob } = await readBlob({ fs: atomicFs, gitdir: this.#gitdir, oid: sha, cache: this.#cache });
      return new Uint8Array(blob);
    },
    readCommit: async (sha) => {
      const cached = this.#commits.get(sha);
      if (cached) return cached;
      try {
        const { commit } = await readCommit({ fs: atomicFs, gitdir: this.#gitdir, oid: sha, cache: this.#cache });
        return this.#rememberCommit(sha, {
          tree: commit.tree,
          parents: commit.parent,
          message: commit.message,
          author: commit.author,
        });
      } catch (error) {
        // A missing object, or one that is not a commit.
        if (isGitError(error, 'NotFoundError') || isGitError(error, 'ObjectTypeError')) return undefined;
        throw error;
      }
    },
  };
  /**
   * The same objects, whose trees are written synchronously: for the rebuild under the branch's lock, which
   * every other publish of this process waits for, so its few writes must not queue in the thread pool behind
   * their blobs.
   */
  readonly #lockedObjects: GitObjectSource & GitTreeSink = {
    ...this.#objects,
    writeTree: async (entries) =>
      this.#rememberTreeWritten(this.#writer.writeSync('tree', encodeTree(entries)), entries),
  };
  readonly #reads = new GitTreeReads(this.#objects, (at) => this.#commitAt(at));

  private constructor(gitdir: string, branch: string, options: LocalGitContentStoreOptions) {
    this.#gitdir = gitdir;
    this.#branch = branch;
    this.#limits = options.limits ?? DEFAULT_CONTENT_LIMITS;
    this.#lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
    this.#writer = new LooseObjectWriter(gitdir);
    this.#loose = new LooseObjectReader(gitdir);
  }

  /**
   * Opens the bare repository at `dir`, creating it (with `branch` as its default branch and one empty
   * commit on it) when there is none.
   */
  static async open(dir: string, options: LocalGitContentStoreOptions = {}): Promise<LocalGitContentStore> {
    const branch = options.branch ?? 'main';
    if (!/^(?!.*\.\.)(?!.*\/\/)(?!\/)(?!.*\/$)(?!.*\.lock(?:\/|$))[A-Za-z0-9._/-]+$/.test(branch)) {
      throw new ValidationError({ path: 'branch', message: 'must be a simple git branch name such as main' });
    }
    await fsp.mkdir(dir, { recursive: true });
    if (!(await exists(join(dir, 'HEAD')))) {
      await initRepository({ fs: atomicFs, gitdir: dir, bare: true, defaultBranch: branch });
    }
    const store = new LocalGitContentStore(dir, branch, options);
    await store.#ensureBranch();
    return store;
  }

  async head(): Promise<string> {
    const sha = this.#readRef();
    if (!sha) throw new UnavailableError(`the branch ${this.#branch} of ${this.#gitdir} is gone`);
    return sha;
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
    const base = await this.#objects.readCommit(input.expectedHead);
    if (!base) throw unknownBase(input.expectedHead);
    const folders = await writeItemFolders(this.#objects, base.tree, items, (item) =>
      mapConcurrently(item.writes, 16, (write) => this.#writer.write('blob', write.content)),
    );
    // The commit is built on whatever the branch points at when the swap runs (under the lock), so writers of
    // different items never send each other round a retry loop; only a change to one of these folders since
    // expectedHead is stale.
    const build = async (head: string, objects: GitObjectSource & GitTreeSink, locked: boolean) => {
      const parent = await objects.readCommit(head);
      if (!parent || !(await sameFolders(objects, base.tree, parent.tree, folders.keys()))) {
        throw stale(input.expectedHead);
      }
      const tree = await replaceItemFolders(objects, parent.tree, folders);
      return this.#writeCommit(tree, [head], input.message, input.author, locked);
    };
    // Built once before the lock on the head as it is now, and rebuilt under the lock only if the branch moved.
    // While other commits of this process wait for the lock the head will move before ours runs, so building
    // on it now would only write trees and a commit that nothing ever points at.
    const guess = this.#queuedSwaps === 0 ? this.#readRef() : undefined;
    const prebuilt = guess ? { head: guess, commitSha: await build(guess, this.#objects, false) } : undefined;
    const moved = await this.#moveBranch(async (current) => {
      if (!current) throw new UnavailableError(`the branch ${this.#branch} of ${this.#gitdir} is gone`);
      return current === prebuilt?.head ? prebuilt.commitSha : build(current, this.#lockedObjects, true);
    });
    return { commitSha: moved.next, parent: moved.current!, trees: Object.fromEntries(folders) };
  }

  async history(
    folder: string,
    opts: { limit: number; cursor?: string },
  ): Promise<{ entries: HistoryEntry[]; nextCursor?: string }> {
    requireHistoryQuery(folder, opts);
    const [start] = await this.#commitAt(opts.cursor);
    return folderHistory(this.#objects, start, folder, opts.limit);
  }

  async close(): Promise<void> {
    this.#trees.clear();
    this.#commits.clear();
  }

  #rememberTreeWritten(sha: string, entries: readonly GitTreeEntry[]): string {
    this.#rememberTree(sha, [...entries]);
    return sha;
  }

  #rememberTree(sha: string, entries: readonly GitTreeEntry[]): readonly GitTreeEntry[] {
    if (this.#trees.size >= TREE_CACHE_SIZE) this.#trees.delete(this.#trees.keys().next().value!);
    this.#trees.set(sha, entries);
    return entries;
  }

  #rememberCommit(sha: string, commit: GitCommitInfo): GitCommitInfo {
    if (this.#commits.size >= COMMIT_CACHE_SIZE) this.#commits.delete(this.#commits.keys().next().value!);
    this.#commits.set(sha, commit);
    return commit;
  }

  async #commitAt(at: string | undefined): Promise<[string, GitCommitInfo]> {
    const sha = at ?? (await this.head());
    const commit = isObjectId(sha) ? await this.#objects.readCommit(sha) : undefined;
    if (!commit) throw new NotFoundError(`no commit ${sha} in the content repository`);
    return [sha, commit];
  }

  /** Writes a commit object; `locked` (under the branch's lock) writes it synchronously, as `#lockedObjects` does. */
  async #writeCommit(
    tree: string,
    parents: string[],
    message: string,
    author: ContentAuthor,
    locked = false,
  ): Promise<string> {
    const signature = {
      name: author.name,
      email: author.email,
      timestamp: Math.floor(Date.now() / 1000),
      timezoneOffset: 0,
    };
    const stored = commitMessage(message);
    const body = encodeCommit({ tree, parents, author: signature, committer: signature, message: stored });
    const sha = locked ? this.#writer.writeSync('commit', body) : await this.#writer.write('commit', body);
    this.#rememberCommit(sha, { tree, parents, message: stored, author: signature });
    return sha;
  }

  async #ensureBranch(): Promise<void> {
    if (this.#readRef()) return;
    const tree = await this.#objects.writeTree([]);
    const commitSha = await this.#writeCommit(tree, [], 'Start the content repository', SYSTEM_AUTHOR);
    try {
      await this.#moveBranch(async (current) => {
        if (current) throw new StaleRevisionError(`the branch ${this.#branch} exists already`);
        return commitSha;
      });
    } catch (error) {
      // Another process created the branch first; its first commit serves as well as ours.
      if (!(error instanceof StaleRevisionError)) throw error;
    }
  }

  get #refPath(): string {
    return branchRefPath(this.#gitdir, this.#branch);
  }

  #readRef(): string | undefined {
    return readBranchRef(this.#gitdir, this.#branch);
  }

  /**
   * Points the branch at the commit `next` returns for the branch's current commit (undefined: the branch does
   * not exist yet); `next` runs under the lock and may throw to leave the branch alone.
   * Calls in this process queue up; across processes git's lock file decides, as it does for `git push`.
   */
  async #moveBranch(
    next: (current: string | undefined) => Promise<string>,
  ): Promise<{ current: string | undefined; next: string }> {
    this.#queuedSwaps += 1;
    const run = this.#swapping.then(async () => {
      const lock = await this.#acquireLock(`${this.#refPath}.lock`);
      // Re-read under the lock: this is the read the swap depends on.
      const current = this.#readRef();
      const { sha } = await swapRefUnderLock(lock, this.#refPath, async () => ({ sha: await next(current) }));
      return { current, next: sha };
    });
    this.#swapping = run
      .catch(() => undefined)
      .finally(() => {
        this.#queuedSwaps -= 1;
      });
    return run;
  }

  /** Creates the lock file and returns its descriptor, waiting while another writer holds it. */
  async #acquireLock(lockPath: string): Promise<number> {
    const deadline = Date.now() + this.#lockTimeoutMs;
    for (;;) {
      try {
        // O_CREAT | O_EXCL: exactly one writer, in any process, can create the lock file.
        return openSync(lockPath, 'wx');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          mkdirSync(dirname(lockPath), { recursive: true });
          continue;
        }
        if (code !== 'EEXIST') throw error;
        if (Date.now() >= deadline) {
          throw new UnavailableError(
            `the branch ${this.#branch} is locked by ${lockPath}: another writer holds it, or a crashed one left it ` +
              '(remove the file if no git process is running)',
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 15));
      }
    }
  }
}

function stale(expectedHead: string): StaleRevisionError {
  return new StaleRevisionError(`the item changed since ${expectedHead}: another change to it came first`);
}

function unknownBase(expectedHead: string): StaleRevisionError {
  return new StaleRevisionError(`the branch holds no commit ${expectedHead} to build on`);
}

function isGitError(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT' || error.code === 'ENOTDIR' || error.code === 'EISDIR') return undefined;
  throw error;
}

async function exists(path: string): Promise<boolean> {
  return fsp.stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => ignoreMissing(error) ?? false,
  );
}
