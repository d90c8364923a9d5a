import { IsSchema, type Static, type TSchema, Type } from 'typebox';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTALL_CLIENTS, MCP_CLIENTS } from '../../domain/catalog/install-clients.ts';
import { ConflictError, RateLimitedError, ValidationError } from '../../domain/errors.ts';
import { type ManifestFixture, readManifestFixture } from '../../domain/manifests/testing/manifest-fixtures.ts';
import { createInMemoryDeps } from '../../testing/in-memory-deps.ts';
import { type AtlasApp, buildApp } from './app.ts';
import * as accounts from './schemas/accounts.ts';
import * as audit from './schemas/audit.ts';
import * as common from './schemas/common.ts';
import * as health from './schemas/health.ts';
import { SHARED_SCHEMAS } from './schemas/index.ts';
import * as items from './schemas/items.ts';
import * as problem from './schemas/problem.ts';
import * as teams from './schemas/teams.ts';
import * as tokens from './schemas/tokens.ts';

describe('HTTP shell', () => {
  let app: AtlasApp;
  const deps = createInMemoryDeps();
  let dbDown = false;

  beforeAll(async () => {
    const ping = deps.db.ping.bind(deps.db);
    deps.db.ping = async () => {
      if (dbDown) throw new Error('connection refused');
      return ping();
    };
    app = await buildApp(deps, { maxBodyBytes: 1024, maxRequestBytes: 1024 });
    // Routes that exist only to exercise the error handler.
    app.post(
      '/test/echo',
      {
        schema: {
          body: Type.Object(
            { name: Type.String({ minLength: 2 }), count: Type.Integer({ minimum: 0 }) },
            { additionalProperties: false },
          ),
        },
      },
      async (request) => request.body,
    );
    app.get('/test/conflict', async () => {
      throw new ConflictError('that name is taken');
    });
    app.get('/test/invalid', async () => {
      throw new ValidationError([
        { path: 'SKILL.md#/name', message: 'is required' },
        { path: 'SKILL.md#/description', message: 'is required' },
      ]);
    });
    app.get('/test/limited', async () => {
      throw new RateLimitedError('slow down', new Date(Date.now() + 30_000));
    });
    app.get('/test/boom', async () => {
      throw new Error('secret internals: password=hunter2');
    });
    await app.ready();
  });
  afterAll(() => app.close());

  it("compiles every route's validators and serialisers with eagerSchemas (a server compiles each on first use)", async () => {
    const withBrokenRoute = async (eagerSchemas: boolean) => {
      const built = await buildApp(createInMemoryDeps(), { eagerSchemas });
      // A response schema no compiler accepts: it points at nothing.
      built.get('/test/broken', { schema: { response: { 200: { $ref: '#/nowhere' } } } }, async () => ({}));
      return built;
    };
    const lazy = await withBrokenRoute(false);
    try {
      await expect(lazy.ready()).resolves.toBeDefined();
    } finally {
      await lazy.close();
    }
    const eager = await withBrokenRoute(true);
    await expect(eager.ready()).rejects.toThrow();
    await eager.close().catch(() => undefined);
    // Every route Atlas has compiles.
    const atlas = await buildApp(createInMemoryDeps(), { eagerSchemas: true });
    try {
      await expect(atlas.ready()).resolves.toBeDefined();
    } finally {
      await atlas.close();
    }
  });

  it('answers /healthz', async () => {
    const res = await app.inject('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz 200 while the database answers and 503 when it does not', async () => {
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    dbDown = true;
    try {
      const res = await app.inject('/readyz');
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: 'database unreachable' });
    } finally {
      dbDown = false;
    }
  });

  it('counts requests and latency by route pattern on /metrics', async () => {
    await app.inject('/healthz');
    await app.inject('/no/such/route/42');
    const res = await app.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/atlas_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(res.body).toContain('atlas_http_request_duration_seconds_bucket');
    expect(res.body).toMatch(/route="unmatched",status="404"/);
    expect(res.body).not.toContain('/no/such/route/42');
  });

  it('serves the OpenAPI 3.1 document and the interactive docs', async () => {
    const spec = (await app.inject('/openapi.json')).json();
    expect(spec.openapi).toBe('3.1.0');
    expect(spec.paths['/healthz'].get).toBeDefined();
    const docs = await app.inject('/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });

  it('answers an unknown route with a problem document', async () => {
    const res = await app.inject('/api/v1/nothing');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 404, code: 'not_found', detail: 'no route for GET /api/v1/nothing' });
  });

  it('lists every schema problem with where and what, unknown fields included', async () => {
    const res = await app.inject({ method: 'POST', url: '/test/echo', payload: { name: 'x', count: -1, extra: true } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('validation');
    expect(body.problems).toEqual(
      expect.arrayContaining([
        { path: 'extra', message: 'is not a known field' },
        expect.objectContaining({ path: 'name' }),
        expect.objectContaining({ path: 'count' }),
      ]),
    );
  });

  it('reports a missing field by name', async () => {
    const res = await app.inject({ method: 'POST', url: '/test/echo', payload: { name: 'ok' } });
    expect(res.json().problems).toEqual([{ path: 'count', message: 'is required' }]);
  });

  it('answers malformed JSON with 400, a wrong media type with 415 and an oversize body with 413', async () => {
    const malformed = await app.inject({
      method: 'POST',
      url: '/test/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": "ab", ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('malformed_body');
    const media = await app.inject({
      method: 'POST',
      url: '/test/echo',
      headers: { 'content-type': 'text/x-unknown' },
      payload: 'hello',
    });
    expect(media.statusCode).toBe(415);
    const big = await app.inject({ method: 'POST', url: '/test/echo', payload: { name: 'x'.repeat(5000), count: 1 } });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('too_large');
  });

  it('maps domain errors through the one table, with every problem of a ValidationError', async () => {
    expect((await app.inject('/test/conflict')).json()).toMatchObject({
      status: 409,
      code: 'conflict',
      detail: 'that name is taken',
    });
    const invalid = (await app.inject('/test/invalid')).json();
    expect(invalid.status).toBe(400);
    expect(invalid.problems).toHaveLength(2);
    const limited = await app.inject('/test/limited');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(29);
  });

  it('answers an unexpected error with 500 and no internals', async () => {
    const res = await app.inject('/test/boom');
    expect(res.statusCode).toBe(500);
    expect(res.json().code).toBe('internal');
    expect(res.body).not.toContain('hunter2');
  });
});

describe('the wire contract (schemas/)', () => {
  // The shared schemas by $id, as the app registers them, so references resolve as they do in Fastify.
  const context: Record<string, TSchema> = Object.fromEntries(
    SHARED_SCHEMAS.map((schema) => [(schema as { $id?: string }).$id, schema]),
  );
  const problemsOf = (schema: TSchema, value: unknown) =>
    Value.Errors(context, schema, value).map((error) => `${error.instancePath || '/'} ${error.message}`);

  it('holds the examples its schemas show in the OpenAPI document', () => {
    let checked = 0;
    for (const module of [accounts, audit, common, health, items, problem, teams, tokens]) {
      for (const [name, schema] of Object.entries(module)) {
        const examples = IsSchema(schema) ? (schema as { examples?: unknown }).examples : undefined;
        if (!Array.isArray(examples)) continue;
        for (const example of examples) {
          expect(problemsOf(schema, example), name).toEqual([]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });

  it('describes what the routes answer: every answer validates against its exported schema', async () => {
    const app = await buildApp(createInMemoryDeps());
    let token: string | undefined;
    /** Sends a request, and checks the answer against the schema its route is declared with. */
    const answer = async <T extends TSchema>(
      schema: T,
      method: 'GET' | 'POST' | 'PUT' | 'PATCH',
      url: string,
      payload?: object,
    ): Promise<Static<T>> => {
      const res = await app.inject({
        method,
        url,
        headers: token ? { authorization: `Bearer ${token}` } : {},
        ...(payload ? { payload } : {}),
      });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
      expect(problemsOf(schema, res.json()), `${method} ${url}`).toEqual([]);
      return res.json();
    };
    const text = (fixture: ManifestFixture) => new TextDecoder().decode(readManifestFixture(fixture));
    try {
      ({ token } = await answer(accounts.SignedInSchema, 'POST', '/api/v1/auth/register', {
        email: 'ada@example.com',
        username: 'ada',
        password: 'a long test passphrase',
      }));
      await answer(teams.TeamAnswerSchema, 'POST', '/api/v1/teams', { slug: 'platform', name: 'Platform' });
      await answer(accounts.MeSchema, 'GET', '/api/v1/me');
      await answer(teams.TeamDetailsSchema, 'GET', '/api/v1/teams/platform');
      await answer(tokens.CreatedTokenSchema, 'POST', '/api/v1/tokens', { name: 'laptop' });
      await answer(tokens.TokenListSchema, 'GET', '/api/v1/tokens');

      const published = [
        { path: 'SKILL.md', fixture: 'pdfSkill' },
        { path: 'server.json', fixture: 'githubServer' },
        { path: 'tool.json', fixture: 'httpTool' },
      ] as const;
      for (const { path, fixture } of published) {
        const { item } = await answer(items.PublishedSchema, 'POST', '/api/v1/items', {
          namespace: 'ada',
          files: [{ path, content: text(fixture) }],
        });
        const url = `/api/v1/items/${item.ref}`;
        await answer(items.ItemDetailsSchema, 'GET', url);
        const { items: versions } = await answer(items.ItemVersionPageSchema, 'GET', `${url}/versions`);
        await answer(items.ItemAtVersionSchema, 'GET', `${url}/versions/${versions[0]!.commitSha}`);
        // The agents folder takes skills and tools, not MCP servers.
        for (const client of item.kind === 'mcp' ? MCP_CLIENTS : INSTALL_CLIENTS) {
          const { install } = await answer(items.InstallAnswerSchema, 'POST', `${url}/installs`, { client });
          expect(install.kind).toBe(item.kind);
        }
      }
      await answer(items.ItemAnswerSchema, 'PATCH', '/api/v1/items/skill/ada/pdf-tools', { tags: ['pdf'] });
      await answer(items.ItemPageSchema, 'GET', '/api/v1/items');
      await answer(audit.AuditPageSchema, 'GET', '/api/v1/audit');

      const missing = await app.inject({
        url: '/api/v1/items/skill/ada/missing',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(missing.statusCode).toBe(404);
      expect(problemsOf(problem.ProblemSchema, missing.json())).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
