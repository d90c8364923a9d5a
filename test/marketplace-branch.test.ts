/**
 * The marketplace branch of a local content repository: the worker writes the three marketplace files and one plugin
 * folder per namespace (the skills' own trees) in one commit on a branch of its own, from org-visible skills only;
 * nothing changed is no commit; a burst of publishes is one commit; a publish never waits for it; and stock git
 * clones the branch with every skill byte for byte.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalGitContentStore } from '../src/adapters/git/local-git-content-store.ts';
import { LocalGitGeneratedBranch } from '../src/adapters/git/local-git-generated-branch.ts';
import { InMemoryDatabase } from '../src/adapters/memory/in-memory-database.ts';
import type { AtlasDeps } from '../src/application/deps.ts';
import { refreshMarketplaceBranch } from '../src/application/marketplaces/refresh-marketplace-branch.ts';
import { assembleDeps } from '../src/composition-root.ts';
import { loadConfig } from '../src/config.ts';
import { type AtlasApp, buildApp } from '../src/entrypoints/http/app.ts';
import {
  type MarketplaceBranchRuntime,
  startMarketplaceBranchRuntime,
} from '../src/entrypoints/worker/marketplace-branch-runtime.ts';
import { startSyncRuntime } from '../src/entrypoints/worker/sync-runtime.ts';
import { CHEAP_ARGON2 } from '../src/testing/in-memory-deps.ts';
import { binaryFile, skillMd, textFile } from './support/catalog-helpers.ts';
import { client, register } from './support/http.ts';

const run = promisify(execFile);
const BRANCH = 'atlas-marketplace';
const IDENTITY = { name: 'atlas', owner: 'Atlas', origin: 'acme/skills' };
const WAVE = new Uint8Array([0x52, 0x49, 0x46, 0x46, 0x00, 0xff, 0x10, 0x80]);
const quiet = { info: () => undefined, warn: () => undefined };

describe('the marketplace branch', () => {
  let scratch: string;
  let gitdir: string;
  let deps: AtlasDeps;
  let branch: LocalGitGeneratedBranch;
  let app: AtlasApp;
  let tokens: { alice: string; bob: string };
  let runtime: MarketplaceBranchRuntime | undefined;

  const git = (args: string[], cwd = gitdir) =>
    run('git', args, {
      cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: scratch, GIT_CONFIG_NOSYSTEM: '1' },
    });
  const show = async (path: string) => (await git(['show', `${BRANCH}:${path}`])).stdout;
  const commits = async () => Number((await git(['rev-list', '--count', BRANCH])).stdout.trim());
  const publish = async (namespace: string, files: unknown[], token: string, visibility?: 'team') => {
    const res = await client(app).post(
      '/api/v1/items',
      { namespace, files, ...(visibility ? { visibility } : {}) },
      token,
    );
    if (res.status !== 201) throw new Error(`${res.status} ${res.raw}`);
  };

  beforeEach(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'atlas-branch-'));
    gitdir = join(scratch, 'content.git');
    const content = await LocalGitContentStore.open(gitdir);
    branch = new LocalGitGeneratedBranch(gitdir, BRANCH);
    deps = {
      ...assembleDeps(
        new InMemoryDatabase(),
        content,
        { authz: 'rbac', publicRead: false, registration: 'open' },
        { argon2: CHEAP_ARGON2 },
      ),
      marketplaceBranch: branch,
    };
    app = await buildApp(deps);
    await register(app, 'siteadmin');
    tokens = { alice: await register(app, 'alice'), bob: await register(app, 'bob') };
    const created = await client(app).post('/api/v1/teams', { slug: 'data', name: 'Data' }, tokens.bob);
    expect(created.status).toBe(201);
    await publish(
      'alice',
      [
        textFile('SKILL.md', skillMd('audio', 'Cut audio files.')),
        binaryFile('assets/tone.wav', WAVE),
        textFile('bin/cut', '#!/bin/sh\nexit 0\n', true),
      ],
      tokens.alice,
    );
    await publish('alice', [textFile('SKILL.md', skillMd('journal', 'A private journal.'))], tokens.alice, 'team');
    await publish('data', [textFile('SKILL.md', skillMd('plots', 'Plot data.'))], tokens.bob);
    await publish('data', [textFile('SKILL.md', skillMd('payroll', 'Private payroll.'))], tokens.bob, 'team');
  });

  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    await app.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('commits the three marketplace files and a plugin folder per namespace, org-visible skills only', async () => {
    const contentHead = await deps.content.head();
    const result = await refreshMarketplaceBranch(deps, branch, IDENTITY);
    expect(result).toMatchObject({ changed: true, plugins: 2, skills: 2 });
    expect((await git(['rev-parse', BRANCH])).stdout.trim()).toBe(result.commitSha);
    // The content branch is left alone.
    expect(await deps.content.head()).toBe(contentHead);
    const claude = JSON.parse(await show('.claude-plugin/marketplace.json'));
    expect(claude.plugins).toEqual([
      expect.objectContaining({ name: 'alice', source: './plugins/alice', strict: false }),
      expect.objectContaining({ name: 'data', source: './plugins/data', strict: false }),
    ]);
    const codex = JSON.parse(await show('.agents/plugins/marketplace.json'));
    expect(codex.plugins[0]).toMatchObject({ name: 'alice', source: { source: 'local', path: './plugins/alice' } });
    const cursor = JSON.parse(await show('.cursor-plugin/marketplace.json'));
    expect(cursor.plugins.map((plugin: { source: string }) => plugin.source)).toEqual([
      './plugins/alice',
      './plugins/data',
    ]);
    const paths = (await git(['ls-tree', '-r', '--name-only', BRANCH])).stdout.trim().split('\n');
    expect(paths.sort()).toEqual([
      '.agents/plugins/marketplace.json',
      '.claude-plugin/marketplace.json',
      '.cursor-plugin/marketplace.json',
      'plugins/alice/.codex-plugin/plugin.json',
      'plugins/alice/.cursor-plugin/plugin.json',
      'plugins/alice/skills/audio/SKILL.md',
      'plugins/alice/skills/audio/assets/tone.wav',
      'plugins/alice/skills/audio/bin/cut',
      'plugins/data/.codex-plugin/plugin.json',
      'plugins/data/.cursor-plugin/plugin.json',
      'plugins/data/skills/plots/SKILL.md',
    ]);
    // The skills' folders are the content branch's own trees.
    const own = (await git(['rev-parse', 'main:skills/alice/audio'])).stdout.trim();
    expect((await git(['rev-parse', `${BRANCH}:plugins/alice/skills/audio`])).stdout.trim()).toBe(own);
    await git(['fsck', '--strict']);

    const clone = join(scratch, 'clone');
    await git(['clone', '--quiet', '--branch', BRANCH, gitdir, clone], scratch);
    expect(readFileSync(join(clone, 'plugins/alice/skills/audio/assets/tone.wav')).equals(Buffer.from(WAVE))).toBe(
      true,
    );
    expect(statSync(join(clone, 'plugins/alice/skills/audio/bin/cut')).mode & 0o111).not.toBe(0);
  });

  it('commits nothing when nothing changed, and one commit on top when something did', async () => {
    const first = await refreshMarketplaceBranch(deps, branch, IDENTITY);
    const again = await refreshMarketplaceBranch(deps, branch, IDENTITY);
    expect(again).toMatchObject({ changed: false, commitSha: first.commitSha });
    expect(await commits()).toBe(1);
    await publish('data', [textFile('SKILL.md', skillMd('maps', 'Draw maps.'))], tokens.bob);
    const third = await refreshMarketplaceBranch(deps, branch, IDENTITY);
    expect(third.changed).toBe(true);
    expect((await git(['rev-parse', `${BRANCH}^`])).stdout.trim()).toBe(first.commitSha);
    expect(await show('plugins/data/skills/maps/SKILL.md')).toBe(skillMd('maps', 'Draw maps.'));
    // A team-only publish changes what members see, not the branch.
    await publish('data', [textFile('SKILL.md', skillMd('budget', 'Private budget.'))], tokens.bob, 'team');
    expect((await refreshMarketplaceBranch(deps, branch, IDENTITY)).changed).toBe(false);
    expect(await commits()).toBe(2);
  });

  it('writes a burst of publishes as one commit, and skips the check when the catalog did not move', async () => {
    runtime = startMarketplaceBranchRuntime(deps, branch, {
      log: quiet,
      identity: IDENTITY,
      checkMs: 50,
      quietMs: 400,
    });
    await waitFor(async () => (await branch.head()) !== undefined);
    expect(await commits()).toBe(1);
    for (const name of ['one', 'two', 'three', 'four', 'five', 'six']) {
      await publish('alice', [textFile('SKILL.md', skillMd(name, `Skill ${name}.`))], tokens.alice);
    }
    await waitFor(async () =>
      (await git(['ls-tree', '--name-only', `${BRANCH}:plugins/alice/skills`])).stdout.includes('six'),
    );
    // Six publishes in a burst: one commit (two at most, if a check fell inside the burst's first quiet period).
    expect(await commits()).toBeLessThanOrEqual(3);
    expect(await commits()).toBeGreaterThanOrEqual(2);
    const settled = await commits();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await commits()).toBe(settled);
    expect(await runtime.refreshNow()).toBeUndefined();
  });

  it('never makes a publish wait: a publish succeeds while the branch is locked, and the branch catches up', async () => {
    await refreshMarketplaceBranch(deps, branch, IDENTITY);
    const lock = join(gitdir, 'refs', 'heads', `${BRANCH}.lock`);
    writeFileSync(lock, '');
    runtime = startMarketplaceBranchRuntime(deps, branch, { log: quiet, identity: IDENTITY, checkMs: 50, quietMs: 50 });
    const started = Date.now();
    await publish('alice', [textFile('SKILL.md', skillMd('video', 'Cut video.'))], tokens.alice);
    expect(Date.now() - started).toBeLessThan(5000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await git(['ls-tree', '--name-only', `${BRANCH}:plugins/alice/skills`])).stdout).not.toContain('video');
    rmSync(lock);
    await waitFor(async () =>
      (await git(['ls-tree', '--name-only', `${BRANCH}:plugins/alice/skills`])).stdout.includes('video'),
    );
  });

  it('is kept by the sync runtime of atlas serve and atlas worker when the deps carry the branch', async () => {
    const sync = startSyncRuntime(deps, { log: { ...quiet, error: () => undefined }, poll: false, idleMs: 50 });
    try {
      // The runtime's own timing: a check every 5 s, 2 s of quiet.
      await waitFor(async () => (await branch.head()) !== undefined, 20_000);
      expect(await show('plugins/alice/skills/audio/SKILL.md')).toBe(skillMd('audio', 'Cut audio files.'));
    } finally {
      await sync.stop();
    }
  }, 30_000);

  it('is off unless ATLAS_MARKETPLACE_COMMIT is set, on atlas-marketplace or the branch named', () => {
    expect(loadConfig({}).marketplaceBranch).toBeNull();
    expect(loadConfig({ ATLAS_MARKETPLACE_COMMIT: 'true' }).marketplaceBranch).toBe('atlas-marketplace');
    expect(
      loadConfig({ ATLAS_MARKETPLACE_COMMIT: 'true', ATLAS_MARKETPLACE_BRANCH: 'plugins' }).marketplaceBranch,
    ).toBe('plugins');
    expect(() => loadConfig({ ATLAS_MARKETPLACE_COMMIT: 'true', ATLAS_MARKETPLACE_BRANCH: 'main' })).toThrow(
      /ATLAS_MARKETPLACE_BRANCH: must not be the content branch/,
    );
    expect(() => loadConfig({ ATLAS_MARKETPLACE_COMMIT: 'maybe' })).toThrow(/ATLAS_MARKETPLACE_COMMIT/);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not there yet
    }
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
