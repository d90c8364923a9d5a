import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { storableText, storableTextProblem } from '../../domain/manifests/json-safe.ts';

const COMMON: Options = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false };

function ajvWith(options: Options): Ajv {
  const ajv = new Ajv({ ...COMMON, ...options });
  addFormats.default(ajv);
  return ajv;
}

/** An error in Ajv's shape for each name or value (a list's items included) PostgreSQL could not store. */
function unstorableErrors(data: unknown): ErrorObject[] {
  if (typeof data !== 'object' || data === null) return [];
  const errors: ErrorObject[] = [];
  for (const [key, value] of Object.entries(data)) {
    const instancePath = `/${storableText(key, 200).replaceAll('~', '~0').replaceAll('/', '~1')}`;
    const problem = [key, ...(Array.isArray(value) ? value : [value])]
      .map((text) => (typeof text === 'string' ? storableTextProblem(text) : undefined))
      .find((found) => found !== undefined);
    if (problem) errors.push({ instancePath, schemaPath: '#', keyword: 'storable', params: {}, message: problem });
  }
  return errors;
}

/**
 * Refuses, before the schema sees them, text values that PostgreSQL could not store (a `%00` in `?q=` is a 400
 * naming `query/q`, never a 500 from the database). Keeps Ajv's `schemaEnv`, so Fastify still lets it coerce.
 */
function storableOnly(validate: ValidateFunction): ValidateFunction {
  const wrapped = ((data: unknown, context?: Parameters<ValidateFunction>[1]) => {
    const errors = unstorableErrors(data);
    if (errors.length > 0) {
      wrapped.errors = errors;
      return false;
    }
    const valid = validate(data, context);
    wrapped.errors = validate.errors;
    return valid;
  }) as ValidateFunction;
  return Object.assign(wrapped, { schemaEnv: true });
}

/**
 * Request validation with two rule sets: query strings, path parameters and headers arrive as
 * text, so `"20"` becomes `20` there; JSON bodies are typed already, so a wrong type in a body is
 * an error and never quietly converted (`"tags": "pdf"` is refused, not stored as `["pdf"]`).
 * Text outside the body that holds a NUL or a lone surrogate is refused (bodies are checked by the use cases).
 * Each validator is compiled on its route's first request; `eager` compiles it when the route is added.
 */
export function validatorCompiler(options: { eager?: boolean } = {}): FastifySchemaCompiler<unknown> {
  const coercing = ajvWith({ coerceTypes: 'array' });
  const strict = ajvWith({ coerceTypes: false });
  const later = options.eager ? (compile: () => ValidateFunction) => compile() : lazily;
  return ({ schema, httpPart }) =>
    httpPart === 'body'
      ? later(() => strict.compile(schema as object))
      : storableOnly(later(() => coercing.compile(schema as object)));
}

/**
 * Ajv's function, compiled on the route's first request rather than at start (most routes of a server are never
 * called, and each compiled validator stays in memory). Marked as Ajv's, so Fastify passes the request as the
 * parent and Ajv can coerce the request part in place; its `errors` are Ajv's.
 */
function lazily(compile: () => ValidateFunction): ValidateFunction {
  let validate: ValidateFunction | undefined;
  const wrapped = ((data: unknown, context?: Parameters<ValidateFunction>[1]) => {
    validate ??= compile();
    const valid = validate(data, context);
    wrapped.errors = validate.errors;
    return valid;
  }) as ValidateFunction;
  return Object.assign(wrapped, { schemaEnv: true });
}
