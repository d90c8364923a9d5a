import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { glibcVersion } from '../../src/entrypoints/cli/allocator-respawn.ts';
import { type RunningAtlas, startAtlas } from '../support/atlas-process.ts';

const TRACE_IMPORTS = fileURLToPath(new URL('../support/trace-imports.mjs', import.meta.url));

describe('atlas serve on the embedded defaults', () => {
  const home = join(mkdtempSync(join(tmpdir(), 'atlas-serve-')), '.atlas');
  afterAll(() => rmSync(join(home, '..'), { recursive: true, force: true }));

  it('creates its data folder, serves /healthz, stops cleanly on SIGTERM, and starts again faster', async () => {
    const first = await startAtlas({ ATLAS_HOME: home });
    try {
      const health = await fetch(`${first.url}/healthz`);
      expect(health.status).toBe(200);
      expect(existsSync(join(home, 'pgdata'))).toBe(true);
      expect(existsSync(join(home, 'atlas.lock'))).toBe(true);
    } finally {
      expect(await first.stop('SIGTERM')).toBe(0);
    }
    expect(existsSync(join(home, 'atlas.lock'))).toBe(false);

    const second = await startAtlas({ ATLAS_HOME: home });
    try {
      expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
      console.info(
        `embedded start: first ${Math.round(first.readyAfterMs)} ms, second ${Math.round(second.readyAfterMs)} ms`,
      );
    } finally {
      expect(await second.stop('SIGINT')).toBe(0);
    }
  }, 120_000);

  it('refuses a second process on the same data folder, naming the folder', async () => {
    const running = await startAtlas({ ATLAS_HOME: home });
    try {
      await expect(startAtlas({ ATLAS_HOME: home })).rejects.toThrow(/another Atlas process \(pid \d+\) is using/);
    } finally {
      await running.stop();
    }
  }, 120_000);

  it('loads the MCP SDK on the first MCP request, not at start', async () => {
    const traced = await startAtlas({
      ATLAS_HOME: home,
      ATLAS_PUBLIC_READ: 'true',
      NODE_OPTIONS: `--import ${TRACE_IMPORTS}`,
      TRACE_IMPORTS: '@modelcontextprotocol/sdk',
    });
    try {
      const sdk = () => traced.output().match(/^imported .*@modelcontextprotocol\/sdk.*$/gm) ?? [];
      expect((await fetch(`${traced.url}/api/v1/items`)).status).toBe(200);
      expect(sdk()).toEqual([]);
      const initialize = await fetch(`${traced.url}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1' } },
        }),
      });
      expect(initialize.status).toBe(200);
      expect(((await initialize.json()) as { result: { serverInfo?: unknown } }).result.serverInfo).toBeDefined();
      expect(sdk().length).toBeGreaterThan(0);
    } finally {
      await traced.stop();
    }
  }, 120_000);

  it('runs the embedded database in the HTTP thread with ATLAS_PGLITE_THREAD=false, on the same data', async () => {
    const readyLine = (atlas: RunningAtlas) => JSON.parse(/^.*Atlas is ready.*$/m.exec(atlas.output())?.[0] ?? '{}');
    const inThread = await startAtlas({ ATLAS_HOME: home, ATLAS_PGLITE_THREAD: 'false' });
    try {
      expect(readyLine(inThread)).toMatchObject({ database: 'pglite', databaseThread: false });
      const registered = await fetch(`${inThread.url}/api/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'tess@example.com', username: 'tess', password: 'a long enough passphrase' }),
      });
      expect(registered.status).toBe(201);
      const { token } = (await registered.json()) as { token: string };
      const skillMd = '---\nname: csv-cleaner\ndescription: Cleans spreadsheets exported as CSV.\n---\n# CSV cleaner\n';
      const published = await fetch(`${inThread.url}/api/v1/items`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ namespace: 'tess', files: [{ path: 'SKILL.md', content: skillMd }] }),
      });
      expect(published.status).toBe(201);
    } finally {
      expect(await inThread.stop()).toBe(0);
    }
    // The default (its own thread) opens what the other wrote, and the other way round would too: one database.
    const ownThread = await startAtlas({ ATLAS_HOME: home, ATLAS_PUBLIC_READ: 'true' });
    try {
      expect(readyLine(ownThread)).toMatchObject({ database: 'pglite', databaseThread: true });
      const found = (await (await fetch(`${ownThread.url}/api/v1/items?q=spredsheets`)).json()) as {
        items: { ref: string }[];
      };
      expect(found.items.map((item) => item.ref)).toEqual(['skill/tess/csv-cleaner']);
    } finally {
      expect(await ownThread.stop()).toBe(0);
    }
  }, 120_000);

  const onGlibc = process.platform === 'linux' && glibcVersion() !== undefined;

  it.runIf(onGlibc)(
    'serves from a process started with frozen malloc thresholds, which its launcher passes signals to',
    async () => {
      const atlas = await startAtlas({ ATLAS_HOME: home });
      const server = serverPid(atlas);
      try {
        expect(server).not.toBe(atlas.child.pid);
        const environ = readFileSync(`/proc/${server}/environ`, 'utf8').split('\0');
        expect(environ).toEqual(
          expect.arrayContaining(['MALLOC_TRIM_THRESHOLD_=131072', 'MALLOC_MMAP_THRESHOLD_=131072']),
        );
        expect((await fetch(`${atlas.url}/healthz`)).status).toBe(200);
      } finally {
        // Ctrl-C in a terminal: both processes get SIGINT, and the launcher passes its own on.
        process.kill(server, 'SIGINT');
        expect(await atlas.stop('SIGINT')).toBe(0);
      }
      expect(atlas.output().match(/shutting down/g)).toHaveLength(1);
      expect(alive(server)).toBe(false);
      expect(existsSync(join(home, 'atlas.lock'))).toBe(false);
    },
    120_000,
  );

  it.runIf(onGlibc)(
    'stops cleanly when its launcher is killed outright',
    async () => {
      const atlas = await startAtlas({ ATLAS_HOME: home });
      const server = serverPid(atlas);
      atlas.child.kill('SIGKILL');
      const deadline = Date.now() + 30_000;
      while (alive(server) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(alive(server)).toBe(false);
      expect(existsSync(join(home, 'atlas.lock'))).toBe(false);
      // Its database was closed, not abandoned: the next start opens it at once.
      const next = await startAtlas({ ATLAS_HOME: home });
      expect(await next.stop()).toBe(0);
    },
    120_000,
  );

  it('runs in the process it was started in when the operator chose malloc settings', async () => {
    const atlas = await startAtlas({ ATLAS_HOME: home, MALLOC_ARENA_MAX: '4' });
    try {
      expect(serverPid(atlas)).toBe(atlas.child.pid);
    } finally {
      expect(await atlas.stop()).toBe(0);
    }
  }, 120_000);

  it('stops at start with one line naming a bad variable', async () => {
    await expect(startAtlas({ ATLAS_HOME: home, ATLAS_AUTHZ: 'everyone' })).rejects.toThrow(
      /atlas: configuration: ATLAS_AUTHZ: must be one of rbac, permissive \(got "everyone"\)/,
    );
  });
});

/** The pid the server logs in its ready line: the process that serves, which a launcher may have started. */
function serverPid(atlas: RunningAtlas): number {
  const line = /^.*Atlas is ready.*$/m.exec(atlas.output())?.[0];
  if (!line) throw new Error(`no ready line in:\n${atlas.output()}`);
  return (JSON.parse(line) as { pid: number }).pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
