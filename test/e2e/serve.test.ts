import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startAtlas } from '../support/atlas-process.ts';

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

  it('stops at start with one line naming a bad variable', async () => {
    await expect(startAtlas({ ATLAS_HOME: home, ATLAS_AUTHZ: 'everyone' })).rejects.toThrow(
      /atlas: configuration: ATLAS_AUTHZ: must be one of rbac, permissive \(got "everyone"\)/,
    );
  });
});
