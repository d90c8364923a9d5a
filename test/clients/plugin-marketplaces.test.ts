/**
 * Claude Code's own command line (installed from npm at test time into a temporary prefix, pinned, never a
 * dependency of this project) reads the plugin marketplaces Atlas serves and commits: `claude plugin validate
 * --strict` accepts the served `claude-code.json` and the marketplace branch, and refuses a broken copy (so the
 * check is real); `claude plugin marketplace add <atlas url>/marketplaces/claude-code.json` then `claude plugin
 * install` clones the plugin from Atlas with git (a shallow clone over the smart HTTP protocol, pinned to the
 * commit) and installs the skills byte for byte, without the team-only one; the branch, added from a clone, does the
 * same. Codex (`codex plugin marketplace add` of a folder holding the served `codex.json`, then `codex plugin add`)
 * installs the same plugin from Atlas, and reads the branch's `codex.json`. Everything runs offline against a
 * listening Atlas.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalGitContentStore } from '../../src/adapters/git/local-git-content-store.ts';
import { LocalGitGeneratedBranch } from '../../src/adapters/git/local-git-generated-branch.ts';
import { InMemoryDatabase } from '../../src/adapters/memory/in-memory-database.ts';
import type { AtlasDeps } from '../../src/application/deps.ts';
import { refreshMarketplaceBranch } from '../../src/application/marketplaces/refresh-marketplace-branch.ts';
import { assembleDeps } from '../../src/composition-root.ts';
import { type AtlasApp, buildApp } from '../../src/entrypoints/http/app.ts';
import { CHEAP_ARGON2 } from '../../src/testing/in-memory-deps.ts';
import { installAgentClis } from './support/agent-clis.ts';

const run = promisify(execFile);
const PASSWORD = 'a long test passphrase';

const SPECTRUM = Buffer.from([0x00, 0x10, 0x80, 0xff, 0xfe, 0x7f, 0x0d, 0x0a, 0x1a]);
const SKILL: Record<string, Buffer> = {
  'SKILL.md': Buffer.from(
    '---\nname: spectra\ndescription: Read spectrometer exports.\n---\n# Spectra\n\nRun tool.sh.\n',
  ),
  'tool.sh': Buffer.from('#!/bin/sh\necho "spectra"\n'),
  'data/sample.bin': SPECTRUM,
};
const PRIVATE = Buffer.from('---\nname: lab-notes\ndescription: Private lab notes.\n---\n# Notes\n');

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Every file under a folder but `.git` and Claude Code's own markers, by path relative to it. */
function filesUnder(root: string): Record<string, Buffer> {
  const found: Record<string, Buffer> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === '.git' || name === '.in_use') continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else found[relative(root, path)] = readFileSync(path);
    }
  };
  walk(root);
  return found;
}

