/**
 * The `atlas` command as a user installs it: `npm pack` of this checkout, `npm install -g` of the tarball into a
 * fresh prefix, and the installed command run from outside the repository with only Node.js on the PATH: help,
 * version, a server started from the installed package, and login, whoami, publish and search against it.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAtlas, startAtlas } from '../support/atlas-process.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NPM_CLI = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');

describe('the packed and installed atlas command', () => {
  let scratch: string;
  let atlasBin: string;
  let env: NodeJS.ProcessEnv;
  let server: RunningAtlas;

  const atlas = (args: string[], input?: string) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(atlasBin, args, { env, cwd: scratch, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
      });
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      child.stdin.end(input ?? '');
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'atlas-installed-'));
    const packed = await run(process.execPath, [NPM_CLI, 'pack', '--json', '--pack-destination', scratch], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
    const prefix = join(scratch, 'prefix');
    await run(
      process.execPath,
      [NPM_CLI, 'install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', join(scratch, filename)],
      { cwd: scratch, maxBuffer: 64 * 1024 * 1024 },
    );
    atlasBin = join(prefix, 'bin', 'atlas');
    const home = join(scratch, 'home');
    mkdirSync(home);
    // Only Node.js and the installed prefix: nothing of this checkout is reachable.
    env = {
      PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}`,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      NO_COLOR: '1',
    };
    server = await startAtlas({ ATLAS_HOME: join(scratch, 'atlas-home') }, 90_000, {
      command: atlasBin,
      baseEnv: env,
      cwd: scratch,
    });
  }, 600_000);

  afterAll(async () => {
    await server?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('ships the build, the migrations and the README, and no TypeScript sources or tests', async () => {
    const listing = await run(process.execPath, [NPM_CLI, 'pack', '--dry-run', '--json'], { cwd: ROOT });
    const [{ files }] = JSON.parse(listing.stdout) as [{ files: { path: string }[] }];
    const paths = files.map((file) => file.path);
    expect(paths).toContain('bin/atlas.mjs');
    expect(paths).toContain('dist/entrypoints/cli/main.js');
    expect(paths.some((path) => path.startsWith('migrations/') && path.endsWith('.sql'))).toBe(true);
    expect(paths.filter((path) => path.endsWith('.ts') || path.startsWith('src/') || path.startsWith('test/'))).toEqual(
      [],
    );
    expect(paths.filter((path) => /testing|\.test\.|\.contract\./.test(path))).toEqual([]);
  });

  it('answers --help and --version', async () => {
    const help = await atlas(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: atlas <command>');
    const version = await atlas(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('serves from the installed package: the server it started is healthy', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('logs in, says who is signed in, publishes a skill and finds it', async () => {
    const registered = await fetch(`${server.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@example.com', username: 'ada', password: 'a long passphrase' }),
    });
    expect(registered.status).toBe(201);

    const login = await atlas(
      ['login', '--url', server.url, '--username', 'ada', '--password-stdin'],
      'a long passphrase',
    );
    expect(login.stderr + login.stdout).not.toMatch(/error/i);
    expect(login.code).toBe(0);

    const whoami = await atlas(['whoami', '--json']);
    expect(whoami.code).toBe(0);
    expect(JSON.parse(whoami.stdout)).toMatchObject({ user: { username: 'ada' } });

    const folder = join(scratch, 'pdf-tools');
    mkdirSync(folder);
    writeFileSync(
      join(folder, 'SKILL.md'),
      '---\nname: pdf-tools\ndescription: Extract text and tables from PDF files.\n---\n# PDF tools\n',
    );
    const published = await atlas(['publish', folder, '--namespace', 'ada', '--json']);
    expect(published.stderr).toBe('');
    expect(published.code).toBe(0);
    expect(JSON.parse(published.stdout)).toMatchObject({ item: { ref: 'skill/ada/pdf-tools' } });

    const search = await atlas(['search', 'pdf', '--json']);
    expect(search.code).toBe(0);
    expect(JSON.stringify(JSON.parse(search.stdout))).toContain('skill/ada/pdf-tools');
  });
});
