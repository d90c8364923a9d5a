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
import { blobId, type GitTreeEntry, TREE_MODE, type TreeFile, treeIdOfFiles } from '../../domain/content/tree-id.ts';
import {
  isObjectId,
  MAX_HISTORY_LIMIT,
  requireHistoryQuery,
  validateCommitInput,
} from '../../domain/content/validate-changes.ts';
import { NotFoundError, RateLimitedError, StaleRevisionError, UnavailableError } from '../../domain/errors.ts';
import {
  applyItemChanges,
  folderTreeSha,
  type GitCommitInfo,
  type GitObjectSource,
  listFiles,
  mapConcurrently,
  messageText,
  sameFolders,
} from '../git/git-objects.ts';
import { GitTreeReads } from '../git/git-tree-reads.ts';
import { createGitHubClient, type GitHubClient } from './github-client.ts';

export interface GitHubContentStoreOptions {
  owner: string;
  repo: string;
  /** The branch that holds the catalog; `main` by default. */
  branch?: string;
  token: string;
  /** `https://api.github.com` by default; GitHub Enterprise Server uses `https://<host>/api/v3`. */
  apiUrl?: string;
  limits?: ContentLimits;
  /** The longest wait for a rate limit to lift before a call fails with RateLimitedError; 60 s by default. */
  maxWaitSeconds?: number;
  /**
   * How long one second of a wait GitHub asks for lasts, in milliseconds: 1000 except in tests. Also the unit of
   * the backoff between retries of 5xx answers (1, 4, 9 units).
   */
  retryAfterBaseValue?: number;
  /** Retries of a request that failed with 5xx or no answer; 3 by default. */
  retries?: number;
  /**
   * The least time between two writing requests. GitHub asks integrations to leave about a second between
   * them to stay clear of secondary rate limits; 1000 ms by default.
   */
  minWriteIntervalMs?: number;
}

type GitCommitData = Awaited<ReturnType<GitHubClient['rest']['git']['getCommit']>>['data'];

const _quiet = () => undefined;

const TREE_CACHE_SIZE = 4096;
/** How often a commit is rebased onto a branch that other writers keep moving before it gives up. */
const MAX_REBASES = 20;

interface GitHubRequestError {
  status: number;
  message: string;
  response?: { headers: Record<string, string | number | undefined> };
}

function isRequestError(error: unknown): error is GitHubRequestError {
  return typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number';
}

/**
 * The content store over a branch of a GitHub repository, through GitHub's REST API.
 *
 * Reads walk trees one level at a time (`git/trees/<sha>`, never recursive) and skip subtrees whose SHA is
 * unchanged; trees and commits are cached by SHA since git objects never change. A commit creates the blobs
 * GitHub does not have yet, one tree per changed item folder, one root tree on `base_tree`, the commit, and
 * then moves the branch without force, so GitHub refuses the move when someone else moved the branch first.
 * Rate limits are waited out when they lift within `maxWaitSeconds`, and fail with RateLimitedError otherwise.
 */
export class GitHubContentStore implements ContentStore {
  readonly #octokit: GitHubClient;
  readonly #owner: string;
  readonly #repo: string;
  readonly #branch: string;
  readonly #limits: ContentLimits;
  readonly #trees = new Map<string, readonly GitTreeEntry[]>();
  readonly #commits = new Map<string, GitCommitInfo>();
  /** The last answer for the branch, with its ETag, so that an unchanged branch costs a 304. */
  #ref: { etag: string; sha: string } | undefined;
  /** The tail of this process's queue of ref updates. */
  #swapping: Promise<unknown> = Promise.resolve();

