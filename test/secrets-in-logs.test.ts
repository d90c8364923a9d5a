import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/entrypoints/http/app.ts';
import { LOG_REDACT } from '../src/entrypoints/http/server.ts';
import { createInMemoryDeps } from '../src/testing/in-memory-deps.ts';
import { client } from './support/http.ts';

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
});
