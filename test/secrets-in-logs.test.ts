import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { describe, expect, inject, it } from 'vitest';
import { InMemoryContentStore } from '../src/adapters/memory/in-memory-content-store.ts';
import { openTestPglite } from '../src/adapters/postgres/testing/test-databases.ts';
import type { AtlasDeps } from '../src/application/deps.ts';
import { assembleDeps } from '../src/composition-root.ts';
import { buildApp } from '../src/entrypoints/http/app.ts';
import { LOG_REDACT } from '../src/entrypoints/http/server.ts';
import { CHEAP_ARGON2, createInMemoryDeps } from '../src/testing/in-memory-deps.ts';
import { client } from './support/http.ts';

/** An app that logs everything, at trace level, into a string. */
async function loggingApp(deps: AtlasDeps) {
  const sink = { logged: '' };
  const stream = new Writable({
    write(chunk, _encoding, done) {
      sink.logged += chunk.toString();
      done();
    },
  });
  const app = await buildApp(deps, { fastify: { logger: { level: 'trace', stream, redact: LOG_REDACT } } });
  return { app, sink };
}

describe('logs', () => {
  it('never contain passwords, tokens or webhook signatures, even at trace level and on errors', async () => {
    let logged = '';
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logged += chunk.toString();
        done();
      },
    });
    const deps = createInMemoryDeps();
    const app = await buildApp(deps, {
      fastify: {
        logger: {
          level: 'trace',
          stream,
          redact: LOG_REDACT,
        },
      },
    });
    try {
      const api = client(app);
      const password = 'very secret passphrase 42';
      const registered = await api.post('/api/v1/auth/register', {
        email: 'eve@example.com',
        username: 'eve',
        password,
      });
      const session = registered.body.token as string;
      await api.post('/api/v1/auth/login', { login: 'eve', password: `${password} wrong` });
      const created = await api.post('/api/v1/tokens', { name: 'ci' }, session);
      const secret = created.body.secret as string;
      await api.get('/api/v1/me', secret);
      await api.get('/api/v1/me', `${secret}forged`);
      await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: `{"password": "${password}", ` });
      expect(logged.length).toBeGreaterThan(0);
      expect(logged).toContain('incoming request');
      for (const value of [password, session, secret, secret.slice(10)]) expect(logged).not.toContain(value);
    } finally {
      await app.close();
    }
  });

  it('carry the SQLSTATE and statement of a database error, never its bound values', async () => {
    const test = await openTestPglite(inject('pgliteDump'));
    const deps = assembleDeps(
      test.database,
      new InMemoryContentStore(),
      { authz: 'rbac', publicRead: false, registration: 'open' },
      { argon2: CHEAP_ARGON2 },
    );
    const { app, sink } = await loggingApp(deps);
    try {
      const api = client(app);
      const password = 'very secret passphrase 42';
      const registered = await api.post('/api/v1/auth/register', {
        email: 'eve@example.com',
        username: 'eve',
        password,
      });
      expect(registered.status).toBe(201);
      const session = registered.body.token as string;
      const [eve] = (await test.database.users.list({ limit: 1 })).items;
      const argon2Hash = eve?.passwordHash as string;
      expect(argon2Hash).toMatch(/^\$argon2id\$/);
      // Writes of a password hash and reads by a token hash now fail in the database, with those
      // hashes among the statement's parameters (check_violation 23514, undefined_column 42703).
      await test.connection.db.execute(
        sql.raw('alter table users add constraint users_hash_short check (length(password_hash) < 5) not valid'),
      );
      await test.connection.db.execute(sql.raw('alter table api_tokens rename column token_hash to hash_of_token'));
      const failedWrite = await api.post('/api/v1/auth/register', {
        email: 'mallory@example.com',
        username: 'mallory',
        password,
      });
      expect(failedWrite.status).toBe(500);
      const failedRead = await api.get('/api/v1/me', session);
      expect(failedRead.status).toBe(500);
      const tokenHash = createHash('sha256').update(session).digest('hex');
      for (const value of [argon2Hash, argon2Hash.split('$').at(-1) as string, tokenHash, 'mallory@example.com']) {
        expect(sink.logged).not.toContain(value);
      }
      expect(sink.logged).toContain('"code":"23514"');
      expect(sink.logged).toContain('"code":"42703"');
      expect(sink.logged).toContain('insert into \\"users\\"');
    } finally {
      await app.close();
      await test.close();
    }
  });
});
