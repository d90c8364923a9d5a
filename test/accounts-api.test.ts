import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryContentStore } from '../src/adapters/memory/in-memory-content-store.ts';
import type { AtlasDeps } from '../src/application/deps.ts';
import { assembleDeps } from '../src/composition-root.ts';
import type { Clock } from '../src/domain/clock.ts';
import type { Database } from '../src/domain/repositories.ts';
import { type AtlasApp, buildApp } from '../src/entrypoints/http/app.ts';
import { CHEAP_ARGON2 } from '../src/testing/in-memory-deps.ts';
import { describeEachDatabase } from './support/each-database.ts';
import { client, register, snapshot } from './support/http.ts';

class ManualClock implements Clock {
  offsetMs = 0;
  now() {
    return new Date(Date.now() + this.offsetMs);
  }
}

describeEachDatabase('accounts, tokens and teams over HTTP', (open) => {
  let db: Database;
  let deps: AtlasDeps;
  let app: AtlasApp;
  let api: ReturnType<typeof client>;
  const clock = new ManualClock();

  beforeAll(async () => {
    db = await open();
    deps = assembleDeps(
      db,
      new InMemoryContentStore(),
      { authz: 'rbac', publicRead: false, registration: 'open' },
      { clock, argon2: CHEAP_ARGON2 },
    );
    app = await buildApp(deps, {
      maxBodyBytes: 64 * 1024,
      maxRequestBytes: 64 * 1024,
      rateLimits: { perAddress: 1000, perAccount: 1000 },
    });
    api = client(app);
    return () => app.close();
  });
  beforeEach(async () => {
    await open();
    clock.offsetMs = 0;
  });

  describe('registration', () => {
    it('makes the first account site admin and later ones not', async () => {
      const first = await api.post('/api/v1/auth/register', {
        email: 'Alice@Example.com',
        username: 'Alice',
        password: 'a fine long passphrase',
      });
      expect(first.status).toBe(201);
      expect(first.body.user).toMatchObject({ username: 'alice', email: 'Alice@example.com', isAdmin: true });
      expect(first.body.token).toMatch(/^atlas_s_/);
      expect(first.body.user.passwordHash).toBeUndefined();
      const second = await api.post('/api/v1/auth/register', {
        email: 'bob@example.com',
        username: 'bob',
        password: 'another fine passphrase',
      });
      expect(second.body.user.isAdmin).toBe(false);
    });

    it('makes exactly one admin when two first registrations race', async () => {
      const [a, b] = await Promise.all(
        ['racer-a', 'racer-b'].map((u) =>
          api.post('/api/v1/auth/register', { email: `${u}@example.com`, username: u, password: 'racing passphrase!' }),
        ),
      );
      expect([a?.status, b?.status]).toEqual([201, 201]);
      expect([a?.body.user.isAdmin, b?.body.user.isAdmin].filter(Boolean)).toHaveLength(1);
    });

    it('stores an argon2id hash with the configured parameters, never the password', async () => {
      await register(app, 'hashy', 'the password is long');
      const user = await db.users.findByUsername('hashy');
      expect(user?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
      expect(user?.passwordHash).not.toContain('the password is long');
      expect(JSON.stringify((await db.audit.list({}, { limit: 10 })).items)).not.toContain('the password is long');
    });

    it('refuses case variants and look-alikes of a taken name, and a team slug equal to a username', async () => {
      const token = await register(app, 'carol');
      const before = await snapshot(deps);
      const variant = await api.post('/api/v1/auth/register', {
        email: 'someone@example.com',
        username: 'CAROL',
        password: 'yet another passphrase',
      });
      expect(variant.status).toBe(409);
      const lookalike = await api.post('/api/v1/auth/register', {
        email: 'someone@example.com',
        username: 'сarol', // Cyrillic с
        password: 'yet another passphrase',
      });
      expect(lookalike.status).toBe(400);
      expect(lookalike.body.problems[0].path).toBe('username');
      const email = await api.post('/api/v1/auth/register', {
        email: 'CAROL@example.com',
        username: 'carol2',
        password: 'yet another passphrase',
      });
      expect(email.status).toBe(409);
      const team = await api.post('/api/v1/teams', { slug: 'Carol', name: 'Carol' }, token);
      expect(team.status).toBe(409);
      expect(await snapshot(deps)).toEqual(before);
    });

    it('reports every problem of a bad registration at once and writes nothing', async () => {
      const before = await snapshot(deps);
      const res = await api.post('/api/v1/auth/register', {
        email: 'not-an-email',
        username: '-x-',
        password: 'short',
      });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.problems.map((p: { path: string }) => p.path)).toEqual(['email', 'username']);
      const weak = await api.post('/api/v1/auth/register', {
        email: 'dave@example.com',
        username: 'dave',
        password: 'dave-dave-dave',
      });
      expect(weak.body.problems).toEqual([{ path: 'password', message: 'must not contain your username or email' }]);
      const common = await api.post('/api/v1/auth/register', {
        email: 'dave@example.com',
        username: 'dave',
        password: '1234567890',
      });
      expect(common.status).toBe(400);
      expect(common.body.problems).toEqual([{ path: 'password', message: 'is too common; choose another' }]);
      expect(await snapshot(deps)).toEqual(before);
    });

    it.each([
      ['malformed JSON', '{"email": ', 400, 'malformed_body'],
      ['a wrong type', { email: 1, username: 'eve', password: 'long enough pass' }, 400, 'validation'],
      [
        'an unknown field',
        { email: 'e@example.com', username: 'eve', password: 'long enough pass', admin: true },
        400,
        'validation',
      ],
      ['an oversize body', { email: 'e@example.com', username: 'eve', password: 'x'.repeat(70_000) }, 413, 'too_large'],
      [
        'SQL-like strings',
        { email: "x'; drop table users; --@example.com", username: "eve' or 1=1", password: 'long enough pass' },
        400,
        'validation',
      ],
    ])('answers %s with a clear problem and writes nothing', async (_name, payload, status, code) => {
      const before = await snapshot(deps);
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        headers: { 'content-type': 'application/json' },
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      });
      expect(res.statusCode).toBe(status);
      expect(res.json().code).toBe(code);
      expect(await snapshot(deps)).toEqual(before);
    });

    it('only admins create accounts when registration is closed, but the first account may register', async () => {
      const closed = assembleDeps(
        db,
        new InMemoryContentStore(),
        { authz: 'rbac', publicRead: false, registration: 'closed' },
        { argon2: CHEAP_ARGON2 },
      );
      const closedApp = await buildApp(closed, { rateLimits: { perAddress: 1000, perAccount: 1000 } });
      try {
        const closedApi = client(closedApp);
        const admin = await register(closedApp, 'root-admin');
        const refused = await closedApi.post('/api/v1/auth/register', {
          email: 'late@example.com',
          username: 'late',
          password: 'too slow passphrase',
        });
        expect(refused.status).toBe(403);
        expect(refused.body.detail).toContain('registration is closed');
        const made = await closedApi.post(
          '/api/v1/users',
          { email: 'late@example.com', username: 'late', password: 'admin made this one' },
          admin,
        );
        expect(made.status).toBe(201);
        expect(made.body.user.isAdmin).toBe(false);
        const login = await closedApi.post('/api/v1/auth/login', { login: 'late', password: 'admin made this one' });
        expect(login.status).toBe(200);
      } finally {
        await closedApp.close();
      }
    });
  });

  describe('login and logout', () => {
    it('logs in by username or email and answers an unknown account like a wrong password', async () => {
      await register(app, 'frank', 'long password of f.');
      expect((await api.post('/api/v1/auth/login', { login: 'FRANK', password: 'long password of f.' })).status).toBe(
        200,
      );
      expect(
        (await api.post('/api/v1/auth/login', { login: 'frank@example.com', password: 'long password of f.' })).status,
      ).toBe(200);
      const wrong = await api.post('/api/v1/auth/login', { login: 'frank', password: 'not franks password' });
      const unknown = await api.post('/api/v1/auth/login', { login: 'nobody', password: 'not franks password' });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect({ ...wrong.body, instance: undefined }).toEqual({ ...unknown.body, instance: undefined });
      expect(wrong.headers['www-authenticate']).toBe('Bearer realm="atlas"');
    });

    it('does the same work for an unknown account as for a wrong password: one argon2 verification', async () => {
      await register(app, 'timing', 'some long password');
      const verified: string[] = [];
      const verify = deps.passwords.verify.bind(deps.passwords);
      const spy = Object.assign(deps.passwords, {
        verify: async (hash: string, password: string) => {
          verified.push(hash.split('$').slice(0, 4).join('$'));
          return verify(hash, password);
        },
      });
      try {
        await api.post('/api/v1/auth/login', { login: 'timing', password: 'wrong wrong wrong' });
        await api.post('/api/v1/auth/login', { login: 'no-such-user', password: 'wrong wrong wrong' });
      } finally {
        Object.assign(spy, { verify });
      }
      // Both paths verify exactly one hash with the same parameters, so neither answers early.
      expect(verified).toHaveLength(2);
      expect(verified[0]).toBe(verified[1]);
      expect(verified[0]).toMatch(/^\$argon2id\$v=19\$m=/);
    });

    it('audits failed logins without the password', async () => {
      await api.post('/api/v1/auth/login', { login: 'ghost', password: 'secret attempt 123' });
      const entries = (await db.audit.list({ action: 'auth.login_failed' }, { limit: 10 })).items;
      expect(entries).toHaveLength(1);
      expect(JSON.stringify(entries)).not.toContain('secret attempt 123');
    });

    it('answers register, login, token creation, token lists and /me with Cache-Control: no-store', async () => {
      const registered = await api.post('/api/v1/auth/register', {
        email: 'nora@example.com',
        username: 'nora',
        password: 'a long test passphrase',
      });
      const session = registered.body.token as string;
      const answers = {
        registered,
        login: await api.post('/api/v1/auth/login', { login: 'nora', password: 'a long test passphrase' }),
        failedLogin: await api.post('/api/v1/auth/login', { login: 'nora', password: 'not the password' }),
        created: await api.post('/api/v1/tokens', { name: 'ci' }, session),
        listed: await api.get('/api/v1/tokens', session),
        me: await api.get('/api/v1/me', session),
      };
      for (const [name, answer] of Object.entries(answers)) {
        expect(answer.headers['cache-control'], name).toBe('no-store');
      }
      expect(answers.created.status).toBe(201);
    });

    it('logs out everywhere: every session stops at once, personal API tokens stay', async () => {
      const first = await register(app, 'olive', 'a tidy long passphrase');
      const second = (await api.post('/api/v1/auth/login', { login: 'olive', password: 'a tidy long passphrase' })).body
        .token as string;
      const pat = (await api.post('/api/v1/tokens', { name: 'ci' }, first)).body.secret as string;
      const other = await register(app, 'otis');
      for (const token of [first, second, pat, other]) expect((await api.get('/api/v1/me', token)).status).toBe(200);
      expect((await api.post('/api/v1/auth/logout-everywhere', undefined, second)).status).toBe(204);
      expect((await api.get('/api/v1/me', first)).status).toBe(401);
      expect((await api.get('/api/v1/me', second)).status).toBe(401);
      expect((await api.get('/api/v1/me', pat)).status).toBe(200);
      expect((await api.get('/api/v1/me', other)).status).toBe(200);
      expect((await api.post('/api/v1/auth/logout-everywhere')).status).toBe(401);
    });

    it('logout revokes the session token at once', async () => {
      const token = await register(app, 'gina');
      expect((await api.get('/api/v1/me', token)).status).toBe(200);
      expect((await api.post('/api/v1/auth/logout', undefined, token)).status).toBe(204);
      expect((await api.get('/api/v1/me', token)).status).toBe(401);
    });
  });

  describe('tokens', () => {
    it('lives through create, use, list without secret, expire and revoke', async () => {
      const session = await register(app, 'hank');
      const created = await api.post(
        '/api/v1/tokens',
        { name: 'laptop', expiresAt: new Date(Date.now() + 3600_000).toISOString() },
        session,
      );
      expect(created.status).toBe(201);
      const secret = created.body.secret as string;
      expect(secret).toMatch(/^atlas_pat_[A-Za-z0-9_-]{43}$/);
      expect(created.body.token.prefix).toBe(secret.slice(0, 14));
      expect((await api.get('/api/v1/me', secret)).body.user.username).toBe('hank');

      const listed = await api.get('/api/v1/tokens', session);
      expect(listed.body.items.map((t: { name: string }) => t.name)).toEqual(['laptop', 'registration']);
      expect(listed.raw).not.toContain(secret);
      expect(listed.raw).not.toMatch(/[0-9a-f]{64}/);
      expect(JSON.stringify((await db.audit.list({}, { limit: 50 })).items)).not.toContain(secret);

      clock.offsetMs = 2 * 3600_000;
      expect((await api.get('/api/v1/me', secret)).status).toBe(401);
      clock.offsetMs = 0;
      expect((await api.get('/api/v1/me', secret)).status).toBe(200);
      expect((await api.delete(`/api/v1/tokens/${created.body.token.id}`, session)).status).toBe(204);
      expect((await api.get('/api/v1/me', secret)).status).toBe(401);
      expect((await api.delete(`/api/v1/tokens/${created.body.token.id}`, session)).status).toBe(204);
    });

    it('gives a token created without an expiry 90 days, not forever', async () => {
      const session = await register(app, 'hugo');
      const created = await api.post('/api/v1/tokens', { name: 'no expiry given' }, session);
      expect(created.status).toBe(201);
      const expiresAt = new Date(created.body.token.expiresAt).getTime();
      expect(Math.abs(expiresAt - (Date.now() + 90 * 24 * 3600_000))).toBeLessThan(60_000);
      const secret = created.body.secret as string;
      clock.offsetMs = 90 * 24 * 3600_000 + 60_000;
      expect((await api.get('/api/v1/me', secret)).status).toBe(401);
    });

    it('refuses forged, truncated and malformed tokens with 401', async () => {
      const session = await register(app, 'ivy');
      for (const header of [
        `Bearer ${session.slice(0, -1)}`,
        `Bearer ${session}x`,
        `Bearer atlas_pat_${'A'.repeat(43)}`,
        'Bearer not-a-token',
        `Basic ${Buffer.from('ivy:pw').toString('base64')}`,
        'Bearer',
      ]) {
        const res = await app.inject({ url: '/api/v1/me', headers: { authorization: header } });
        expect(res.statusCode, header).toBe(401);
        expect(res.json().code).toBe('unauthenticated');
      }
    });

    it('refuses a bad token name or expiry, listing both', async () => {
      const session = await register(app, 'jack');
      const before = await snapshot(deps);
      const res = await api.post('/api/v1/tokens', { name: ' ', expiresAt: '2001-01-01T00:00:00Z' }, session);
      expect(res.status).toBe(400);
      expect(res.body.problems.map((p: { path: string }) => p.path)).toEqual(['name', 'expiresAt']);
      expect(await snapshot(deps)).toEqual(before);
    });

    it("answers 404 for someone else's token, so ids do not leak", async () => {
      const kim = await register(app, 'kim');
      const lee = await register(app, 'lee');
      const token = await api.post('/api/v1/tokens', { name: 'kims' }, kim);
      expect((await api.delete(`/api/v1/tokens/${token.body.token.id}`, lee)).status).toBe(404);
      expect((await api.delete('/api/v1/tokens/not-a-uuid', lee)).status).toBe(404);
      expect((await api.get('/api/v1/me', token.body.secret)).status).toBe(200);
    });
  });

  describe('teams', () => {
    it('creates a team with its creator as owner, adds members, and keeps one owner', async () => {
      const owner = await register(app, 'olive');
      await register(app, 'pete');
      const created = await api.post(
        '/api/v1/teams',
        { slug: 'platform', name: 'Platform', description: 'We run things' },
        owner,
      );
      expect(created.status).toBe(201);
      expect(
        (await api.put('/api/v1/teams/platform/members/pete', { role: 'maintainer' }, owner)).body.member,
      ).toMatchObject({
        username: 'pete',
        role: 'maintainer',
      });
      const team = await api.get('/api/v1/teams/platform', owner);
      expect(team.body.members.map((m: { username: string; role: string }) => [m.username, m.role])).toEqual([
        ['olive', 'owner'],
        ['pete', 'maintainer'],
      ]);
      const me = await api.get('/api/v1/me', owner);
      expect(me.body.teams).toEqual([
        expect.objectContaining({ role: 'owner', team: expect.objectContaining({ slug: 'platform' }) }),
      ]);

      const demote = await api.put('/api/v1/teams/platform/members/olive', { role: 'member' }, owner);
      expect(demote.status).toBe(409);
      expect(demote.body.detail).toContain('at least one owner');
      expect((await api.delete('/api/v1/teams/platform/members/olive', owner)).status).toBe(409);
      expect((await api.put('/api/v1/teams/platform/members/pete', { role: 'owner' }, owner)).status).toBe(200);
      expect((await api.delete('/api/v1/teams/platform/members/olive', owner)).status).toBe(204);
    });

    it('lets a member leave, and answers unknown teams, users and roles clearly', async () => {
      const owner = await register(app, 'quinn');
      const member = await register(app, 'rosa');
      await api.post('/api/v1/teams', { slug: 'data', name: 'Data' }, owner);
      await api.put('/api/v1/teams/data/members/rosa', { role: 'member' }, owner);
      expect((await api.delete('/api/v1/teams/data/members/rosa', member)).status).toBe(204);
      expect((await api.get('/api/v1/teams/nope', owner)).status).toBe(404);
      expect((await api.put('/api/v1/teams/data/members/nobody', { role: 'member' }, owner)).status).toBe(404);
      const role = await api.put('/api/v1/teams/data/members/rosa', { role: 'boss' }, owner);
      expect(role.status).toBe(400);
      expect(role.body.problems[0].path).toBe('role');
    });

    it('audits every write with who, what and from where, filterable by admins', async () => {
      const admin = await register(app, 'sam');
      await api.post('/api/v1/teams', { slug: 'audited', name: 'Audited' }, admin);
      await api.post('/api/v1/tokens', { name: 'ci' }, admin);
      const all = await api.get('/api/v1/audit?limit=2', admin);
      expect(all.body.items.map((e: { action: string }) => e.action)).toEqual(['token.create', 'team.create']);
      expect(all.body.items[0]).toMatchObject({ actor: 'sam', ip: '127.0.0.1' });
      const next = await api.get(`/api/v1/audit?limit=2&cursor=${all.body.nextCursor}`, admin);
      expect(next.body.items.map((e: { action: string }) => e.action)).toEqual(['user.register']);
      const teams = await api.get('/api/v1/audit?action=team.', admin);
      expect(teams.body.items).toHaveLength(1);
      expect((await api.get('/api/v1/audit?actor=sam&target=team/audited', admin)).body.items).toHaveLength(1);
      expect((await api.get('/api/v1/audit?since=yesterday', admin)).status).toBe(400);
    });
  });
});

