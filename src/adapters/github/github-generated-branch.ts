import type { GeneratedBranch, GeneratedBranchHead, GeneratedObject } from '../../domain/content/generated-branch.ts';
import { isTreeMode } from '../../domain/content/tree-id.ts';
import { StaleRevisionError, UnavailableError } from '../../domain/errors.ts';
import { createGitHubClient, type GitHubClient } from './github-client.ts';

export interface GitHubGeneratedBranchOptions {
  readonly owner: string;
  readonly repo: string;
  readonly token: string;
  readonly apiUrl?: string;
  /** The branch's name, e.g. `atlas-marketplace`. */
  readonly name: string;
  /** As the content store's: rate limits waited out, writes spaced, 5xx retried (see GitHubClientOptions). */
  readonly retryAfterBaseValue?: number;
  readonly minWriteIntervalMs?: number;
}

interface RequestError {
  status: number;
  message: string;
}

function isRequestError(error: unknown): error is RequestError {
  return typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number';
}

/**
 * A generated branch of the GitHub content repository, through the Git Data API: blobs and trees the branch does not
 * hold yet (a refresh that changed one plugin uploads that plugin's few objects, not the catalog's), one commit, and
 * the ref created or moved without force, so that GitHub refuses a move from a head that is not the one read.
 */
export class GitHubGeneratedBranch implements GeneratedBranch {
  readonly name: string;
  readonly #owner: string;
  readonly #repo: string;
  readonly #octokit: GitHubClient;

  constructor(options: GitHubGeneratedBranchOptions) {
    this.name = options.name;
    this.#owner = options.owner;
    this.#repo = options.repo;
    this.#octokit = createGitHubClient({ ...options, userAgent: 'atlas-marketplace-branch' });
  }

  async head(): Promise<GeneratedBranchHead | undefined> {
    const ref = await this.#call('reading the marketplace branch', () =>
      this.#octokit.rest.git.getRef({ owner: this.#owner, repo: this.#repo, ref: `heads/${this.name}` }),
    );
    if (!ref) return undefined;
    const commitSha = ref.data.object.sha;
    const commit = await this.#call('reading the marketplace commit', () =>
      this.#octokit.rest.git.getCommit({ owner: this.#owner, repo: this.#repo, commit_sha: commitSha }),
    );
    if (!commit) throw new UnavailableError(`GitHub lists ${this.name} at ${commitSha} but has no such commit`);
    return { commitSha, treeSha: commit.data.tree.sha };
  }

  async commit(input: {
    tree: string;
    objects: readonly GeneratedObject[];
    message: string;
    expectedHead: string | undefined;
  }): Promise<string> {
    const current = await this.head();
    if (current?.commitSha !== input.expectedHead) {
      throw new StaleRevisionError(`the branch ${this.name} moved since ${input.expectedHead ?? 'it was read'}`);
    }
    const present = await this.#presentTrees(current);
    const byId = new Map(input.objects.map((object) => [object.sha, object]));
    // Children before parents: GitHub refuses a tree that names an object it does not have.
    const order: GeneratedObject[] = [];
    const visited = new Set<string>();
    const visit = (sha: string) => {
      if (visited.has(sha) || present.has(sha)) return;
      visited.add(sha);
      const object = byId.get(sha);
      if (!object) return; // a skill's own tree, already in the repository
      if (object.type === 'tree') for (const entry of object.entries) visit(entry.sha);
      order.push(object);
    };
    visit(input.tree);
    const { owner, repo } = { owner: this.#owner, repo: this.#repo };
    for (const object of order) {
      const created =
        object.type === 'blob'
          ? await this.#call('uploading a marketplace file', () =>
              this.#octokit.rest.git.createBlob({
                owner,
                repo,
                content: Buffer.from(object.content).toString('base64'),
                encoding: 'base64',
              }),
            )
          : await this.#call('writing a marketplace folder', () =>
              this.#octokit.rest.git.createTree({
                owner,
                repo,
                tree: object.entries.map((entry) => ({
                  path: entry.name,
                  mode: (isTreeMode(entry.mode) ? '040000' : entry.mode) as '040000',
                  type: isTreeMode(entry.mode) ? ('tree' as const) : ('blob' as const),
                  sha: entry.sha,
                })),
              }),
            );
      if (created?.data.sha !== object.sha) {
        throw new UnavailableError(`GitHub stored marketplace object ${object.sha} as ${created?.data.sha}`);
      }
    }
    const commit = await this.#call('committing the marketplaces', () =>
      this.#octokit.rest.git.createCommit({
        owner,
        repo,
        message: input.message,
        tree: input.tree,
        parents: input.expectedHead ? [input.expectedHead] : [],
      }),
    );
    const sha = commit!.data.sha;
    try {
      if (input.expectedHead) {
        await this.#octokit.rest.git.updateRef({ owner, repo, ref: `heads/${this.name}`, sha, force: false });
      } else {
        await this.#octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${this.name}`, sha });
      }
    } catch (error) {
      if (isRequestError(error) && error.status === 422) {
        throw new StaleRevisionError(`the branch ${this.name} moved since ${input.expectedHead ?? 'it was read'}`);
      }
      return this.#fail(error, 'moving the marketplace branch');
    }
    return sha;
  }

  /** The trees the branch holds at its top two levels: what a refresh need not upload again. */
  async #presentTrees(current: GeneratedBranchHead | undefined): Promise<Set<string>> {
    const present = new Set<string>();
    if (!current) return present;
    const readTree = async (sha: string) =>
      (
        await this.#call('reading the marketplace branch', () =>
          this.#octokit.rest.git.getTree({ owner: this.#owner, repo: this.#repo, tree_sha: sha }),
        )
      )?.data.tree ?? [];
    present.add(current.treeSha);
    for (const entry of await readTree(current.treeSha)) {
      if (!entry.sha) continue;
      present.add(entry.sha);
      if (entry.path === 'plugins' && entry.type === 'tree') {
        for (const plugin of await readTree(entry.sha)) if (plugin.sha) present.add(plugin.sha);
      }
    }
    return present;
  }

  async #call<T>(what: string, request: () => Promise<T>): Promise<T | undefined> {
    try {
      return await request();
    } catch (error) {
      if (isRequestError(error) && error.status === 404) return undefined;
      return this.#fail(error, what);
    }
  }

  #fail(error: unknown, what: string): never {
    if (!isRequestError(error)) throw error;
    throw new UnavailableError(
      `GitHub could not complete ${what} in ${this.#owner}/${this.#repo} (${error.status} ${error.message})`,
    );
  }
}
