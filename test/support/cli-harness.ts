import { spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ATLAS_BIN, type RunningAtlas, startAtlas } from './atlas-process.ts';

export const FIXTURES = fileURLToPath(new URL('../fixtures/cli/', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (a `--json` run). */
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON documents freely.
  json(): any;
}

/** A temporary HOME, XDG_CONFIG_HOME and project folder, and a way to run `atlas` in them. */
export interface Sandbox {
  readonly root: string;
  readonly home: string;
  readonly xdg: string;
  readonly project: string;
  run(
    args: readonly string[],
    options?: { input?: string; cwd?: string; env?: Record<string, string> },
  ): Promise<CliRun>;
  cleanup(): void;
}

/**
 * Makes a sandbox. The child sees only PATH and TMPDIR of this process's environment, so neither a real
 * ATLAS_URL or ATLAS_TOKEN nor the real home folder can leak into a test.
 */
export function sandbox(env: Record<string, string> = {}): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'atlas-cli-'));
  const home = join(root, 'home');
  const xdg = join(home, '.config');
  const project = join(root, 'project');
  for (const folder of [home, project]) mkdirSync(folder, { recursive: true });
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
    HOME: home,
    XDG_CONFIG_HOME: xdg,
    ...env,
  };
  return {
    root,
    home,
    xdg,
    project,
    run: (args, options = {}) =>
      runAtlas(args, { cwd: options.cwd ?? project, env: { ...base, ...options.env }, input: options.input }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Runs `node bin/atlas.mjs ...args` as a child process. */
export function runAtlas(
  args: readonly string[],
  options: { cwd: string; env: Record<string, string>; input?: string },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ATLAS_BIN, ...args], { cwd: options.cwd, env: options.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout,
        stderr,
        json: () => {
          try {
            return JSON.parse(stdout);
          } catch {
            throw new Error(`stdout is not JSON (exit ${code}):\n${stdout}\nstderr:\n${stderr}`);
          }
        },
      }),
    );
    child.stdin.end(options.input ?? '');
  });
}

/** One Atlas server for a test file, on a temporary ATLAS_HOME. */
export async function startTestServer(): Promise<{ atlas: RunningAtlas; url: string; stop(): Promise<void> }> {
  const home = mkdtempSync(join(tmpdir(), 'atlas-cli-server-'));
  const atlas = await startAtlas({ ATLAS_HOME: join(home, '.atlas'), ATLAS_POLL_SECONDS: '0' });
  return {
    atlas,
    url: atlas.url,
    stop: async () => {
      await atlas.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export const PASSWORD = 'a long test passphrase';

/** Registers an account over HTTP and returns its session token. */
export async function registerUser(url: string, username: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `${username}@example.com`, username, password: PASSWORD }),
  });
  if (response.status !== 201) throw new Error(`register ${username}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/** Calls the API directly, for setup and for checking what the command line did. */
export async function api<T = unknown>(
  url: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Copies a fixture to a fresh folder; scripts get their executable bit even if a checkout lost it. */
export function copyFixture(name: string, into: string): string {
  const target = join(into, name);
  cpSync(join(FIXTURES, name), target, { recursive: true });
  for (const file of listFiles(target)) {
    if (/\.(sh|py)$/.test(file) && (statSync(file).mode & 0o111) === 0) chmodSync(file, 0o755);
  }
  return target;
}

/** Every file under a folder, absolute paths. */
export function listFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

export function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8'));
}
