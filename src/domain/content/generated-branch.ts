import type { GitTreeEntry } from './tree-id.ts';

/** An object to store before a commit names it: a file, or a folder by its entries. */
export type GeneratedObject =
  | { readonly type: 'blob'; readonly sha: string; readonly content: Uint8Array }
  | { readonly type: 'tree'; readonly sha: string; readonly entries: readonly GitTreeEntry[] };

export interface GeneratedBranchHead {
  readonly commitSha: string;
  readonly treeSha: string;
}

/**
 * A branch of the content repository that Atlas writes whole from generated files (the plugin marketplaces), beside
 * the content branch and never merged into it. Its trees may name the content branch's trees by id: they are
 * objects of the same repository.
 */
export interface GeneratedBranch {
  /** The branch's name, e.g. `atlas-marketplace`. */
  readonly name: string;
  /** Where the branch points now; undefined while it does not exist. */
  head(): Promise<GeneratedBranchHead | undefined>;
  /**
   * Stores the objects the repository lacks, makes one commit of `tree` on top of `expectedHead` (a root commit when
   * undefined) and moves the branch to it.
   * @throws StaleRevisionError when the branch is no longer at `expectedHead`.
   */
  commit(input: {
    readonly tree: string;
    readonly objects: readonly GeneratedObject[];
    readonly message: string;
    readonly expectedHead: string | undefined;
  }): Promise<string>;
}
