import { mkdirSync, openSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { dirname } from 'node:path';
import { readCommit } from 'isomorphic-git';
import type { GeneratedBranch, GeneratedBranchHead, GeneratedObject } from '../../domain/content/generated-branch.ts';
import { encodeTree } from '../../domain/content/tree-id.ts';
import { StaleRevisionError, ValidationError } from '../../domain/errors.ts';
import { branchRefPath, readBranchRef, swapRefUnderLock } from './branch-ref.ts';
import { commitMessage, encodeCommit } from './git-objects.ts';
import { LooseObjectWriter } from './loose-object-writer.ts';

const AUTHOR = { name: 'Atlas', email: 'atlas@localhost' };

/**
 * A generated branch of the local bare content repository: loose objects written as the content store writes them,
 * and the ref moved under git's own lock file (`refs/heads/<name>.lock`), so git and other Atlas processes never
 * move it over each other.
 */
export class LocalGitGeneratedBranch implements GeneratedBranch {
  readonly name: string;
  readonly #gitdir: string;
  readonly #writer: LooseObjectWriter;
  readonly #cache = {};

  constructor(gitdir: string, name: string) {
    if (!/^(?!.*\.\.)(?!.*\/\/)(?!\/)(?!.*\/$)(?!.*\.lock(?:\/|$))[A-Za-z0-9._/-]+$/.test(name)) {
      throw new ValidationError({ path: 'branch', message: 'must be a simple git branch name' });
    }
    this.name = name;
    this.#gitdir = gitdir;
    this.#writer = new LooseObjectWriter(gitdir);
  }

  async head(): Promise<GeneratedBranchHead | undefined> {
    const commitSha = this.#readRef();
    if (!commitSha) return undefined;
    const { commit } = await readCommit({ fs: fsp, gitdir: this.#gitdir, oid: commitSha, cache: this.#cache });
    return { commitSha, treeSha: commit.tree };
  }

  async commit(input: {
    tree: string;
    objects: readonly GeneratedObject[];
    message: string;
    expectedHead: string | undefined;
  }): Promise<string> {
    for (const object of input.objects) {
      const sha =
        object.type === 'blob'
          ? this.#writer.writeSync('blob', object.content)
          : this.#writer.writeSync('tree', encodeTree(object.entries));
      if (sha !== object.sha) throw new Error(`generated object ${object.sha} hashes to ${sha}`);
    }
    const signature = { ...AUTHOR, timestamp: Math.floor(Date.now() / 1000), timezoneOffset: 0 };
    const commitSha = this.#writer.writeSync(
      'commit',
      encodeCommit({
        tree: input.tree,
        parents: input.expectedHead ? [input.expectedHead] : [],
        author: signature,
        committer: signature,
        message: commitMessage(input.message),
      }),
    );
    const lockPath = `${this.#refPath}.lock`;
    mkdirSync(dirname(lockPath), { recursive: true });
    let lock: number;
    try {
      // O_CREAT | O_EXCL: one writer at a time, in any process, as git itself locks a ref.
      lock = openSync(lockPath, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new StaleRevisionError(`another writer holds ${lockPath}`);
      }
      throw error;
    }
    await swapRefUnderLock(lock, this.#refPath, () => {
      if (this.#readRef() !== input.expectedHead) {
        throw new StaleRevisionError(`the branch ${this.name} moved since ${input.expectedHead ?? 'it was read'}`);
      }
      return { sha: commitSha };
    });
    return commitSha;
  }

  get #refPath(): string {
    return branchRefPath(this.#gitdir, this.name);
  }

  #readRef(): string | undefined {
    return readBranchRef(this.#gitdir, this.name);
  }
}
