import type { ItemDiff, ItemListing, ItemSnapshot, ItemTree } from '../../domain/content/content-store.ts';
import { requireItemFolder, requireRepositoryPath } from '../../domain/content/validate-changes.ts';
import {
  diffItemFolders,
  type GitCommitInfo,
  type GitObjectSource,
  listItemFolders,
  readFileAt,
  readItemListing,
  readItemSnapshot,
} from './git-objects.ts';

/** Resolves a commit SHA (the head when absent) to the commit; NotFoundError for one the store lacks. */
export type CommitResolver = (at: string | undefined) => Promise<[string, GitCommitInfo]> | [string, GitCommitInfo];

/**
 * The reading half of a ContentStore, the same over any source of git objects: every store checks
 * its arguments, resolves the commit, and walks the trees the same way. Only where the objects come
 * from (memory, a bare repository, GitHub's API) differs.
 */
export class GitTreeReads {
  constructor(
    private readonly objects: GitObjectSource,
    private readonly commitAt: CommitResolver,
  ) {}

  async readItem(folder: string, at?: string): Promise<ItemSnapshot | undefined> {
    requireItemFolder(folder);
    const [sha, commit] = await this.commitAt(at);
    return readItemSnapshot(this.objects, sha, commit.tree, folder);
  }

  async listItemFiles(folder: string, at?: string): Promise<ItemListing | undefined> {
    requireItemFolder(folder);
    const [sha, commit] = await this.commitAt(at);
    return readItemListing(this.objects, sha, commit.tree, folder);
  }

  async readFile(path: string, at?: string): Promise<Uint8Array | undefined> {
    requireRepositoryPath(path);
    const [, commit] = await this.commitAt(at);
    return readFileAt(this.objects, commit.tree, path);
  }

  async listItems(at?: string): Promise<ItemTree[]> {
    const [, commit] = await this.commitAt(at);
    return listItemFolders(this.objects, commit.tree);
  }

  async diffItems(from: string, to: string): Promise<ItemDiff[]> {
    const [[, before], [, after]] = await Promise.all([this.commitAt(from), this.commitAt(to)]);
    return diffItemFolders(this.objects, before.tree, after.tree);
  }
}