describe('Claude Code and Codex read the plugin marketplaces Atlas serves and commits', () => {
  let scratch: string;
  let prefix: string;
  let unreachable: string | undefined;
  let app: AtlasApp;
  let deps: AtlasDeps;
  let url: string;
  let home: string;

  const claude = (args: string[], cwd = scratch) => client('claude', args, cwd);
  const client = (program: string, args: string[], cwd = scratch) =>
    new Promise<Result>((resolve) => {
      const child = spawn(join(prefix, 'bin', program), args, {
        cwd,
        env: {
          PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}:/usr/bin:/bin`,
          HOME: home,
          NO_COLOR: '1',
          GIT_TERMINAL_PROMPT: '0',
          GIT_CONFIG_NOSYSTEM: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
      });
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      child.on('error', (error) => resolve({ code: -1, stdout, stderr: `${stderr}${error.message}` }));
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });

  const post = async (path: string, body: unknown, token?: string) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { token: string };
  };
  const skip = (context: { skip(): void }) => {
    if (!unreachable) return;
    console.warn(`skipped: npm is unreachable, so the clients cannot be installed (${unreachable})`);
    context.skip();
  };

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'atlas-marketplace-clients-'));
    const clis = await installAgentClis();
    if ('unreachable' in clis) {
      unreachable = clis.unreachable;
      return;
    }
    prefix = clis.prefix;

    const gitdir = join(scratch, 'content.git');
    deps = {
      ...assembleDeps(
        new InMemoryDatabase(),
        await LocalGitContentStore.open(gitdir),
        { authz: 'rbac', publicRead: true, registration: 'open' },
        { argon2: CHEAP_ARGON2 },
      ),
      marketplaceBranch: new LocalGitGeneratedBranch(gitdir, 'atlas-marketplace'),
    };
    app = await buildApp(deps);
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    await post('/api/v1/auth/register', { email: 'admin@example.com', username: 'siteadmin', password: PASSWORD });
    const { token } = await post('/api/v1/auth/register', {
      email: 'lin@example.com',
      username: 'lin',
      password: PASSWORD,
    });
    const files = Object.entries(SKILL).map(([path, content]) => ({
      path,
      content: content.toString('base64'),
      encoding: 'base64',
      ...(path === 'tool.sh' ? { executable: true } : {}),
    }));
    await post('/api/v1/items', { namespace: 'lin', files }, token);
    await post(
      '/api/v1/items',
      { namespace: 'lin', files: [{ path: 'SKILL.md', content: PRIVATE.toString() }], visibility: 'team' },
      token,
    );
  }, 900_000);

  afterAll(async () => {
    await app?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  beforeEach(() => {
    home = mkdtempSync(join(scratch, 'home-'));
  });

  it('validates the served claude-code.json with --strict, and refuses a broken copy', async (context) => {
    skip(context);
    const served = await (await fetch(`${url}/marketplaces/claude-code.json`)).text();
    const folder = join(scratch, 'served');
    mkdirSync(join(folder, '.claude-plugin'), { recursive: true });
    writeFileSync(join(folder, '.claude-plugin', 'marketplace.json'), served);
    const valid = await claude(['plugin', 'validate', folder, '--strict', '--json']);
    expect(valid.code, `${valid.stdout}\n${valid.stderr}`).toBe(0);
    expect(JSON.parse(valid.stdout)).toMatchObject({
      success: true,
      manifest: { type: 'marketplace', errors: [], warnings: [] },
    });

    const broken = JSON.parse(served);
    broken.plugins[0].source.sha = broken.plugins[0].source.sha.slice(0, 12);
    writeFileSync(join(folder, '.claude-plugin', 'marketplace.json'), JSON.stringify(broken));
    const refused = await claude(['plugin', 'validate', folder, '--strict']);
    expect(refused.code).toBe(1);
    expect(`${refused.stdout}${refused.stderr}`).toMatch(/sha/);
  });

  it('adds the served marketplace by URL and installs a plugin cloned from Atlas, byte for byte', async (context) => {
    skip(context);
    const added = await claude(['plugin', 'marketplace', 'add', `${url}/marketplaces/claude-code.json`]);
    expect(added.code, `${added.stdout}\n${added.stderr}`).toBe(0);
    const installed = await claude(['plugin', 'install', 'lin@atlas']);
    expect(installed.code, `${installed.stdout}\n${installed.stderr}`).toBe(0);
    const listed = await claude(['plugin', 'list', '--json']);
    const plugin = (JSON.parse(listed.stdout) as { id: string; installPath: string }[]).find(
      (entry) => entry.id === 'lin@atlas',
    );
    expect(plugin).toBeDefined();
    const files = filesUnder(plugin!.installPath);
    expect(Object.keys(files).sort()).toEqual([
      '.codex-plugin/plugin.json',
      '.cursor-plugin/plugin.json',
      'skills/spectra/SKILL.md',
      'skills/spectra/data/sample.bin',
      'skills/spectra/tool.sh',
    ]);
    for (const [path, content] of Object.entries(SKILL)) expect(files[`skills/spectra/${path}`]).toEqual(content);
    expect(statSync(join(plugin!.installPath, 'skills/spectra/tool.sh')).mode & 0o111).not.toBe(0);
    const details = await claude(['plugin', 'details', 'lin@atlas']);
    expect(details.stdout).toMatch(/Skills \(1\)\s+spectra/);
  });

  it('validates and installs from the marketplace branch, cloned from the content repository', async (context) => {
    skip(context);
    const result = await refreshMarketplaceBranch(deps, deps.marketplaceBranch!, {
      name: 'atlas-branch',
      owner: 'Atlas',
      origin: 'the content repository',
    });
    expect(result.changed).toBe(true);
    const checkout = join(scratch, 'branch');
    await run('git', ['clone', '--quiet', '--branch', 'atlas-marketplace', join(scratch, 'content.git'), checkout], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, GIT_CONFIG_NOSYSTEM: '1' },
    });
    const valid = await claude(['plugin', 'validate', checkout, '--strict']);
    expect(valid.code, `${valid.stdout}\n${valid.stderr}`).toBe(0);
    const added = await claude(['plugin', 'marketplace', 'add', checkout]);
    expect(added.code, `${added.stdout}\n${added.stderr}`).toBe(0);
    const installed = await claude(['plugin', 'install', 'lin@atlas-branch']);
    expect(installed.code, `${installed.stdout}\n${installed.stderr}`).toBe(0);
    const listed = JSON.parse((await claude(['plugin', 'list', '--json'])).stdout) as {
      id: string;
      installPath: string;
    }[];
    const files = filesUnder(listed.find((entry) => entry.id === 'lin@atlas-branch')!.installPath);
    expect(files['skills/spectra/data/sample.bin']).toEqual(SPECTRUM);
    expect(Object.keys(files).some((path) => path.includes('lab-notes'))).toBe(false);
  });

  it('Codex adds the served codex.json and installs a plugin cloned from Atlas, byte for byte', async (context) => {
    skip(context);
    const folder = join(scratch, 'codex-served');
    mkdirSync(join(folder, '.agents', 'plugins'), { recursive: true });
    writeFileSync(
      join(folder, '.agents', 'plugins', 'marketplace.json'),
      await (await fetch(`${url}/marketplaces/codex.json`)).text(),
    );
    const added = await client('codex', ['plugin', 'marketplace', 'add', folder]);
    expect(added.code, `${added.stdout}\n${added.stderr}`).toBe(0);
    const listed = await client('codex', ['plugin', 'list']);
    expect(listed.stdout).toMatch(/lin@atlas\s+not installed/);
    const installed = await client('codex', ['plugin', 'add', 'lin@atlas']);
    expect(installed.code, `${installed.stdout}\n${installed.stderr}`).toBe(0);
    const root = /Installed plugin root: (.+)/.exec(installed.stdout)?.[1]?.trim();
    expect(root).toBeDefined();
    const files = filesUnder(root!);
    for (const [path, content] of Object.entries(SKILL)) expect(files[`skills/spectra/${path}`]).toEqual(content);
    expect(Object.keys(files).some((path) => path.includes('lab-notes'))).toBe(false);
  });

  it("Codex reads the branch's codex.json, with its plugins in folders beside it", async (context) => {
    skip(context);
    await refreshMarketplaceBranch(deps, deps.marketplaceBranch!, {
      name: 'atlas-branch',
      owner: 'Atlas',
      origin: 'the content repository',
    });
    const checkout = join(scratch, 'codex-branch');
    await run('git', ['clone', '--quiet', '--branch', 'atlas-marketplace', join(scratch, 'content.git'), checkout], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, GIT_CONFIG_NOSYSTEM: '1' },
    });
    const added = await client('codex', ['plugin', 'marketplace', 'add', checkout]);
    expect(added.code, `${added.stdout}\n${added.stderr}`).toBe(0);
    const installed = await client('codex', ['plugin', 'add', 'lin@atlas-branch']);
    expect(installed.code, `${installed.stdout}\n${installed.stderr}`).toBe(0);
    const root = /Installed plugin root: (.+)/.exec(installed.stdout)?.[1]?.trim();
    expect(filesUnder(root!)['skills/spectra/data/sample.bin']).toEqual(SPECTRUM);
  });
});
