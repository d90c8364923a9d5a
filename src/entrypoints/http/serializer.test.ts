import { describe, expect, it } from 'vitest';
import { lazySerializers } from './serializer.ts';
import { validatorCompiler } from './validator.ts';

const ROUTE = { method: 'GET', url: '/things', httpStatus: '200' };
const THING = {
  type: 'object',
  properties: { name: { type: 'string' }, count: { type: 'integer' } },
  required: ['name'],
};
/** A schema fast-json-stringify and Ajv refuse when they compile it. */
const BROKEN = { type: 'object', properties: { name: { $ref: '#/nowhere' } } };

describe('response serialisers', () => {
  it('compile on the first answer and write only what the schema lists', () => {
    const serialize = lazySerializers()({}, {})({ ...ROUTE, schema: THING });
    expect(JSON.parse(serialize({ name: 'pdf', count: 2, passwordHash: 'secret' }))).toEqual({ name: 'pdf', count: 2 });
    expect(serialize({ name: 'csv', count: 1 })).toBe('{"name":"csv","count":1}');
  });

  it('leave a schema alone until a route answers with it, unless eager', () => {
    const serialize = lazySerializers()({}, {})({ ...ROUTE, schema: BROKEN });
    expect(() => serialize({ name: 'x' })).toThrow();
    expect(() => lazySerializers({ eager: true })({}, {})({ ...ROUTE, schema: BROKEN })).toThrow();
  });
});

describe('request validators', () => {
  const compile = (schema: object, httpPart: string, eager?: boolean) =>
    validatorCompiler({ eager })({ schema, httpPart, method: 'GET', url: '/things' }) as unknown as ((
      data: unknown,
      context?: object,
    ) => boolean) & { errors?: unknown[] | null; schemaEnv?: unknown };

  it('compile on the first request, coerce a query in place and report Ajv errors', () => {
    const validate = compile({ type: 'object', properties: { limit: { type: 'integer' } } }, 'querystring');
    expect(validate.schemaEnv).toBeTruthy();
    const request = { query: { limit: '20' } };
    expect(validate(request.query, { parentData: request, parentDataProperty: 'query' })).toBe(true);
    expect(request.query.limit).toBe(20);
    expect(validate({ limit: 'many' })).toBe(false);
    expect(validate.errors).toMatchObject([{ instancePath: '/limit', keyword: 'type' }]);
  });

  it('leave a schema alone until a request needs it, unless eager', () => {
    const validate = compile(BROKEN, 'body');
    expect(() => validate({ name: 'x' })).toThrow();
    expect(() => compile(BROKEN, 'body', true)).toThrow();
  });
});
