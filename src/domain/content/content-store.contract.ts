import { describe, expect, it } from 'vitest';
import { NotFoundError, StaleRevisionError, TooLargeError, ValidationError } from '../errors.ts';
import type { CommitResult, ContentStore, FileChange, ItemFile } from './content-store.ts';
import { blobId, computeTreeId } from './tree-id.ts';

const text = (value: string) => new TextEncoder().encode(value);

/** Deterministic bytes (xorshift32), so that every run and every store sees the same content. */
export function pseudoRandomBytes(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** Bytes shaped like a PNG image: the signature, a header chunk, every byte value, then noise and an end chunk. */
export function pngLikeBytes(size: number): Uint8Array {
  const head = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
  const tail = [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
  const every = Array.from({ length: 256 }, (_, i) => i);
  const noise = pseudoRandomBytes(Math.max(0, size - head.length - every.length - tail.length), 0x504e47);
  return Uint8Array.from([...head, ...every, ...noise, ...tail]);
}

/** An item whose tree exercises git's entry order (`a-b.txt` < `a.txt` < `a/`), modes, unicode and binary files. */
export const FIXTURE_FOLDER = 'skills/fixtures/sample';
export const FIXTURE_FILES: readonly ItemFile[] = Object.freeze([
  {
    path: 'SKILL.md',
    content: text('---\nname: sample\ndescription: A fixture item.\n---\n# Sample\r\nWindows line\r\n'),
    executable: false,
  },
  { path: 'a-b.txt', content: text('dash\n'), executable: false },
  { path: 'a.txt', content: text('dot\n'), executable: false },
  { path: 'a/x.txt', content: text('inside a folder named a\n'), executable: false },
  { path: 'assets/logo.png', content: pngLikeBytes(4096), executable: false },
  { path: 'assets/zeros.bin', content: Uint8Array.from([0, 1, 2, 0, 0, 255, 0]), executable: false },
  { path: 'empty.txt', content: new Uint8Array(0), executable: false },
  { path: 'références/café.md', content: text('Ünïcödé ✓\n'), executable: false },
  { path: 'scripts/run.sh', content: text('#!/bin/sh\necho "hello"\n'), executable: true },
]);
/** Git's tree id of FIXTURE_FILES, computed once with the system git (`hash-object` and `mktree`). */
export const FIXTURE_TREE_SHA = '4525f7487b2e1c5af46c2ca00a76a7fb20b267c6';

const AUTHOR = { name: 'Ada Lovelace', email: 'ada@example.com' };

export function writeChange(path: string, content: string | Uint8Array, executable = false): FileChange {
  return { type: 'write', path, content: typeof content === 'string' ? text(content) : content, executable };
}

export function fixtureChanges(folder = FIXTURE_FOLDER): FileChange[] {
  return FIXTURE_FILES.map((file) => writeChange(`${folder}/${file.path}`, file.content, file.executable));
}

function sameBytes(actual: Uint8Array | undefined, expected: Uint8Array): boolean {
  if (!(actual instanceof Uint8Array) || actual.byteLength !== expected.byteLength) return false;
  return Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(
    Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength),
  );
}

/**
 * The behaviour every ContentStore shares. `open` returns a fresh store holding only its first, empty commit.
 */
export function contentStoreContract(name: string, open: () => Promise<ContentStore>): void {
  // Every test gets its own store, so the tests may run concurrently: stores that wait on I/O then overlap.
  const test = it.extend<{ store: ContentStore }>({
    // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
    store: async ({}, use) => {
      const store = await open();
      await use(store);
      await store.close?.();
    },
  });

  async function commit(store: ContentStore, changes: FileChange[], message = 'Change content'): Promise<CommitResult> {
    return store.commit({ changes, message, author: AUTHOR, expectedHead: await store.head() });
  }

  async function expectRefused(
    store: ContentStore,
    changes: FileChange[],
    error: typeof ValidationError | typeof TooLargeError,
  ): Promise<void> {
    const head = await store.head();
    const items = await store.listItems();
    await expect(store.commit({ changes, message: 'Bad', author: AUTHOR, expectedHead: head })).rejects.toBeInstanceOf(
      error,
    );
    expect(await store.head()).toBe(head);
    expect(await store.listItems()).toEqual(items);
  }

  describe.concurrent(`ContentStore contract: ${name}`, () => {
    test('starts with one empty commit and no items', async ({ store, expect }) => {
      const head = await store.head();
      expect(head).toMatch(/^[0-9a-f]{40}$/);
      expect(await store.listItems()).toEqual([]);
      expect(await store.diffItems(head, head)).toEqual([]);
    });

    test('lists an item folder without reading contents, at head and at an older commit', async ({ store, expect }) => {
      const first = await commit(store, fixtureChanges());
      const listing = await store.listItemFiles(FIXTURE_FOLDER);
      expect(listing).toEqual({
        folder: FIXTURE_FOLDER,
        treeSha: FIXTURE_TREE_SHA,
        commitSha: first.commitSha,
        files: FIXTURE_FILES.map((f) => ({ path: f.path, executable: f.executable, blobSha: blobId(f.content) })),
      });
      await commit(store, [{ type: 'delete', path: FIXTURE_FOLDER }]);
      expect(await store.listItemFiles(FIXTURE_FOLDER)).toBeUndefined();
      expect((await store.listItemFiles(FIXTURE_FOLDER, first.commitSha))?.treeSha).toBe(FIXTURE_TREE_SHA);
    });

    test('round-trips text and binary files byte for byte', async ({ store, expect }) => {
      const files = {
        'SKILL.md': text('---\nname: bytes\ndescription: Bytes.\n---\nCRLF\r\nand unicode: naïve ☃\n'),
        'data/zeros.bin': Uint8Array.from([0, 0, 0, 1, 0, 255, 254, 0]),
        'data/font.otf': Uint8Array.from([0x4f, 0x54, 0x54, 0x4f, 0, 0x0a, 0x80, 0, ...pseudoRandomBytes(3000, 7)]),
        'data/logo.png': pngLikeBytes(70_000),
        'empty.txt': new Uint8Array(0),
      };
      await commit(
        store,
        Object.entries(files).map(([path, content]) => writeChange(`skills/team/bytes/${path}`, content)),
      );
      const item = await store.readItem('skills/team/bytes');
      expect(item?.files.map((file) => file.path)).toEqual(Object.keys(files).sort());
      for (const file of item?.files ?? []) {
        expect(sameBytes(file.content, files[file.path as keyof typeof files])).toBe(true);
      }
      for (const [path, content] of Object.entries(files)) {
        expect(sameBytes(await store.readFile(`skills/team/bytes/${path}`), content)).toBe(true);
      }
    });

    test('round-trips a 5 MB file', async ({ store, expect }) => {
      const big = pseudoRandomBytes(5 * 1024 * 1024 + 7, 5);
      await commit(store, [
        writeChange('tools/team/big/tool.json', '{}'),
        writeChange('tools/team/big/model.bin', big),
      ]);
      expect(sameBytes(await store.readFile('tools/team/big/model.bin'), big)).toBe(true);
      const item = await store.readItem('tools/team/big');
      expect(sameBytes(item?.files.find((file) => file.path === 'model.bin')?.content, big)).toBe(true);
    });

    test('keeps the executable bit of each file', async ({ store, expect }) => {
      await commit(store, [
        writeChange('skills/team/exec/SKILL.md', 'skill'),
        writeChange('skills/team/exec/scripts/run.sh', '#!/bin/sh\n', true),
      ]);
      const first = await store.readItem('skills/team/exec');
      expect(first?.files.map((file) => [file.path, file.executable])).toEqual([
        ['SKILL.md', false],
        ['scripts/run.sh', true],
      ]);
      await commit(store, [writeChange('skills/team/exec/scripts/run.sh', '#!/bin/sh\n', false)]);
      const second = await store.readItem('skills/team/exec');
      expect(second?.files.find((file) => file.path === 'scripts/run.sh')?.executable).toBe(false);
      expect(second?.treeSha).not.toBe(first?.treeSha);
    });

    test('keeps unicode file names in NFC', async ({ store, expect }) => {
      const names = ['café.md', 'Ωmega.txt', '日本語/説明.md', '😀 smile.txt'];
      await commit(
        store,
        names.map((path) => writeChange(`skills/team/unicode/${path}`, path)),
      );
      const item = await store.readItem('skills/team/unicode');
      expect(item?.files.map((file) => file.path).sort()).toEqual([...names].sort());
      for (const path of item?.files.map((file) => file.path) ?? []) expect(path.normalize('NFC')).toBe(path);
      expect(new TextDecoder().decode(await store.readFile('skills/team/unicode/café.md'))).toBe('café.md');
    });

    test('gives an item folder the tree SHA git computes for its content', async ({ store, expect }) => {
      const result = await commit(store, fixtureChanges());
      expect(result.trees).toEqual({ [FIXTURE_FOLDER]: FIXTURE_TREE_SHA });
      expect(computeTreeId(FIXTURE_FILES)).toBe(FIXTURE_TREE_SHA);
      expect((await store.readItem(FIXTURE_FOLDER))?.treeSha).toBe(FIXTURE_TREE_SHA);
      expect(await store.listItems()).toEqual([{ folder: FIXTURE_FOLDER, treeSha: FIXTURE_TREE_SHA }]);
      const item = await store.readItem(FIXTURE_FOLDER);
      expect(item?.files.map((file) => [file.path, file.executable])).toEqual(
        FIXTURE_FILES.map((file) => [file.path, file.executable]),
      );
      for (const [index, file] of (item?.files ?? []).entries()) {
        expect(sameBytes(file.content, FIXTURE_FILES[index]!.content)).toBe(true);
      }
    });

    test('gives identical content identical tree SHAs in any folder and commit', async ({ store, expect }) => {
      const first = await commit(store, fixtureChanges('mcp/one/copy'));
      const second = await commit(store, fixtureChanges('tools/two/copy'));
      expect(first.trees['mcp/one/copy']).toBe(FIXTURE_TREE_SHA);
      expect(second.trees['tools/two/copy']).toBe(FIXTURE_TREE_SHA);
      await commit(store, [{ type: 'delete', path: 'mcp/one/copy' }]);
      const again = await commit(store, fixtureChanges('mcp/one/copy'));
      expect(again.trees['mcp/one/copy']).toBe(FIXTURE_TREE_SHA);
    });

    test('commits several item folders in one commit', async ({ store, expect }) => {
      const result = await commit(
        store,
        [
          writeChange('skills/alpha/one/SKILL.md', 'one'),
          writeChange('mcp/beta/two/server.json', '{"name":"two"}'),
          writeChange('tools/gamma/three/tool.json', '{"name":"three"}'),
          writeChange('tools/gamma/three/README.md', 'three'),
        ],
        'Publish three items',
      );
      expect(await store.head()).toBe(result.commitSha);
      expect(Object.keys(result.trees).sort()).toEqual(['mcp/beta/two', 'skills/alpha/one', 'tools/gamma/three']);
      for (const [folder, treeSha] of Object.entries(result.trees)) {
        const item = await store.readItem(folder, result.commitSha);
        expect(item?.treeSha).toBe(treeSha);
        expect(item?.commitSha).toBe(result.commitSha);
        const history = await store.history(folder, { limit: 10 });
        expect(history.entries.map((entry) => entry.commitSha)).toEqual([result.commitSha]);
      }
      expect((await store.readItem('tools/gamma/three'))?.files.map((file) => file.path)).toEqual([
        'README.md',
        'tool.json',
      ]);
    });

    test('replaces an item when a change set deletes its folder and writes new files', async ({ store, expect }) => {
      await commit(store, [
        writeChange('skills/team/swap/SKILL.md', 'v1'),
        writeChange('skills/team/swap/old.txt', 'old'),
        writeChange('skills/team/swap/scripts/old.sh', 'old', true),
      ]);
      const result = await commit(store, [
        { type: 'delete', path: 'skills/team/swap' },
        writeChange('skills/team/swap/SKILL.md', 'v2'),
        writeChange('skills/team/swap/new.txt', 'new'),
      ]);
      const item = await store.readItem('skills/team/swap');
      expect(item?.files.map((file) => file.path)).toEqual(['SKILL.md', 'new.txt']);
      expect(new TextDecoder().decode(item?.files[0]?.content)).toBe('v2');
      expect(result.trees['skills/team/swap']).toBe(
        computeTreeId([
          { path: 'SKILL.md', content: text('v2') },
          { path: 'new.txt', content: text('new') },
        ]),
      );
    });

    test('changes some files of an item and keeps the others', async ({ store, expect }) => {
      await commit(store, [
        writeChange('skills/team/part/SKILL.md', 'v1'),
        writeChange('skills/team/part/keep.txt', 'keep'),
        writeChange('skills/team/part/docs/drop.md', 'drop'),
      ]);
      await commit(store, [
        writeChange('skills/team/part/SKILL.md', 'v2'),
        { type: 'delete', path: 'skills/team/part/docs' },
        writeChange('skills/team/part/added.txt', 'added'),
      ]);
      const item = await store.readItem('skills/team/part');
      expect(item?.files.map((file) => [file.path, new TextDecoder().decode(file.content)])).toEqual([
        ['SKILL.md', 'v2'],
        ['added.txt', 'added'],
        ['keep.txt', 'keep'],
      ]);
    });

    test('lets a written file replace a folder of the same name, and the other way round', async ({
      store,
      expect,
    }) => {
      await commit(store, [
        writeChange('skills/team/shape/SKILL.md', 's'),
        writeChange('skills/team/shape/docs/a.md', 'a'),
      ]);
      await commit(store, [writeChange('skills/team/shape/docs', 'now a file')]);
      expect((await store.readItem('skills/team/shape'))?.files.map((file) => file.path)).toEqual(['SKILL.md', 'docs']);
      await commit(store, [writeChange('skills/team/shape/docs/b.md', 'b')]);
      expect((await store.readItem('skills/team/shape'))?.files.map((file) => file.path)).toEqual([
        'SKILL.md',
        'docs/b.md',
      ]);
    });

    test('deletes a whole item folder and keeps it readable at older commits', async ({ store, expect }) => {
      const created = await commit(store, [
        writeChange('skills/team/gone/SKILL.md', 'gone'),
        writeChange('skills/team/gone/scripts/x.sh', 'x', true),
        writeChange('skills/team/stays/SKILL.md', 'stays'),
      ]);
      const removed = await commit(store, [{ type: 'delete', path: 'skills/team/gone' }], 'Remove gone');
      expect(removed.trees).toEqual({ 'skills/team/gone': null });
      expect(await store.readItem('skills/team/gone')).toBeUndefined();
      expect(await store.readFile('skills/team/gone/SKILL.md')).toBeUndefined();
      expect((await store.listItems()).map((item) => item.folder)).toEqual(['skills/team/stays']);
      const old = await store.readItem('skills/team/gone', created.commitSha);
      expect(old?.files.map((file) => file.path)).toEqual(['SKILL.md', 'scripts/x.sh']);
    });

    test('removes an item folder when its last file is deleted', async ({ store, expect }) => {
      await commit(store, [writeChange('mcp/team/last/server.json', '{}')]);
      const result = await commit(store, [{ type: 'delete', path: 'mcp/team/last/server.json' }]);
      expect(result.trees).toEqual({ 'mcp/team/last': null });
      expect(await store.listItems()).toEqual([]);
    });

    test('treats deleting a path that does not exist as no change to the item', async ({ store, expect }) => {
      const first = await commit(store, [writeChange('skills/team/same/SKILL.md', 'same')]);
      const second = await commit(store, [
        { type: 'delete', path: 'skills/team/same/missing.txt' },
        { type: 'delete', path: 'skills/team/never' },
      ]);
      expect(second.trees).toEqual({ 'skills/team/same': first.trees['skills/team/same'], 'skills/team/never': null });
      expect(await store.listItems()).toEqual([
        { folder: 'skills/team/same', treeSha: first.trees['skills/team/same'] },
      ]);
    });

    test('lets every writer of a different item win, all on the same expected head', async ({ store, expect }) => {
      const head = await store.head();
      const folders = Array.from({ length: 20 }, (_, i) => `skills/race/item-${String(i).padStart(2, '0')}`);
      const files = (folder: string) =>
        ['SKILL.md', 'a.txt', 'scripts/b.sh'].map((f) => writeChange(`${folder}/${f}`, `${folder} ${f}`));
      const results = await Promise.all(
        folders.map((folder) =>
          store.commit({ changes: files(folder), message: `Add ${folder}`, author: AUTHOR, expectedHead: head }),
        ),
      );
      expect(new Set(results.map((r) => r.commitSha)).size).toBe(folders.length);
      expect((await store.listItems()).map((item) => item.folder)).toEqual(folders);
      for (const [index, folder] of folders.entries()) {
        expect(await store.listItems(results[index]!.commitSha)).toContainEqual({
          folder,
          treeSha: results[index]!.trees[folder],
        });
        expect(new TextDecoder().decode(await store.readFile(`${folder}/a.txt`))).toBe(`${folder} a.txt`);
      }
      // One line of history: every commit's parent is the head before it, the first on the shared head.
      const parents = new Map(results.map((r) => [r.parent, r.commitSha]));
      let at = head;
      for (let i = 0; i < folders.length; i++) at = parents.get(at)!;
      expect(at).toBe(await store.head());
    });

    test('lets exactly one of two creators of the same item win', async ({ store, expect }) => {
      const head = await store.head();
      const results = await Promise.allSettled(
        ['left', 'right'].map((side) =>
          store.commit({
            changes: [writeChange('skills/race/same/SKILL.md', side)],
            message: side,
            author: AUTHOR,
            expectedHead: head,
          }),
        ),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(StaleRevisionError);
      const winner = (won[0] as PromiseFulfilledResult<CommitResult>).value;
      expect(await store.head()).toBe(winner.commitSha);
      expect(winner.parent).toBe(head);
      expect(await store.listItems()).toEqual([
        { folder: 'skills/race/same', treeSha: winner.trees['skills/race/same'] },
      ]);
    });

    test('rebases a change onto a head that moved elsewhere, keeping both', async ({ store, expect }) => {
      const start = await store.head();
      const moved = await commit(store, [writeChange('skills/team/first/SKILL.md', 'first')]);
      const late = await store.commit({
        changes: [writeChange('skills/team/second/SKILL.md', 'second')],
        message: 'Late',
        author: AUTHOR,
        expectedHead: start,
      });
      expect(late.parent).toBe(moved.commitSha);
      expect(await store.head()).toBe(late.commitSha);
      expect((await store.listItems()).map((item) => item.folder)).toEqual(['skills/team/first', 'skills/team/second']);
      const { entries } = await store.history('skills/team/first', { limit: 5 });
      expect(entries.map((entry) => entry.commitSha)).toEqual([moved.commitSha]);
    });

    test('refuses a change to an item that changed since the expected head with StaleRevisionError', async ({
      store,
      expect,
    }) => {
      const created = await commit(store, [writeChange('skills/team/first/SKILL.md', 'first')]);
      const edited = await commit(store, [writeChange('skills/team/first/SKILL.md', 'edited')]);
      const attempt = (expectedHead: string, path = 'skills/team/first/SKILL.md') =>
        store.commit({ changes: [writeChange(path, 'late')], message: 'Late', author: AUTHOR, expectedHead });
      await expect(attempt(created.commitSha)).rejects.toBeInstanceOf(StaleRevisionError);
      await expect(attempt(created.commitSha, 'skills/team/first/other.md')).rejects.toBeInstanceOf(StaleRevisionError);
      await expect(attempt('1'.repeat(40), 'skills/team/second/SKILL.md')).rejects.toBeInstanceOf(StaleRevisionError);
      expect(await store.head()).toBe(edited.commitSha);
      expect(await store.readItem('skills/team/second')).toBeUndefined();
      expect(new TextDecoder().decode(await store.readFile('skills/team/first/SKILL.md'))).toBe('edited');
    });

    test('lists every item folder with its tree SHA, sorted by folder', async ({ store, expect }) => {
      const result = await commit(store, [
        writeChange('tools/zed/last/tool.json', '{}'),
        writeChange('skills/b-team/pdf/SKILL.md', 'pdf'),
        writeChange('skills/a-team/zip/SKILL.md', 'zip'),
        writeChange('skills/a-team/csv/SKILL.md', 'csv'),
        writeChange('mcp/ops/github/server.json', '{}'),
      ]);
      const expected = Object.entries(result.trees)
        .map(([folder, treeSha]) => ({ folder, treeSha }))
        .sort((a, b) => (a.folder < b.folder ? -1 : 1));
      expect(await store.listItems()).toEqual(expected);
      expect(expected.map((item) => item.folder)).toEqual([
        'mcp/ops/github',
        'skills/a-team/csv',
        'skills/a-team/zip',
        'skills/b-team/pdf',
        'tools/zed/last',
      ]);
    });

    test('reads items, files and listings as they were at an older commit', async ({ store, expect }) => {
      const v1 = await commit(store, [
        writeChange('skills/team/aged/SKILL.md', 'v1'),
        writeChange('skills/team/aged/x.txt', 'x'),
      ]);
      const v2 = await commit(store, [
        { type: 'delete', path: 'skills/team/aged/x.txt' },
        writeChange('skills/team/aged/SKILL.md', 'v2'),
        writeChange('skills/team/newer/SKILL.md', 'n'),
      ]);
      const old = await store.readItem('skills/team/aged', v1.commitSha);
      expect(old?.commitSha).toBe(v1.commitSha);
      expect(old?.treeSha).toBe(v1.trees['skills/team/aged']);
      expect(old?.files.map((file) => [file.path, new TextDecoder().decode(file.content)])).toEqual([
        ['SKILL.md', 'v1'],
        ['x.txt', 'x'],
      ]);
      expect(new TextDecoder().decode(await store.readFile('skills/team/aged/SKILL.md', v1.commitSha))).toBe('v1');
      expect(await store.readFile('skills/team/aged/x.txt', v2.commitSha)).toBeUndefined();
      expect((await store.listItems(v1.commitSha)).map((item) => item.folder)).toEqual(['skills/team/aged']);
      expect((await store.readItem('skills/team/aged'))?.commitSha).toBe(v2.commitSha);
    });

    test('diffs item folders across several commits, leaving unchanged folders out', async ({ store, expect }) => {
      const c0 = await store.head();
      const c1 = await commit(store, [
        writeChange('skills/team/a/SKILL.md', 'a1'),
        writeChange('skills/team/b/SKILL.md', 'b1'),
        writeChange('mcp/other/d/server.json', '{}'),
      ]);
      const c2 = await commit(store, [
        writeChange('skills/team/a/SKILL.md', 'a2'),
        writeChange('tools/more/c/tool.json', '{}'),
      ]);
      const c3 = await commit(store, [{ type: 'delete', path: 'skills/team/b' }]);
      const a1 = c1.trees['skills/team/a'];
      const a2 = c2.trees['skills/team/a'];
      const b1 = c1.trees['skills/team/b'];
      const c = c2.trees['tools/more/c'];
      expect(await store.diffItems(c1.commitSha, c3.commitSha)).toEqual([
        { folder: 'skills/team/a', status: 'changed', oldTreeSha: a1, newTreeSha: a2 },
        { folder: 'skills/team/b', status: 'removed', oldTreeSha: b1 },
        { folder: 'tools/more/c', status: 'added', newTreeSha: c },
      ]);
      expect(await store.diffItems(c3.commitSha, c1.commitSha)).toEqual([
        { folder: 'skills/team/a', status: 'changed', oldTreeSha: a2, newTreeSha: a1 },
        { folder: 'skills/team/b', status: 'added', newTreeSha: b1 },
        { folder: 'tools/more/c', status: 'removed', oldTreeSha: c },
      ]);
      expect((await store.diffItems(c0, c3.commitSha)).map((d) => [d.folder, d.status])).toEqual([
        ['mcp/other/d', 'added'],
        ['skills/team/a', 'added'],
        ['tools/more/c', 'added'],
      ]);
      expect(await store.diffItems(c2.commitSha, c3.commitSha)).toEqual([
        { folder: 'skills/team/b', status: 'removed', oldTreeSha: b1 },
      ]);
      expect(await store.diffItems(c2.commitSha, c2.commitSha)).toEqual([]);
    });

    test('pages through the history of a folder, newest first', async ({ store, expect }) => {
      const before = Date.now() - 2000;
      const folder = 'skills/team/story';
      const a1 = await commit(store, [writeChange(`${folder}/SKILL.md`, 'v1')], 'Create story');
      await commit(store, [writeChange('skills/team/other/SKILL.md', 'o1')], 'Other 1');
      const a2 = await commit(store, [writeChange(`${folder}/SKILL.md`, 'v2')], 'Story v2');
      const a3 = await commit(store, [writeChange(`${folder}/notes.md`, 'n')], 'Story notes');
      await commit(store, [writeChange('skills/team/other/SKILL.md', 'o2')], 'Other 2');
      const a4 = await commit(store, [writeChange(`${folder}/SKILL.md`, 'v4')], 'Story v4');
      const a5 = await commit(store, [{ type: 'delete', path: folder }], 'Remove story');
      const after = Date.now() + 2000;

      const page1 = await store.history(folder, { limit: 2 });
      expect(page1.entries.map((entry) => entry.commitSha)).toEqual([a5.commitSha, a4.commitSha]);
      expect(page1.entries.map((entry) => entry.treeSha)).toEqual([null, a4.trees[folder]]);
      expect(page1.nextCursor).toBeDefined();
      const page2 = await store.history(folder, { limit: 2, cursor: page1.nextCursor });
      expect(page2.entries.map((entry) => entry.commitSha)).toEqual([a3.commitSha, a2.commitSha]);
      const page3 = await store.history(folder, { limit: 2, cursor: page2.nextCursor });
      expect(page3.entries.map((entry) => entry.commitSha)).toEqual([a1.commitSha]);
      expect(page3.nextCursor).toBeUndefined();

      const all = await store.history(folder, { limit: 5 });
      expect(all.nextCursor).toBeUndefined();
      expect(all.entries.map((entry) => entry.message)).toEqual([
        'Remove story',
        'Story v4',
        'Story notes',
        'Story v2',
        'Create story',
      ]);
      expect(all.entries.map((entry) => entry.treeSha)).toEqual([
        null,
        a4.trees[folder],
        a3.trees[folder],
        a2.trees[folder],
        a1.trees[folder],
      ]);
      for (const entry of all.entries) {
        expect(entry.author).toEqual(AUTHOR);
        expect(entry.date.getTime()).toBeGreaterThanOrEqual(before);
        expect(entry.date.getTime()).toBeLessThanOrEqual(after);
      }
      expect((await store.history('skills/team/other', { limit: 10 })).entries.map((e) => e.message)).toEqual([
        'Other 2',
        'Other 1',
      ]);
      expect(await store.history('skills/team/never', { limit: 10 })).toEqual({ entries: [] });
    });

    test('answers NotFoundError for a commit the repository does not have', async ({ store, expect }) => {
      await commit(store, [writeChange('skills/team/here/SKILL.md', 'here')]);
      const head = await store.head();
      for (const unknown of ['e'.repeat(40), 'not-a-commit']) {
        await expect(store.readItem('skills/team/here', unknown)).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.readFile('skills/team/here/SKILL.md', unknown)).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.listItems(unknown)).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.diffItems(unknown, head)).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.diffItems(head, unknown)).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.history('skills/team/here', { limit: 1, cursor: unknown })).rejects.toBeInstanceOf(
          NotFoundError,
        );
      }
    });

    test('answers undefined for an absent item folder or file', async ({ store, expect }) => {
      await commit(store, [
        writeChange('skills/team/here/SKILL.md', 'here'),
        writeChange('skills/team/here/docs/a.md', 'a'),
      ]);
      expect(await store.readItem('skills/team/absent')).toBeUndefined();
      expect(await store.readItem('tools/nobody/absent')).toBeUndefined();
      expect(await store.readFile('skills/team/here/missing.md')).toBeUndefined();
      expect(await store.readFile('skills/team/here/docs')).toBeUndefined();
      expect(await store.readFile('skills/team/absent/SKILL.md')).toBeUndefined();
      expect(await store.readFile('skills/team/here/SKILL.md/deeper')).toBeUndefined();
    });

    test('refuses to read a folder that is not an item folder, or a path git cannot hold, with ValidationError', async ({
      store,
      expect,
    }) => {
      for (const folder of ['skills/team', 'skills/team/x/y', 'other/team/x', '../skills/team/x', 'skills//x']) {
        await expect(store.readItem(folder)).rejects.toBeInstanceOf(ValidationError);
        await expect(store.history(folder, { limit: 1 })).rejects.toBeInstanceOf(ValidationError);
      }
      await expect(store.readFile('../etc/passwd')).rejects.toBeInstanceOf(ValidationError);
      for (const limit of [0, 101, 1.5]) {
        await expect(store.history('skills/team/x', { limit })).rejects.toBeInstanceOf(ValidationError);
      }
    });

    const bad: [string, FileChange[]][] = [
      ['an empty change set', []],
      ['a path with ".."', [writeChange('skills/team/x/../../escape', 'x')]],
      ['an absolute path', [writeChange('/skills/team/x/SKILL.md', 'x')]],
      ['a backslash', [writeChange('skills\\team\\x\\SKILL.md', 'x')]],
      ['a ".git" segment', [writeChange('skills/team/x/.git/config', 'x')]],
      ['a name git reserves', [writeChange('skills/team/x/GIT~1/config', 'x')]],
      ['a NUL in a path', [writeChange('skills/team/x/a\0b', 'x')]],
      ['a name not in NFC', [writeChange('skills/team/x/cafe\u0301.md', 'x')]],
      ['a file at the top of the repository', [writeChange('README.md', 'x')]],
      ['a file in a namespace folder', [writeChange('skills/team/SKILL.md', 'x')]],
      ['a file outside the kind folders', [writeChange('agents/team/x/AGENT.md', 'x')]],
      ['a write onto an item folder itself', [writeChange('skills/team/x', 'x')]],
      ['a delete of a namespace folder', [{ type: 'delete', path: 'skills/team' }]],
      ['a delete of a kind folder', [{ type: 'delete', path: 'skills' }]],
      [
        'a path that is a file and a folder',
        [writeChange('skills/team/x/a', 'x'), writeChange('skills/team/x/a/b', 'y')],
      ],
      [
        'a delete inside a written file',
        [writeChange('skills/team/x/a', 'x'), { type: 'delete', path: 'skills/team/x/a/b' }],
      ],
      ['a path written twice', [writeChange('skills/team/x/a', 'x'), writeChange('skills/team/x/a', 'y')]],
      [
        'a path deleted twice',
        [
          { type: 'delete', path: 'skills/team/x' },
          { type: 'delete', path: 'skills/team/x' },
        ],
      ],
      ['a file 11 folders deep', [writeChange(`skills/team/x/${'d/'.repeat(11)}f.txt`, 'x')]],
    ];
    for (const [what, changes] of bad) {
      test(`refuses ${what} with ValidationError and leaves head unchanged`, async ({ store, expect }) => {
        await commit(store, [writeChange('skills/team/x/SKILL.md', 'before')]);
        await expectRefused(store, changes, ValidationError);
        expect(new TextDecoder().decode(await store.readFile('skills/team/x/SKILL.md'))).toBe('before');
      });
    }

    test('names every problem of a change set in one ValidationError', async ({ store, expect }) => {
      const head = await store.head();
      const error = await store
        .commit({
          changes: [writeChange('../a', 'x'), writeChange('README.md', 'x'), { type: 'delete', path: 'skills' }],
          message: '',
          author: { name: '', email: 'a<b>@example.com' },
          expectedHead: 'abc',
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).problems.map((p) => p.path).sort()).toEqual(
        ['../a', 'README.md', 'author.email', 'author.name', 'expectedHead', 'message', 'skills'].sort(),
      );
      expect(await store.head()).toBe(head);
    });

    test('refuses files and items over the size limits with TooLargeError and leaves head unchanged', async ({
      store,
    }) => {
      const eightMb = new Uint8Array(8 * 1024 * 1024);
      await expectRefused(
        store,
        [writeChange('skills/team/big/SKILL.md', new Uint8Array(10 * 1024 * 1024 + 1))],
        TooLargeError,
      );
      await expectRefused(
        store,
        [1, 2, 3, 4].map((n) => writeChange(`skills/team/big/part${n}.bin`, eightMb)),
        TooLargeError,
      );
      await expectRefused(
        store,
        Array.from({ length: 1001 }, (_, n) => writeChange(`skills/team/many/f${n}.txt`, '')),
        TooLargeError,
      );
    });

    test('returns copies that callers may change freely, and keeps none of what callers pass in', async ({
      store,
      expect,
    }) => {
      const content = text('original');
      const result = await commit(store, [{ type: 'write', path: 'skills/team/copy/SKILL.md', content }]);
      content[0] = 0;
      const item = await store.readItem('skills/team/copy');
      item!.files[0]!.content[0] = 0;
      item!.files.push({ path: 'extra', content: new Uint8Array(1), executable: false });
      const file = await store.readFile('skills/team/copy/SKILL.md');
      file![1] = 0;
      const items = await store.listItems();
      items.push({ folder: 'skills/x/y', treeSha: 'f'.repeat(40) });
      items[0]!.treeSha = '0'.repeat(40);
      const history = await store.history('skills/team/copy', { limit: 5 });
      history.entries[0]!.author.name = 'Mallory';
      history.entries.pop();

      const again = await store.readItem('skills/team/copy');
      expect(again?.files.map((f) => [f.path, new TextDecoder().decode(f.content)])).toEqual([
        ['SKILL.md', 'original'],
      ]);
      expect(new TextDecoder().decode(await store.readFile('skills/team/copy/SKILL.md'))).toBe('original');
      expect(await store.listItems()).toEqual([
        { folder: 'skills/team/copy', treeSha: result.trees['skills/team/copy'] },
      ]);
      const historyAgain = await store.history('skills/team/copy', { limit: 5 });
      expect(historyAgain.entries.map((entry) => entry.author)).toEqual([AUTHOR]);
    });
  });
}
