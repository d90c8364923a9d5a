import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AtlasDeps } from '../../src/application/deps.ts';
import { type AtlasApp, buildApp } from '../../src/entrypoints/http/app.ts';
import { createInMemoryDeps } from '../../src/testing/in-memory-deps.ts';

const ORIGIN = 'http://atlas.test';
const PASSWORD = 'a long test passphrase';

/** The cookies a response sets, by name, with their attributes as written. */
function setCookies(headers: Record<string, unknown>): Map<string, string> {
  const raw = headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [String(raw)];
  return new Map(list.map((line: string) => [line.split('=')[0]!, line]));
}

describe('browser sessions: HttpOnly cookie and CSRF protection', () => {
  let deps: AtlasDeps;
  let app: AtlasApp;
  let cookie: string;
  let csrf: string;
  let bearer: string;

  const call = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    options: { headers?: Record<string, string>; body?: unknown } = {},
  ) =>
    app.inject({
      method,
      url,
      headers: { host: 'atlas.test', ...options.headers },
      ...(options.body === undefined ? {} : { payload: options.body as object }),
    });

  beforeAll(async () => {
    deps = createInMemoryDeps();
    app = await buildApp(deps, { rateLimits: { perAddress: 1000, perAccount: 1000 }, webRoot: null });
    const admin = await call('POST', '/api/v1/auth/register', {
      body: { email: 'grace@example.com', username: 'grace', password: PASSWORD },
    });
    expect(admin.statusCode).toBe(201);
    bearer = admin.json().token;
    const signedUp = await call('POST', '/api/v1/session/register', {
      headers: { origin: ORIGIN },
      body: { email: 'ada@example.com', username: 'ada', password: PASSWORD },
    });
    expect(signedUp.statusCode).toBe(201);
    const set = setCookies(signedUp.headers);
    const line = set.get('atlas_session')!;
    cookie = `atlas_session=${/^atlas_session=([^;]+)/.exec(line)![1]}`;
    csrf = signedUp.json().csrfToken;
  });
  afterAll(() => app.close());

  it('signs in with an HttpOnly, SameSite=Strict cookie and never puts the session token in the body', async () => {
    const res = await call('POST', '/api/v1/session', {
      headers: { origin: ORIGIN },
      body: { login: 'ada', password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const line = setCookies(res.headers).get('atlas_session')!;
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/SameSite=Strict/);
    expect(line).toMatch(/Path=\//);
    expect(line).not.toMatch(/Secure/);
    const body = res.json();
    expect(body.me.user.username).toBe('ada');
    expect(typeof body.csrfToken).toBe('string');
    expect(JSON.stringify(body)).not.toContain(/^atlas_session=([^;]+)/.exec(line)![1]);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('marks the cookie Secure with the __Host- prefix behind a trusted https proxy', async () => {
    const proxied = await buildApp(deps, {
      rateLimits: { perAddress: 1000, perAccount: 1000 },
      trustProxy: 1,
      webRoot: null,
    });
    try {
      const res = await proxied.inject({
        method: 'POST',
        url: '/api/v1/session',
        headers: {
          host: 'atlas.example.com',
          'x-forwarded-proto': 'https',
          'x-forwarded-for': '203.0.113.9',
          origin: 'https://atlas.example.com',
        },
        payload: { login: 'ada', password: PASSWORD },
      });
      expect(res.statusCode).toBe(200);
      const line = setCookies(res.headers).get('__Host-atlas_session')!;
      expect(line).toMatch(/; Secure/);
      expect(line).toMatch(/HttpOnly/);
    } finally {
      await proxied.close();
    }
  });

  it('reads the session from the cookie and answers the CSRF token from GET /session', async () => {
    const me = await call('GET', '/api/v1/me', { headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.username).toBe('ada');
    const session = await call('GET', '/api/v1/session', { headers: { cookie } });
    expect(session.json()).toMatchObject({ me: { user: { username: 'ada' } }, csrfToken: csrf });
  });

  it('accepts a write with the cookie, the same origin and the CSRF token', async () => {
    const res = await call('POST', '/api/v1/teams', {
      headers: { cookie, origin: ORIGIN, 'x-csrf-token': csrf },
      body: { slug: 'docs', name: 'Docs' },
    });
    expect(res.statusCode).toBe(201);
  });

  it('refuses a write with the cookie and no CSRF token, and writes nothing', async () => {
    const res = await call('POST', '/api/v1/teams', {
      headers: { cookie, origin: ORIGIN },
      body: { slug: 'no-token', name: 'No token' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('forbidden');
    expect(await deps.db.teams.findBySlug('no-token' as never)).toBeUndefined();
  });

  it('refuses a write with a wrong CSRF token', async () => {
    const res = await call('POST', '/api/v1/teams', {
      headers: { cookie, origin: ORIGIN, 'x-csrf-token': `${csrf.slice(0, -2)}xx` },
      body: { slug: 'bad-token', name: 'Bad token' },
    });
    expect(res.statusCode).toBe(403);
  });

  it('refuses a write with the cookie from another origin, even with the token', async () => {
    const res = await call('DELETE', '/api/v1/session', {
      headers: { cookie, origin: 'https://evil.example.com', 'x-csrf-token': csrf },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toMatch(/evil\.example\.com/);
    expect((await call('GET', '/api/v1/me', { headers: { cookie } })).statusCode).toBe(200);
  });

  it('refuses a write with the cookie and neither Origin nor Referer; takes the Referer when Origin is absent', async () => {
    const bare = await call('PUT', '/api/v1/teams/docs/members/grace', {
      headers: { cookie, 'x-csrf-token': csrf },
      body: { role: 'member' },
    });
    expect(bare.statusCode).toBe(403);
    const referred = await call('PUT', '/api/v1/teams/docs/members/grace', {
      headers: { cookie, 'x-csrf-token': csrf, referer: `${ORIGIN}/teams/docs` },
      body: { role: 'member' },
    });
    expect(referred.statusCode).toBe(200);
  });

  it('refuses a browser sign-in posted from another site', async () => {
    const res = await call('POST', '/api/v1/session', {
      headers: { origin: 'https://evil.example.com' },
      body: { login: 'ada', password: PASSWORD },
    });
    expect(res.statusCode).toBe(403);
    expect(setCookies(res.headers).size).toBe(0);
  });

  it('leaves bearer requests alone: no Origin, no CSRF token, and a cookie beside the header is ignored', async () => {
    const res = await call('POST', '/api/v1/teams', {
      headers: { authorization: `Bearer ${bearer}`, cookie, origin: 'https://evil.example.com' },
      body: { slug: 'ops', name: 'Ops' },
    });
    expect(res.statusCode).toBe(201);
    const me = await call('GET', '/api/v1/me', { headers: { authorization: `Bearer ${bearer}`, cookie } });
    expect(me.json().user.username).toBe('grace');
    const session = await call('GET', '/api/v1/session', { headers: { authorization: `Bearer ${bearer}` } });
    expect(session.json()).toMatchObject({ me: { user: { username: 'grace' } }, csrfToken: null });
  });

  it('treats a stale cookie as nobody signed in, and GET /session drops it', async () => {
    const stale = 'atlas_session=atlas_s_0000000000000000000000000000000000000000000';
    const session = await call('GET', '/api/v1/session', { headers: { cookie: stale } });
    expect(session.statusCode).toBe(200);
    expect(session.json()).toEqual({ me: null, csrfToken: null });
    expect(setCookies(session.headers).get('atlas_session')).toMatch(/Expires=Thu, 01 Jan 1970|Max-Age=0/);
  });

  it('signs out: revokes the session, drops the cookie, and the cookie no longer works', async () => {
    const signedIn = await call('POST', '/api/v1/session', {
      headers: { origin: ORIGIN },
      body: { login: 'ada', password: PASSWORD },
    });
    const line = setCookies(signedIn.headers).get('atlas_session')!;
    const own = `atlas_session=${/^atlas_session=([^;]+)/.exec(line)![1]}`;
    const out = await call('DELETE', '/api/v1/session', {
      headers: { cookie: own, origin: ORIGIN, 'x-csrf-token': signedIn.json().csrfToken },
    });
    expect(out.statusCode).toBe(204);
    expect(setCookies(out.headers).get('atlas_session')).toMatch(/Expires=Thu, 01 Jan 1970|Max-Age=0/);
    expect((await call('GET', '/api/v1/me', { headers: { cookie: own } })).statusCode).toBe(401);
    // The other session of the same account is untouched.
    expect((await call('GET', '/api/v1/me', { headers: { cookie } })).statusCode).toBe(200);
  });
});
