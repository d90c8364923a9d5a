import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  contentStoreContract,
  FIXTURE_FILES,
  FIXTURE_FOLDER,
  FIXTURE_TREE_SHA,
  fixtureChanges,
  writeChange,
} from '../../domain/content/content-store.contract.ts';
import type { ContentStore } from '../../domain/content/content-store.ts';
import { EMPTY_TREE_SHA } from '../../domain/content/tree-id.ts';
import { StaleRevisionError, UnavailableError, ValidationError } from '../../domain/errors.ts';
import { LocalGitContentStore } from './local-git-content-store.ts';

const roots: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-content-'));
  roots.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

function git(args: string[], options: { cwd?: string; input?: string | Uint8Array } = {}): string {
  return execFileSync('git', ['-c', 'user.name=Grace Hopper', '-c', 'user.email=grace@example.com', ...args], {
    cwd: options.cwd,
    input: options.input,
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
    .toString()
    .trim();
}

const AUTHOR = { name: 'Ada Lovelace', email: 'ada@example.com' };
async function commit(
  store: ContentStore,
  changes: Parameters<ContentStore['commit']>[0]['changes'],
  message = 'Change',
) {
  return store.commit({ changes, message, author: AUTHOR, expectedHead: await store.head() });
}

function looseObjects(gitdir: string): Set<string> {
  const found = new Set<string>();
  for (const prefix of readdirSync(join(gitdir, 'objects'))) {
    if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
    for (const rest of readdirSync(join(gitdir, 'objects', prefix))) found.add(prefix + rest);
  }
  return found;
}

contentStoreContract('local git', async () => LocalGitContentStore.open(join(tempDir(), 'content.git')));

describe('LocalGitContentStore', () => {
  it('computes the fixture tree SHA exactly as system git does with hash-object and mktree', () => {
    const gitdir = join(tempDir(), 'mktree.git');
    git(['init', '--bare', '-q', gitdir]);
    type Folder = { files: string[]; folders: Map<string, Folder> };
    const root: Folder = { files: [], folders: new Map() };
    for (const file of FIXTURE_FILES) {
      const segments = file.path.split('/');
      let folder = root;
      for (const segment of segments.slice(0, -1)) {
        if (!folder.folders.has(segment)) folder.folders.set(segment, { files: [], folders: new Map() });
        folder = folder.folders.get(segment)!;
      }
      const sha = git(['--git-dir', gitdir, 'hash-object', '-w', '--stdin'], { input: file.content });
      folder.files.push(`${file.executable ? '100755' : '100644'} blob ${sha}\t${segments.at(-1)}\0`);
    }
    const mktree = (folder: Folder): string => {
      const lines = [...folder.files];
      for (const [name, inner] of folder.folders) lines.push(`040000 tree ${mktree(inner)}\t${name}\0`);
      return git(['--git-dir', gitdir, 'mktree', '-z'], { input: lines.join('') });
    };
    expect(mktree(root)).toBe(FIXTURE_TREE_SHA);
  });

  it('creates a bare repository whose HEAD names the branch and holds one empty commit', async () => {
    const gitdir = join(tempDir(), 'fresh.git');
    const store = await LocalGitContentStore.open(gitdir, { branch: 'catalog' });
    expect(git(['--git-dir', gitdir, 'rev-parse', '--is-bare-repository'])).toBe('true');
    expect(git(['--git-dir', gitdir, 'symbolic-ref', 'HEAD'])).toBe('refs/heads/catalog');
    expect(git(['--git-dir', gitdir, 'log', '--format=%H', 'catalog'])).toBe(await store.head());
    expect(git(['--git-dir', gitdir, 'rev-parse', 'catalog^{tree}'])).toBe(EMPTY_TREE_SHA);
  });

  it('reopens an existing repository with its head and content', async () => {
    const gitdir = join(tempDir(), 'again.git');
    const first = await LocalGitContentStore.open(gitdir);
    const result = await commit(first, fixtureChanges());
    const second = await LocalGitContentStore.open(gitdir);
    expect(await second.head()).toBe(result.commitSha);
    expect((await second.readItem(FIXTURE_FOLDER))?.treeSha).toBe(FIXTURE_TREE_SHA);
  });

  it('is an ordinary repository that system git clones with the same bytes and executable bits', async () => {
    const gitdir = join(tempDir(), 'origin.git');
    const store = await LocalGitContentStore.open(gitdir);
    await commit(store, fixtureChanges());
    expect(() => git(['--git-dir', gitdir, 'fsck', '--strict', '--no-dangling'])).not.toThrow();
    const clone = join(tempDir(), 'clone');
    git(['clone', '-q', gitdir, clone]);
    for (const file of FIXTURE_FILES) {
      const path = join(clone, FIXTURE_FOLDER, file.path);
      expect(Buffer.compare(readFileSync(path), file.content)).toBe(0);
      expect((statSync(path).mode & 0o111) !== 0).toBe(file.executable);
    }
    expect(git(['rev-parse', `HEAD:${FIXTURE_FOLDER}`], { cwd: clone })).toBe(FIXTURE_TREE_SHA);
  });

  it('sees a commit that system git pushes to it, and commits on top of it', async () => {
    const gitdir = join(tempDir(), 'pushed.git');
    const store = await LocalGitContentStore.open(gitdir);
    const before = await commit(store, fixtureChanges());
    const clone = join(tempDir(), 'work');
    git(['clone', '-q', gitdir, clone]);
    writeFileSync(join(clone, FIXTURE_FOLDER, 'SKILL.md'), 'edited by hand\n');
    mkdirSync(join(clone, 'mcp/ops/added'), { recursive: true });
    writeFileSync(join(clone, 'mcp/ops/added/server.json'), '{"name":"io.example/added"}\n');
    git(['add', '-A'], { cwd: clone });
    git(['commit', '-q', '-m', 'Edit by hand'], { cwd: clone });
    git(['push', '-q', 'origin', 'main'], { cwd: clone });
    const pushed = git(['rev-parse', 'HEAD'], { cwd: clone });

    expect(await store.head()).toBe(pushed);
    expect((await store.diffItems(before.commitSha, pushed)).map((diff) => [diff.folder, diff.status])).toEqual([
      ['mcp/ops/added', 'added'],
      [FIXTURE_FOLDER, 'changed'],
    ]);
    expect(new TextDecoder().decode(await store.readFile(`${FIXTURE_FOLDER}/SKILL.md`))).toBe('edited by hand\n');
    const history = await store.history(FIXTURE_FOLDER, { limit: 5 });
    expect(history.entries.map((entry) => [entry.message, entry.author.name])).toEqual([
      ['Edit by hand', 'Grace Hopper'],
      ['Change', 'Ada Lovelace'],
    ]);

    const after = await commit(store, [writeChange('tools/t/x/tool.json', '{}')]);
    git(['pull', '-q', '--ff-only'], { cwd: clone });
    expect(git(['rev-parse', 'HEAD'], { cwd: clone })).toBe(after.commitSha);
  });

  it('leaves out a symbolic link pushed by hand when reading an item, and keeps it when editing the item', async () => {
    const gitdir = join(tempDir(), 'links.git');
    const store = await LocalGitContentStore.open(gitdir);
    const clone = join(tempDir(), 'links');
    git(['clone', '-q', gitdir, clone]);
    mkdirSync(join(clone, 'skills/t/linked'), { recursive: true });
    writeFileSync(join(clone, 'skills/t/linked/SKILL.md'), 'v1\n');
    symlinkSync('SKILL.md', join(clone, 'skills/t/linked/alias.md'));
    git(['add', '-A'], { cwd: clone });
    git(['commit', '-q', '-m', 'Add a link'], { cwd: clone });
    git(['push', '-q', 'origin', 'main'], { cwd: clone });

    expect((await store.readItem('skills/t/linked'))?.files.map((file) => file.path)).toEqual(['SKILL.md']);
    expect(await store.readFile('skills/t/linked/alias.md')).toBeUndefined();
    await commit(store, [writeChange('skills/t/linked/SKILL.md', 'v2\n')]);
    git(['pull', '-q', '--ff-only'], { cwd: clone });
    expect(readlinkSync(join(clone, 'skills/t/linked/alias.md'))).toBe('SKILL.md');
    expect(readFileSync(join(clone, 'skills/t/linked/SKILL.md'), 'utf8')).toBe('v2\n');
  });

  it('reads a push large enough for git to keep it as a pack', async () => {
    const gitdir = join(tempDir(), 'packed-push.git');
    const store = await LocalGitContentStore.open(gitdir);
    const clone = join(tempDir(), 'many');
    git(['clone', '-q', gitdir, clone]);
    const folder = join(clone, 'skills/bulk/many');
    mkdirSync(folder, { recursive: true });
    for (let i = 0; i < 150; i++) writeFileSync(join(folder, `f${i}.txt`), `file ${i}\n`);
    git(['add', '-A'], { cwd: clone });
    git(['commit', '-q', '-m', 'Many files'], { cwd: clone });
    git(['push', '-q', 'origin', 'main'], { cwd: clone });
    expect(readdirSync(join(gitdir, 'objects/pack')).some((name) => name.endsWith('.pack'))).toBe(true);

    const item = await store.readItem('skills/bulk/many');
    expect(item?.files).toHaveLength(150);
    expect(new TextDecoder().decode(item?.files.find((f) => f.path === 'f42.txt')?.content)).toBe('file 42\n');
    expect(item?.treeSha).toBe(git(['rev-parse', 'HEAD:skills/bulk/many'], { cwd: clone }));
  });

  it('keeps working after git gc packs its objects and refs', async () => {
    const gitdir = join(tempDir(), 'gc.git');
    const store = await LocalGitContentStore.open(gitdir);
    const first = await commit(store, fixtureChanges());
    await store.readItem(FIXTURE_FOLDER);
    git(['--git-dir', gitdir, 'gc', '-q', '--prune=now']);
    expect(readFileSync(join(gitdir, 'packed-refs'), 'utf8')).toContain('refs/heads/main');
    expect(looseObjects(gitdir).size).toBe(0);

    for (const reader of [store, await LocalGitContentStore.open(gitdir)]) {
      expect(await reader.head()).toBe(first.commitSha);
      expect((await reader.readItem(FIXTURE_FOLDER))?.files).toHaveLength(FIXTURE_FILES.length);
    }
    const second = await commit(store, [writeChange(`${FIXTURE_FOLDER}/SKILL.md`, 'after gc')]);
    expect(git(['--git-dir', gitdir, 'rev-parse', 'main'])).toBe(second.commitSha);
    expect(() => git(['--git-dir', gitdir, 'fsck', '--strict', '--no-dangling'])).not.toThrow();
  });

  it('writes only the new blobs, the trees on the path to them and the commit', async () => {
    const gitdir = join(tempDir(), 'lean.git');
    const store = await LocalGitContentStore.open(gitdir);
    await commit(
      store,
      ['a', 'b', 'c'].flatMap((name) => [
        writeChange(`skills/team/${name}/SKILL.md`, name),
        writeChange(`skills/team/${name}/docs/guide.md`, `guide ${name}`),
      ]),
    );
    await commit(store, [writeChange('tools/other/x/tool.json', '{}')]);
    const before = looseObjects(gitdir);
    await commit(store, [writeChange('skills/team/b/SKILL.md', 'b changed')]);
    const added = [...looseObjects(gitdir)].filter((sha) => !before.has(sha));
    const types = added.map((sha) => git(['--git-dir', gitdir, 'cat-file', '-t', sha])).sort();
    // The blob; the trees of skills/team/b, skills/team, skills and the root; the commit.
    expect(types).toEqual(['blob', 'commit', 'tree', 'tree', 'tree', 'tree']);
  });

  it('lets two stores over one repository, as two processes would, both commit different items', async () => {
    const gitdir = join(tempDir(), 'shared.git');
    const left = await LocalGitContentStore.open(gitdir);
    const right = await LocalGitContentStore.open(gitdir);
    const head = await left.head();
    const attempt = (store: ContentStore, folder: string) =>
      store.commit({
        changes: [writeChange(`${folder}/SKILL.md`, folder), writeChange(`${folder}/a.txt`, 'a')],
        message: folder,
        author: AUTHOR,
        expectedHead: head,
      });
    const written = await Promise.all(
      Array.from({ length: 6 }, (_, i) => attempt(i % 2 ? right : left, `skills/t/item-${i}`)),
    );
    const tip = git(['--git-dir', gitdir, 'rev-parse', 'main']);
    expect(await right.head()).toBe(tip);
    expect(git(['--git-dir', gitdir, 'rev-list', '--count', 'main'])).toBe('7');
    expect(written.map((w) => w.commitSha)).toContain(tip);
    expect((await left.listItems()).map((item) => item.folder)).toEqual(
      Array.from({ length: 6 }, (_, i) => `skills/t/item-${i}`),
    );
  });

  it('lets exactly one of two stores over one repository create the same item', async () => {
    const gitdir = join(tempDir(), 'same.git');
    const left = await LocalGitContentStore.open(gitdir);
    const right = await LocalGitContentStore.open(gitdir);
    const head = await left.head();
    const attempt = (store: ContentStore, side: string) =>
      store.commit({
        changes: [writeChange('skills/t/same/SKILL.md', side)],
        message: side,
        author: AUTHOR,
        expectedHead: head,
      });
    const results = await Promise.allSettled([attempt(left, 'left'), attempt(right, 'right')]);
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(won).toHaveLength(1);
    expect(lost[0]).toBeInstanceOf(StaleRevisionError);
    expect(git(['--git-dir', gitdir, 'rev-parse', 'main'])).toBe(won[0]?.commitSha);
  });

  it('waits for a lock another process holds on the branch, then commits', async () => {
    const gitdir = join(tempDir(), 'locked.git');
    const store = await LocalGitContentStore.open(gitdir);
    const lock = join(gitdir, 'refs/heads/main.lock');
    writeFileSync(lock, '');
    let settled = false;
    const pending = commit(store, [writeChange('skills/t/wait/SKILL.md', 'x')]).finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(settled).toBe(false);
    rmSync(lock);
    const result = await pending;
    expect(await store.head()).toBe(result.commitSha);
  });

  it('gives up with UnavailableError when the lock is not released in time, leaving the lock alone', async () => {
    const gitdir = join(tempDir(), 'stuck.git');
    const store = await LocalGitContentStore.open(gitdir, { lockTimeoutMs: 100 });
    const head = await store.head();
    const lock = join(gitdir, 'refs/heads/main.lock');
    writeFileSync(lock, '');
    await expect(commit(store, [writeChange('skills/t/stuck/SKILL.md', 'x')])).rejects.toBeInstanceOf(UnavailableError);
    expect(statSync(lock).isFile()).toBe(true);
    rmSync(lock);
    expect(await store.head()).toBe(head);
  });

  it('refuses a branch name git cannot hold', async () => {
    await expect(LocalGitContentStore.open(join(tempDir(), 'x.git'), { branch: 'a..b' })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
