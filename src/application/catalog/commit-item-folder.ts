import type {
  ContentAuthor,
  ContentStore,
  FileChange,
  ItemFile,
  ItemListing,
} from '../../domain/content/content-store.ts';
import { StaleRevisionError } from '../../domain/errors.ts';

export interface FolderCommit {
  readonly commitSha: string;
  readonly treeSha: string | null;
  /** False when the folder already was as wanted and nothing was written. */
  readonly committed: boolean;
  /** The head the commit was built on: the one `decide` saw, or a later one the store rebased it onto. */
  readonly parent: string;
}

/**
 * Moves the catalog's synced commit over Atlas's own commit, in the transaction that records it, so
 * sync need not read it again. Only when the catalog was synced up to its parent (compare-and-swap);
 * otherwise sync will pass over it later and find the item already recorded.
 */
export async function advanceOverOwnCommit(
  tx: { sync: { advance(expected: string | null, next: string, at: Date): Promise<boolean> } },
  written: FolderCommit,
  at: Date,
): Promise<void> {
  if (written.committed) await tx.sync.advance(written.parent, written.commitSha, at);
}

/** What to do, given the item folder as it is at the head about to be built on. */
export type FolderDecision = { commit: true } | { commit: false; commitSha: string };

const ATTEMPTS = 3;

/**
 * Commits changes to one item folder on top of the branch head. The content store rebases the commit
 * itself when other items moved the branch in between, so a StaleRevisionError from it means this very
 * folder changed since `decide` looked; `decide` then sees the folder as it is now and may throw (e.g.
 * StaleRevisionError for an If-Match that no longer holds, ConflictError for a name taken meanwhile)
 * or say the change is already there.
 */
export async function commitItemFolder(
  content: ContentStore,
  input: {
    folder: string;
    changes: FileChange[];
    message: string;
    author: ContentAuthor;
    decide: (listing: ItemListing | undefined, head: string) => Promise<FolderDecision> | FolderDecision;
  },
): Promise<FolderCommit> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const head = await content.head();
    const listing = await content.listItemFiles(input.folder, head);
    const decision = await input.decide(listing, head);
    if (!decision.commit) {
      return { commitSha: decision.commitSha, treeSha: listing?.treeSha ?? null, committed: false, parent: head };
    }
    try {
      const result = await content.commit({
        changes: input.changes,
        message: input.message,
        author: input.author,
        expectedHead: head,
      });
      return {
        commitSha: result.commitSha,
        treeSha: result.trees[input.folder] ?? null,
        committed: true,
        parent: result.parent,
      };
    } catch (error) {
      if (!(error instanceof StaleRevisionError) || attempt === ATTEMPTS) throw error;
    }
  }
  throw new StaleRevisionError('the item kept changing while this change was being committed; try again');
}

/**
 * Takes back Atlas's own commit of a folder whose database write a rule refused for good after git was written (a
 * server name another item took meanwhile), so that git does not keep content the catalog refused: the folder goes
 * back to what it was at the commit's parent (or away, when it was new there), unless it changed again since.
 * A crash is not such a refusal: sync records what a crash left. Best effort: when git cannot be written now the
 * commit stays, and sync records the folder as what it then is (an item invalid for the rule, with the reason).
 * @returns whether the folder was put back.
 */
export async function revertFolderCommit(
  content: ContentStore,
  input: { folder: string; written: FolderCommit; message: string; author: ContentAuthor },
): Promise<boolean> {
  const { folder, written } = input;
  if (!written.committed) return false;
  try {
    // The parent holds the folder as it was before: a store rebases only a commit whose folders did not move.
    const before = await content.readItem(folder, written.parent);
    const reverted = await commitItemFolder(content, {
      folder,
      changes: before ? replaceFolder(folder, before.files) : [{ type: 'delete', path: folder }],
      message: input.message,
      author: input.author,
      decide: (listing, head) =>
        listing?.treeSha === written.treeSha ? { commit: true } : { commit: false, commitSha: head },
    });
    return reverted.committed;
  } catch {
    return false;
  }
}

/** The changes that make `folder` hold exactly `files`: the old folder goes, the files are written. */
export function replaceFolder(folder: string, files: readonly ItemFile[]): FileChange[] {
  return [
    { type: 'delete', path: folder },
    ...files.map((f) => ({
      type: 'write' as const,
      path: `${folder}/${f.path}`,
      content: f.content,
      executable: f.executable,
    })),
  ];
}

/** The commit that last changed a folder: where content already in git came from. */
export async function lastCommitOf(content: ContentStore, folder: string): Promise<string> {
  const { entries } = await content.history(folder, { limit: 1 });
  return entries[0]?.commitSha ?? (await content.head());
}
