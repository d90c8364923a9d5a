import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AtlasApp, buildApp } from '../../src/entrypoints/http/app.ts';
import { WEB_UI_CSP } from '../../src/entrypoints/http/web-ui.ts';
import { createInMemoryDeps } from '../../src/testing/in-memory-deps.ts';

const SHELL =
  '<!doctype html><html lang="en"><title>Atlas</title><script type="module" src="/assets/index-abc123.js"></script><div id="root"></div>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});`;

describe('serving the built web UI', () => {
  const root = mkdtempSync(join(tmpdir(), 'atlas-web-root-'));
  let app: AtlasApp;

  beforeAll(async () => {
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), SHELL);
    writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(root, 'assets', 'index-abc123.js'), SCRIPT);
    writeFileSync(join(root, 'assets', 'index-abc123.js.gz'), gzipSync(SCRIPT));
    app = await buildApp(createInMemoryDeps(), { webRoot: root });
  });
  afterAll(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  it.each([
    '/',
    '/?q=pdf&kind=skill',
    '/skill/platform/pdf-tools',
    '/skill/platform/pdf-tools/files?path=SKILL.md',
    '/mcp/platform/weather/install',
    '/tool/platform/convert-units',
    '/teams',
    '/teams/platform',
    '/publish',
    '/account',
    '/admin',
  ])('answers %s with the app shell, revalidated on every load, under the strict CSP', async (url) => {
    const res = await app.inject({ url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toBe(WEB_UI_CSP);
    expect(res.body).toBe(SHELL);
  });

  it('allows no inline script or style, no framing and no plugins in the shell', () => {
    const directives = Object.fromEntries(
      WEB_UI_CSP.split('; ').map((directive) => [directive.split(' ')[0], directive.split(' ').slice(1)]),
    );
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['style-src']).toEqual(["'self'"]);
    expect(directives['script-src-attr']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['base-uri']).toEqual(["'none'"]);
    expect(WEB_UI_CSP).not.toMatch(/unsafe-|data:|\*/);
  });

  it('serves hashed assets as immutable for a year, precompressed when the client takes it', async () => {
    const plain = await app.inject({ url: '/assets/index-abc123.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-type']).toMatch(/^(application|text)\/javascript/);
    expect(plain.body).toBe(SCRIPT);
    const gzipped = await app.inject({ url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers.vary).toMatch(/accept-encoding/i);
  });

  it('answers a missing asset and an unknown page with the API 404, and leaves the API as it was', async () => {
    const asset = await app.inject({ url: '/assets/missing-000.js' });
    expect(asset.statusCode).toBe(404);
    const unknown = await app.inject({ url: '/no-such-page' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
    const api = await app.inject({ url: '/api/v1/items' });
    expect(api.statusCode).toBe(401);
    expect(api.headers['content-type']).toMatch(/application\/problem\+json/);
    const health = await app.inject({ url: '/healthz' });
    expect(health.statusCode).toBe(200);
    const docs = await app.inject({ url: '/openapi.json' });
    expect(Object.keys(docs.json().paths).some((path: string) => path.startsWith('/skill'))).toBe(false);
  });

  it('refuses the shell routes for other methods, and serves none of it without a built UI', async () => {
    expect((await app.inject({ method: 'POST', url: '/publish' })).statusCode).toBe(404);
    const bare = await buildApp(createInMemoryDeps(), { webRoot: null });
    try {
      expect((await bare.inject({ url: '/' })).statusCode).toBe(404);
      expect((await bare.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await bare.close();
    }
  });
});
