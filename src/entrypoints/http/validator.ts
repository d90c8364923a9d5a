import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const COMMON: Options = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false };

function ajvWith(options: Options): Ajv {
  const ajv = new Ajv({ ...COMMON, ...options });
  addFormats.default(ajv);
  return ajv;
}

/**
 * Request validation with two rule sets: query strings, path parameters and headers arrive as
 * text, so `"20"` becomes `20` there; JSON bodies are typed already, so a wrong type in a body is
 * an error and never quietly converted (`"tags": "pdf"` is refused, not stored as `["pdf"]`).
 */
export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const coercing = ajvWith({ coerceTypes: 'array' });
  const strict = ajvWith({ coerceTypes: false });
  // Ajv's own function: Fastify reads its `errors`, and lets it coerce the request part in place.
  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema as object);
}