describe('abuse limits', () => {
  it('counts failed logins per account whatever the spelling, slows it down, and limits each address', async () => {
    const { createInMemoryDeps } = await import('../src/testing/in-memory-deps.ts');
    const deps = createInMemoryDeps();
    const app = await buildApp(deps, { rateLimits: { perAddress: 5, perAccount: 3 } });
    try {
      await register(app, 'victim', 'the secret passphrase');
      const attempt = (login: string, ip: string, password = 'guess guess guess') =>
        app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: ip, payload: { login, password } });
      const statuses = [];
      for (const [login, ip] of [
        ['victim', '10.0.0.1'],
        ['victim@example.com', '10.0.0.2'],
        ['Victim', '10.0.0.3'],
        ['VICTIM@example.com', '10.0.0.4'],
      ] as const) {
        statuses.push((await attempt(login, ip)).statusCode);
      }
      // The fourth comes too soon after three failures on the account, whichever spelling was used.
      expect(statuses).toEqual([401, 401, 401, 429]);
      const limited = await attempt('victim', '10.0.0.5', 'the secret passphrase');
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(limited.json()).toMatchObject({ status: 429, code: 'rate_limited' });
      // A username is not locked for everyone: another account's logins go on.
      expect((await attempt('someone-else', '10.0.0.6')).statusCode).toBe(401);
      const perAddress = [];
      for (let i = 0; i < 6; i++) perAddress.push((await attempt(`user${i}`, '10.9.9.9')).statusCode);
      expect(perAddress.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(perAddress[5]).toBe(429);
    } finally {
      await app.close();
    }
  });

  it('takes the client address from X-Forwarded-For only when ATLAS_TRUST_PROXY names the proxy', async () => {
    const { createInMemoryDeps } = await import('../src/testing/in-memory-deps.ts');
    const behindProxy = await buildApp(createInMemoryDeps(), {
      trustProxy: ['10.1.0.0/16'],
      rateLimits: { perAddress: 2, perAccount: 100 },
    });
    const direct = await buildApp(createInMemoryDeps(), { rateLimits: { perAddress: 2, perAccount: 100 } });
    try {
      const attempt = (app: AtlasApp, remoteAddress: string, client: string, n: number) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          remoteAddress,
          headers: { 'x-forwarded-for': client },
          payload: { login: `nobody${n}`, password: 'guess guess guess' },
        });
      // Behind the proxy each client has its own budget...
      expect((await attempt(behindProxy, '10.1.2.3', '198.51.100.1', 1)).statusCode).toBe(401);
      expect((await attempt(behindProxy, '10.1.2.3', '198.51.100.1', 2)).statusCode).toBe(401);
      expect((await attempt(behindProxy, '10.1.2.3', '198.51.100.1', 3)).statusCode).toBe(429);
      expect((await attempt(behindProxy, '10.1.2.3', '198.51.100.2', 4)).statusCode).toBe(401);
      // ...and a client that is not the proxy cannot pick its address by sending the header.
      expect((await attempt(behindProxy, '203.0.113.9', '198.51.100.3', 5)).statusCode).toBe(401);
      expect((await attempt(behindProxy, '203.0.113.9', '198.51.100.4', 6)).statusCode).toBe(401);
      expect((await attempt(behindProxy, '203.0.113.9', '198.51.100.5', 7)).statusCode).toBe(429);
      // One hop: the address the proxy appended is the client, whatever the client put before it.
      const oneHop = await buildApp(createInMemoryDeps(), {
        trustProxy: 1,
        rateLimits: { perAddress: 1, perAccount: 100 },
      });
      try {
        expect((await attempt(oneHop, '10.1.2.3', '6.6.6.1, 198.51.100.7', 1)).statusCode).toBe(401);
        expect((await attempt(oneHop, '10.1.2.3', '6.6.6.2, 198.51.100.7', 2)).statusCode).toBe(429);
        expect((await attempt(oneHop, '10.1.2.3', '198.51.100.8', 3)).statusCode).toBe(401);
      } finally {
        await oneHop.close();
      }
      // Without ATLAS_TRUST_PROXY the header is ignored.
      expect((await attempt(direct, '10.1.2.3', '198.51.100.1', 1)).statusCode).toBe(401);
      expect((await attempt(direct, '10.1.2.3', '198.51.100.2', 2)).statusCode).toBe(401);
      expect((await attempt(direct, '10.1.2.3', '198.51.100.3', 3)).statusCode).toBe(429);
    } finally {
      await behindProxy.close();
      await direct.close();
    }
  });

  it('sends security headers and no CORS headers unless configured', async () => {
    const { createInMemoryDeps } = await import('../src/testing/in-memory-deps.ts');
    const deps = createInMemoryDeps();
    const plain = await buildApp(deps);
    const withCors = await buildApp(deps, { corsOrigins: ['https://portal.example.com'] });
    try {
      const res = await plain.inject({ url: '/healthz', headers: { origin: 'https://evil.example.com' } });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const allowed = await withCors.inject({ url: '/healthz', headers: { origin: 'https://portal.example.com' } });
      expect(allowed.headers['access-control-allow-origin']).toBe('https://portal.example.com');
      const other = await withCors.inject({ url: '/healthz', headers: { origin: 'https://evil.example.com' } });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await plain.close();
      await withCors.close();
    }
  });
});