  readonly #objects: GitObjectSource = {
    readTree: async (sha) => {
      const cached = this.#trees.get(sha);
      if (cached) return cached;
      const { data } = await this.#call(`reading tree ${sha}`, () =>
        this.#octokit.rest.git.getTree({ owner: this.#owner, repo: this.#repo, tree_sha: sha }),
      );
      return this.#rememberTree(data);
    },
    readBlob: async (sha) => {
      const { data } = await this.#call(`reading blob ${sha}`, () =>
        this.#octokit.rest.git.getBlob({ owner: this.#owner, repo: this.#repo, file_sha: sha }),
      );
      // The blobs endpoint serves up to 100 MB, base64 encoded with line breaks, which Buffer skips.
      // Copied out of Buffer's shared pool, so the caller owns every byte of what it gets.
      return new Uint8Array(Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8'));
    },
    readCommit: async (sha) => {
      const cached = this.#commits.get(sha);
      if (cached) return cached;
      const found = await this.#call(
        `reading commit ${sha}`,
        () => this.#octokit.rest.git.getCommit({ owner: this.#owner, repo: this.#repo, commit_sha: sha }),
        [404, 422],
      );
      if (!found) return undefined;
      return this.#rememberCommit(found.data);
    },
  };
  readonly #reads = new GitTreeReads(this.#objects, (at) => this.#commitAt(at));

  constructor(options: GitHubContentStoreOptions) {
    this.#owner = options.owner;
    this.#repo = options.repo;
    this.#branch = options.branch ?? 'main';
    this.#limits = options.limits ?? DEFAULT_CONTENT_LIMITS;
    this.#octokit = createGitHubClient({ ...options, userAgent: 'atlas-content-store' });
  }

  async head(): Promise<string> {
    const known = this.#ref;
    try {
      const response = await this.#octokit.rest.git.getRef({
        owner: this.#owner,
        repo: this.#repo,
        ref: `heads/${this.#branch}`,
        headers: known ? { 'if-none-match': known.etag } : {},
      });
      const sha = response.data.object.sha;
      const etag = response.headers.etag;
      this.#ref = etag ? { etag, sha } : undefined;
      return sha;
    } catch (error) {
      // 304: the branch is where it was when GitHub sent this ETag (and GitHub did not count the request).
      if (known && isRequestError(error) && error.status === 304) return known.sha;
      if (isRequestError(error) && error.status === 404) {
        throw new UnavailableError(
          `GitHub has no branch ${this.#branch} in ${this.#owner}/${this.#repo}, or the token cannot see the ` +
            'repository; create the branch with at least one commit and check GITHUB_TOKEN',
        );
      }
      return this.#fail(error, 'reading the branch head');
    }
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

    const folders = new Map<string, string | null>();
    const rootEntries: { path: string; mode: typeof TREE_MODE; type: 'tree'; sha: string | null }[] = [];
    for (const item of items) {
      const oldTree = await folderTreeSha(this.#objects, base.tree, item.folder);
      const oldFiles = oldTree ? await listFiles(this.#objects, oldTree) : [];
      const shas = await this.#uploadBlobs(
        item.writes.map((write) => write.content),
        new Set(oldFiles.map((file) => file.sha)),
      );
      const files = applyItemChanges(oldFiles, item, shas);
      let newTree: string | null = null;
      if (files.length > 0) newTree = treeIdOfFiles(files) === oldTree ? oldTree : await this.#createItemTree(files);
      folders.set(item.folder, newTree);
      // A null SHA deletes the folder; GitHub refuses to delete what is not there, hence only existing folders.
      if (newTree !== oldTree) rootEntries.push({ path: item.folder, mode: TREE_MODE, type: 'tree', sha: newTree });
    }

    // The item trees above stay valid on any head where these folders are as they were at expectedHead, so a
    // branch that moved (GitHub's 422 "not a fast forward" on the ref update) costs a new root tree and commit
    // on the new head, not a failure: writers of different items never fail because of each other. Commits of
    // this process take turns here, so only other processes (or pushes) ever cost a retry.
    const run = this.#swapping.then(async () => {
      let head = await this.head();
      for (let attempt = 1; ; attempt++) {
        const parent = head === input.expectedHead ? base : await this.#objects.readCommit(head);
        if (!parent || !(await sameFolders(this.#objects, base.tree, parent.tree, folders.keys()))) {
          throw stale(input.expectedHead);
        }
        const commitSha = await this.#createCommit(input, parent.tree, rootEntries, head);
        try {
          await this.#octokit.rest.git.updateRef({
            owner: this.#owner,
            repo: this.#repo,
            ref: `heads/${this.#branch}`,
            sha: commitSha,
            force: false,
          });
          return { commitSha, parent: head, trees: Object.fromEntries(folders) };
        } catch (error) {
          if (!(isRequestError(error) && error.status === 422)) return this.#fail(error, 'moving the branch');
          if (attempt === MAX_REBASES) {
            throw new UnavailableError(
              `the branch ${this.#branch} kept moving under ${MAX_REBASES} attempts to commit`,
            );
          }
          head = await this.head();
        }
      }
    });
    this.#swapping = run.catch(() => undefined);
    return run;
  }

  /** A commit on `parentSha` whose tree is `parentTree` with the item folders replaced by `rootEntries`. */
  async #createCommit(
    input: CommitInput,
    parentTree: string,
    rootEntries: { path: string; mode: typeof TREE_MODE; type: 'tree'; sha: string | null }[],
    parentSha: string,
  ): Promise<string> {
    let tree = parentTree;
    if (rootEntries.length > 0) {
      const created = await this.#call('creating the root tree', () =>
        this.#octokit.rest.git.createTree({
          owner: this.#owner,
          repo: this.#repo,
          base_tree: parentTree,
          tree: rootEntries,
        }),
      );
      this.#rememberTree(created.data);
      tree = created.data.sha;
    }
    const { data: created } = await this.#call('creating the commit', () =>
      this.#octokit.rest.git.createCommit({
        owner: this.#owner,
        repo: this.#repo,
        message: input.message,
        tree,
        parents: [parentSha],
        author: { name: input.author.name, email: input.author.email, date: new Date().toISOString() },
      }),
    );
    this.#rememberCommit(created);
    return created.sha;
  }

  async history(
    folder: string,
    opts: { limit: number; cursor?: string },
  ): Promise<{ entries: HistoryEntry[]; nextCursor?: string }> {
    requireHistoryQuery(folder, opts);
    if (opts.cursor !== undefined && !isObjectId(opts.cursor)) throw unknownCommit(opts.cursor);
    const start = opts.cursor ?? (await this.head());
    // One more than a page, so that the next page's first commit becomes the cursor.
    const listed = await this.#listCommits(start, folder, Math.min(opts.limit + 1, MAX_HISTORY_LIMIT), 1);
    let next = listed[opts.limit]?.sha;
    if (!next && opts.limit === MAX_HISTORY_LIMIT && listed.length === MAX_HISTORY_LIMIT) {
      next = (await this.#listCommits(start, folder, MAX_HISTORY_LIMIT, 2))[0]?.sha;
    }
    const entries = await Promise.all(
      listed.slice(0, opts.limit).map(async (entry) => ({
        commitSha: entry.sha,
        treeSha: await folderTreeSha(this.#objects, entry.commit.tree.sha, folder),
        message: messageText(entry.commit.message),
        author: { name: entry.commit.author?.name ?? '', email: entry.commit.author?.email ?? '' },
        date: new Date(entry.commit.author?.date ?? 0),
      })),
    );
    return next ? { entries, nextCursor: next } : { entries };
  }

  async close(): Promise<void> {
    this.#trees.clear();
    this.#commits.clear();
  }

  async #listCommits(start: string, folder: string, perPage: number, page: number) {
    const found = await this.#call(
      `listing the history of ${folder}`,
      () =>
        this.#octokit.rest.repos.listCommits({
          owner: this.#owner,
          repo: this.#repo,
          sha: start,
          path: folder,
          per_page: perPage,
          page,
        }),
      [404, 422],
    );
    if (!found) throw unknownCommit(start);
    return found.data;
  }

  async #uploadBlobs(contents: readonly Uint8Array[], present: ReadonlySet<string>): Promise<string[]> {
    const uploads = new Map<string, Promise<void>>();
    return mapConcurrently(contents, 4, async (content) => {
      const sha = blobId(content);
      if (present.has(sha)) return sha;
      let upload = uploads.get(sha);
      if (!upload) {
        upload = this.#call(`uploading blob ${sha}`, () =>
          this.#octokit.rest.git.createBlob({
            owner: this.#owner,
            repo: this.#repo,
            content: Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('base64'),
            encoding: 'base64',
          }),
        ).then(({ data }) => {
          if (data.sha !== sha) throw new Error(`GitHub stored blob ${data.sha} where git computes ${sha}`);
        });
        uploads.set(sha, upload);
      }
      await upload;
      return sha;
    });
  }

  /** Creates an item folder's tree from its complete list of files (no base tree), returning its SHA. */
  async #createItemTree(files: readonly TreeFile[]): Promise<string> {
    const { data } = await this.#call('creating an item tree', () =>
      this.#octokit.rest.git.createTree({
        owner: this.#owner,
        repo: this.#repo,
        tree: files.map((file) => ({
          path: file.path,
          mode: file.mode as '100644' | '100755' | '120000' | '160000',
          type: file.mode === '160000' ? ('commit' as const) : ('blob' as const),
          sha: file.sha,
        })),
      }),
    );
    this.#rememberTree(data);
    return data.sha;
  }

  // Git objects never change, so every tree and commit GitHub shows us, read or created, is kept by SHA.
  #rememberTree(data: { sha: string; truncated: boolean; tree: { path: string; mode: string; sha: string }[] }) {
    const entries = data.tree.map((entry) => ({ name: entry.path, mode: entry.mode, sha: entry.sha }));
    if (data.truncated) throw new UnavailableError(`GitHub truncated tree ${data.sha}, which git trees never need`);
    if (this.#trees.size >= TREE_CACHE_SIZE) this.#trees.delete(this.#trees.keys().next().value!);
    this.#trees.set(data.sha, entries);
    return entries;
  }

  #rememberCommit(data: GitCommitData): GitCommitInfo {
    const commit: GitCommitInfo = {
      tree: data.tree.sha,
      parents: data.parents.map((parent) => parent.sha),
      message: data.message,
      author: {
        name: data.author.name,
        email: data.author.email,
        timestamp: Math.floor(Date.parse(data.author.date) / 1000),
      },
    };
    this.#commits.set(data.sha, commit);
    return commit;
  }

  async #commitAt(at: string | undefined): Promise<[string, GitCommitInfo]> {
    const sha = at ?? (await this.head());
    const commit = isObjectId(sha) ? await this.#objects.readCommit(sha) : undefined;
    if (!commit) throw unknownCommit(sha);
    return [sha, commit];
  }

  /** Runs one API call, turning GitHub's failures into Atlas errors; the statuses in `absent` give undefined. */
  async #call<T>(what: string, request: () => Promise<T>): Promise<T>;
  async #call<T>(what: string, request: () => Promise<T>, absent: number[]): Promise<T | undefined>;
  async #call<T>(what: string, request: () => Promise<T>, absent: number[] = []): Promise<T | undefined> {
    try {
      return await request();
    } catch (error) {
      if (isRequestError(error) && absent.includes(error.status)) return undefined;
      return this.#fail(error, what);
    }
  }

  #fail(error: unknown, what: string): never {
    if (!isRequestError(error)) throw error;
    const repository = `${this.#owner}/${this.#repo}`;
    const headers = error.response?.headers ?? {};
    if (error.status === 401) {
      throw new UnavailableError(
        `GitHub refused the token while ${what} (401 ${error.message}): set GITHUB_TOKEN to a valid token ` +
          `that may read and write the contents of ${repository}`,
      );
    }
    if ((error.status === 403 || error.status === 429) && String(headers['x-ratelimit-remaining']) === '0') {
      const reset = Number(headers['x-ratelimit-reset']);
      const retryAt = new Date(Number.isFinite(reset) && reset > 0 ? reset * 1000 : Date.now() + 60_000);
      throw new RateLimitedError(
        `GitHub's API rate limit for this token is used up (while ${what}); retry after ${retryAt.toISOString()}`,
        retryAt,
      );
    }
    if (error.status === 429 || (error.status === 403 && /secondary rate limit/i.test(error.message))) {
      const retryAt = new Date(Date.now() + (Number(headers['retry-after']) || 60) * 1000);
      throw new RateLimitedError(
        `GitHub's secondary rate limit stopped ${what}; retry after ${retryAt.toISOString()}`,
        retryAt,
      );
    }
    if (error.status === 403) {
      throw new UnavailableError(
        `GitHub refused ${what} (403 ${error.message}): the token in GITHUB_TOKEN needs read and write access ` +
          `to the contents of ${repository}`,
      );
    }
    throw new UnavailableError(`GitHub could not complete ${what} in ${repository} (${error.status} ${error.message})`);
  }
}

function stale(expectedHead: string): StaleRevisionError {
  return new StaleRevisionError(`the item changed since ${expectedHead}: another change to it came first`);
}

function unknownBase(expectedHead: string): StaleRevisionError {
  return new StaleRevisionError(`the branch holds no commit ${expectedHead} to build on`);
}

function unknownCommit(sha: string): NotFoundError {
  return new NotFoundError(`no commit ${sha} in the content repository`);
}
