import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
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

  it('stops at start with one line naming a bad variable', async () => {
    await expect(startAtlas({ ATLAS_HOME: home, ATLAS_AUTHZ: 'everyone' })).rejects.toThrow(
      /atlas: configuration: ATLAS_AUTHZ: must be one of rbac, permissive \(got "everyone"\)/,
    );
  });
});
