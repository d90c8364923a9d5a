import { describe, expect, it } from 'vitest';
import type { ContentStore, ItemListing } from '../../domain/content/content-store.ts';
import { ConflictError, StaleRevisionError } from '../../domain/errors.ts';
import { createInMemoryDeps } from '../../testing/in-memory-deps.ts';
import { commitByHand, contentWithHooks, skillFiles, text, textFile } from '../testing/use-case-helpers.ts';
import {
  advanceOverOwnCommit,
  commitItemFolder,
  type FolderDecision,
  lastCommitOf,
  replaceFolder,
  revertFolderCommit,
} from './commit-item-folder.ts';

type Decide = (listing: ItemListing | undefined, head: string) => FolderDecision | Promise<FolderDecision>;

const FOLDER = 'skills/alice/pdf-tools';
const AUTHOR = { name: 'alice', email: 'alice@example.com' };

function setUp() {
  const deps = createInMemoryDeps();
  return { deps, content: deps.content };
}

const write = (content: ContentStore, files = skillFiles('pdf-tools'), decide: Decide = () => ({ commit: true })) =>
  commitItemFolder(content, {
    folder: FOLDER,
    changes: replaceFolder(FOLDER, files),
    message: 'Write',
    author: AUTHOR,
    decide,
  });

describe('commitItemFolder', () => {
  it('commits the changes on the current head and reports the commit, the folder tree and the parent', async () => {
    const { content } = setUp();
    const parent = await content.head();
    const written = await write(content);
    expect(written).toEqual({
      commitSha: await content.head(),
      treeSha: (await content.listItemFiles(FOLDER))?.treeSha,
      committed: true,
      parent,
    });
    const { entries } = await content.history(FOLDER, { limit: 5 });
    expect(entries.map((e) => [e.commitSha, e.message.trim(), e.author])).toEqual([
      [written.commitSha, 'Write', AUTHOR],
    ]);
  });

  it('shows `decide` the folder as it is at the head, and writes nothing when it says the change is there', async () => {
    const { content } = setUp();
    const first = await write(content);
    const head = await content.head();
    const seen: unknown[] = [];
    const again = await write(content, skillFiles('pdf-tools'), (listing, at) => {
      seen.push([listing?.treeSha, at]);
      return { commit: false, commitSha: first.commitSha };
    });
    expect(seen).toEqual([[first.treeSha, head]]);
    expect(again).toEqual({ commitSha: first.commitSha, treeSha: first.treeSha, committed: false, parent: head });
    expect(await content.head()).toBe(head);
  });

  it('writes nothing when `decide` refuses', async () => {
    const { content } = setUp();
    const head = await content.head();
    await expect(
      write(content, skillFiles('pdf-tools'), () => {
        throw new ConflictError('no');
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await content.head()).toBe(head);
  });

  it("rebases onto the new head when another item's commit moves the branch in between, keeping both", async () => {
    const { content } = setUp();
    const hooked = contentWithHooks(content);
    let other = '';
    hooked.beforeNextCommit(async () => {
      other = await commitByHand(content, 'skills/bob/other', skillFiles('other'));
    });
    const written = await write(hooked.content);
    expect(written.committed).toBe(true);
    expect(written.parent).toBe(other);
    expect((await content.listItems()).map((t) => t.folder)).toEqual(['skills/alice/pdf-tools', 'skills/bob/other']);
  });

  it('asks `decide` again on the new head, so a change to the folder itself is caught', async () => {
    const { content } = setUp();
    const hooked = contentWithHooks(content);
    hooked.beforeNextCommit(async () => {
      await commitByHand(content, FOLDER, skillFiles('pdf-tools', { script: 'echo other writer\n' }));
    });
    const decisions: (string | undefined)[] = [];
    await expect(
      write(hooked.content, skillFiles('pdf-tools'), (listing) => {
        decisions.push(listing?.treeSha);
        if (listing) throw new StaleRevisionError('the folder changed');
        return { commit: true };
      }),
    ).rejects.toBeInstanceOf(StaleRevisionError);
    expect(decisions).toHaveLength(2);
    expect(decisions[0]).toBeUndefined();
    expect(text(await content.readFile(`${FOLDER}/scripts/run.sh`))).toBe('echo other writer\n');
  });

  it('never fails because other items keep moving the branch', async () => {
    const { content } = setUp();
    const hooked = contentWithHooks(content);
    let moves = 0;
    const moveAgain = async () => {
      moves += 1;
      await commitByHand(content, `skills/bob/other-${moves}`, skillFiles(`other-${moves}`));
      hooked.beforeNextCommit(moveAgain);
    };
    hooked.beforeNextCommit(moveAgain);
    const written = await write(hooked.content);
    expect(written.committed).toBe(true);
    expect((await content.listItems()).map((t) => t.folder)).toEqual([FOLDER, 'skills/bob/other-1']);
  });

  it('gives up with StaleRevisionError when the folder itself keeps changing', async () => {
    const { content } = setUp();
    const hooked = contentWithHooks(content);
    let moves = 0;
    const moveAgain = async () => {
      moves += 1;
      await commitByHand(content, FOLDER, skillFiles('pdf-tools', { script: `echo writer ${moves}\n` }));
      hooked.beforeNextCommit(moveAgain);
    };
    hooked.beforeNextCommit(moveAgain);
    await expect(write(hooked.content)).rejects.toBeInstanceOf(StaleRevisionError);
    expect(moves).toBe(3);
    expect(text(await content.readFile(`${FOLDER}/scripts/run.sh`))).toBe('echo writer 3\n');
  });
});

describe('replaceFolder', () => {
  it('makes the folder hold exactly the files given: files not given are gone', async () => {
    const { content } = setUp();
    await write(content, [...skillFiles('pdf-tools'), textFile('old.md', 'old')]);
    await write(content, [textFile('SKILL.md', 'new')]);
    expect((await content.readItem(FOLDER))?.files.map((f) => f.path)).toEqual(['SKILL.md']);
  });
});

describe('revertFolderCommit', () => {
  const revert = (content: ContentStore, written: Awaited<ReturnType<typeof write>>) =>
    revertFolderCommit(content, { folder: FOLDER, written, message: 'Revert "Write"', author: AUTHOR });

  it('takes a new folder away again in a commit of its own, keeping what others committed since', async () => {
    const { content } = setUp();
    const written = await write(content);
    await commitByHand(content, 'skills/bob/other', skillFiles('other'));
    expect(await revert(content, written)).toBe(true);
    expect((await content.listItems()).map((t) => t.folder)).toEqual(['skills/bob/other']);
    const { entries } = await content.history(FOLDER, { limit: 5 });
    expect(entries.map((e) => e.message.trim())).toEqual(['Revert "Write"', 'Write']);
  });

  it('puts a changed folder back as it was at the parent of the commit', async () => {
    const { content } = setUp();
    const first = await write(content);
    const second = await write(content, skillFiles('pdf-tools', { script: 'echo second\n' }));
    expect(await revert(content, second)).toBe(true);
    expect((await content.listItemFiles(FOLDER))?.treeSha).toBe(first.treeSha);
    expect((await content.readItem(FOLDER))?.files).toEqual(skillFiles('pdf-tools'));
  });

  it('leaves alone a folder that changed again since, and a commit that was never made', async () => {
    const { content } = setUp();
    const written = await write(content);
    await commitByHand(content, FOLDER, skillFiles('pdf-tools', { script: 'echo later\n' }));
    const head = await content.head();
    expect(await revert(content, written)).toBe(false);
    expect(await revert(content, { ...written, committed: false })).toBe(false);
    expect(await content.head()).toBe(head);
  });
});

describe('lastCommitOf', () => {
  it('names the commit that last changed the folder, not a later commit elsewhere', async () => {
    const { content } = setUp();
    const written = await write(content);
    await commitByHand(content, 'skills/bob/other', skillFiles('other'));
    expect(await lastCommitOf(content, FOLDER)).toBe(written.commitSha);
  });

  it('falls back to the head for a folder git never held', async () => {
    const { content } = setUp();
    expect(await lastCommitOf(content, 'skills/alice/never')).toBe(await content.head());
  });
});

describe('advanceOverOwnCommit', () => {
  it('moves the synced commit over a commit whose parent was synced', async () => {
    const { deps } = setUp();
    const parent = await deps.content.head();
    await deps.db.sync.advance(null, parent, new Date());
    const written = await write(deps.content);
    await deps.db.transaction((tx) => advanceOverOwnCommit(tx, written, new Date()));
    expect((await deps.db.sync.getState()).lastSyncedSha).toBe(written.commitSha);
  });

  it('leaves the synced commit alone when sync is elsewhere, or when nothing was committed', async () => {
    const { deps } = setUp();
    const start = await deps.content.head();
    const written = await write(deps.content);
    await deps.db.transaction((tx) => advanceOverOwnCommit(tx, written, new Date()));
    expect((await deps.db.sync.getState()).lastSyncedSha).toBeNull();

    await deps.db.sync.advance(null, start, new Date());
    await deps.db.transaction((tx) =>
      advanceOverOwnCommit(tx, { ...written, committed: false, parent: start }, new Date()),
    );
    expect((await deps.db.sync.getState()).lastSyncedSha).toBe(start);
  });
});
