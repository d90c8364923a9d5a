/**
 * DNS-rebinding protection on the MCP endpoint, with raw HTTP requests (a client library would not let a test send
 * another Host): a `Host` that is not one of Atlas's names, or an `Origin` that is neither Atlas's nor an allowed
 * one, is answered 403 with a JSON-RPC error before anything runs; localhost names always pass; ATLAS_ALLOWED_HOSTS
 * adds names (and `*` turns the check off) in a started Atlas; the rest of the API is not affected.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryDatabase } from '../../src/adapters/memory/in-memory-database.ts';
import { assembleDeps } from '../../src/composition-root.ts';
import { type AppOptions, type AtlasApp, buildApp } from '../../src/entrypoints/http/app.ts';
import { CHEAP_ARGON2 } from '../../src/testing/in-memory-deps.ts';
import { type RunningAtlas, startAtlas } from '../support/atlas-process.ts';
import { SwappableContentStore } from '../support/swappable-content-store.ts';

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

interface Answer {
  status: number;
  body: string;
}

/** One request with exactly these headers (Host included), over a fresh connection. */
function send(
  url: string,
  options: { method?: string; path?: string; host: string; origin?: string; headers?: Record<string, string> },
): Promise<Answer> {
  const { port } = new URL(url);
  const body = options.method && options.method !== 'POST' ? undefined : INITIALIZE;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'POST',
        path: options.path ?? '/mcp',
        agent: false,
        headers: {
          host: options.host,
          ...(options.origin === undefined ? {} : { origin: options.origin }),
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }),
          ...options.headers,
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** An HTTP/1.0 request with no Host header at all, which Node's client would always add. */
function sendWithoutHost(url: string): Promise<Answer> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.end(
        `POST /mcp HTTP/1.0\r\ncontent-type: application/json\r\naccept: application/json, text/event-stream\r\ncontent-length: ${Buffer.byteLength(INITIALIZE)}\r\n\r\n${INITIALIZE}`,
      );
    });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    socket.on('error', reject);
  });
}

function expectRefused(answer: Answer, what: RegExp) {
  expect(answer.status, answer.body).toBe(403);
  const body = JSON.parse(answer.body) as { jsonrpc: string; error: { code: number; message: string }; id: null };
  expect(body).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 }, id: null });
  expect(body.error.message).toMatch(what);
}

function expectServed(answer: Answer) {
  expect(answer.status, answer.body).toBe(200);
  expect(JSON.parse(answer.body)).toMatchObject({ jsonrpc: '2.0', id: 1, result: { serverInfo: expect.anything() } });
}

/** A laptop install (permissive, anonymous callers welcome), so that a request that passes the check is served. */
async function listening(options: AppOptions = {}): Promise<{ app: AtlasApp; url: string; port: string }> {
  const deps = assembleDeps(
    new InMemoryDatabase(),
    new SwappableContentStore(),
    { authz: 'permissive', publicRead: false, registration: 'open' },
    { argon2: CHEAP_ARGON2 },
  );
  const app = await buildApp(deps, options);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}`, port: String(port) };
}

describe('the MCP endpoint checks Host and Origin', () => {
  const apps: AtlasApp[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });
  const start = async (options: AppOptions = {}) => {
    const started = await listening(options);
    apps.push(started.app);
    return started;
  };

  it('serves the localhost names on any port, and refuses any other Host, or none, with 403', async () => {
    const { url, port } = await start();
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'LOCALHOST', `[::1]:${port}`]) {
      expectServed(await send(url, { host }));
    }
    for (const host of [`evil.example:${port}`, 'evil.example', `localhost.evil.example:${port}`, '10.0.0.7']) {
      expectRefused(await send(url, { host }), /Invalid Host header/);
    }
    expectRefused(await sendWithoutHost(url), /Invalid Host header/);
    // Before the 405 of a method the endpoint does not serve, and before authentication.
    expectRefused(await send(url, { method: 'GET', host: 'evil.example' }), /Invalid Host header/);
    expect((await send(url, { method: 'GET', host: `localhost:${port}` })).status).toBe(405);
    expectRefused(
      await send(url, { host: 'evil.example', headers: { authorization: 'Bearer not-a-token' } }),
      /Invalid Host header/,
    );
  });

  it("refuses an Origin that is not one of Atlas's names or an allowed origin, even with a good Host", async () => {
    const { url, port } = await start({ corsOrigins: ['https://tools.example.org'] });
    const host = `localhost:${port}`;
    expectServed(await send(url, { host, origin: `http://localhost:${port}` }));
    expectServed(await send(url, { host, origin: 'https://tools.example.org' }));
    for (const origin of ['https://evil.example', 'null', 'https://tools.example.org.evil.example', 'file://']) {
      expectRefused(await send(url, { host, origin }), /Invalid Origin header/);
    }
  });

  it('serves the allowed host names besides localhost, and every host when the check is off', async () => {
    const named = await start({ allowedHosts: ['atlas.example.com', '[fd00::1]'] });
    expectServed(await send(named.url, { host: 'atlas.example.com' }));
    expectServed(await send(named.url, { host: 'Atlas.Example.com:443', origin: 'https://atlas.example.com' }));
    expectServed(await send(named.url, { host: '[fd00::1]:8080' }));
    expectServed(await send(named.url, { host: `localhost:${named.port}` }));
    expectRefused(await send(named.url, { host: 'example.com' }), /Invalid Host header/);
    expectRefused(
      await send(named.url, { host: 'atlas.example.com', origin: 'https://evil.example' }),
      /Invalid Origin header/,
    );

    const open = await start({ allowedHosts: null });
    expectServed(await send(open.url, { host: 'anything.example', origin: 'https://elsewhere.example' }));
  });

  it('reads the name a trusted proxy forwards, not the one it connects with', async () => {
    const { url } = await start({ allowedHosts: ['atlas.example.com'], trustProxy: ['127.0.0.1'] });
    expectServed(
      await send(url, { host: 'atlas-internal:8080', headers: { 'x-forwarded-host': 'atlas.example.com' } }),
    );
    expectRefused(
      await send(url, { host: 'atlas.example.com', headers: { 'x-forwarded-host': 'evil.example' } }),
      /Invalid Host header/,
    );
  });

  it('leaves the rest of the API alone', async () => {
    const { url } = await start();
    expect((await send(url, { method: 'GET', path: '/healthz', host: 'evil.example' })).status).toBe(200);
  });
});

describe('ATLAS_ALLOWED_HOSTS in a started Atlas', () => {
  let atlas: RunningAtlas;
  let home: string;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'atlas-hosts-'));
    atlas = await startAtlas({ ATLAS_HOME: join(home, '.atlas'), ATLAS_ALLOWED_HOSTS: 'atlas.example.com' }, 120_000);
  }, 180_000);
  afterAll(async () => {
    await atlas?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('answers the configured name and localhost, and refuses others', async () => {
    // No token and no public read: a request that passes the check is asked to sign in (401), not refused (403).
    expect((await send(atlas.url, { host: 'atlas.example.com' })).status).toBe(401);
    expect((await send(atlas.url, { host: `localhost:${new URL(atlas.url).port}` })).status).toBe(401);
    expectRefused(await send(atlas.url, { host: 'rebound.example' }), /Invalid Host header/);
  });
});
