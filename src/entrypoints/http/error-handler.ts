import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  AtlasError,
  type AtlasErrorCode,
  type Problem,
  RateLimitedError,
  TooLargeError,
  ValidationError,
} from '../../domain/errors.ts';
import type { ProblemDocument } from './schemas/problem.ts';

/** The one table from domain error to HTTP status. A new code does not compile until it is mapped here. */
export const STATUS_BY_CODE = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  server_name_taken: 409,
  precondition_required: 428,
  stale_revision: 412,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
} satisfies Record<AtlasErrorCode, number>;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function sendProblem(
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
  problems?: readonly Problem[],
  currentTreeSha?: string,
): FastifyReply {
  const body: ProblemDocument = {
    type: `urn:atlas:problem:${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    instance: reply.request.url,
    ...(problems && problems.length > 0 ? { problems: [...problems] } : {}),
    ...(currentTreeSha ? { currentTreeSha } : {}),
  };
  return reply.status(status).type('application/problem+json; charset=utf-8').send(body);
}

/** Fastify's own request errors (bad JSON, body too large, wrong media type) by their code. */
const FASTIFY_CODES: Record<string, { status: number; code: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'malformed_body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'malformed_body' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'malformed_body' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'too_large' },
  FST_ERR_CTP_INVALID_TYPE: { status: 400, code: 'malformed_body' },
  FST_ERR_VALIDATION: { status: 400, code: 'validation' },
};

interface AjvError {
  instancePath?: string;
  schemaPath?: string;
  keyword?: string;
  params?: Record<string, unknown>;
  message?: string;
}

/**
 * Turns Ajv's errors into problems: a JSON pointer into the body without a prefix (as the use cases
 * report theirs, e.g. `files/0/path`), and `query/...`, `params/...` or `headers/...` elsewhere.
 */
function validationProblems(errors: AjvError[], context: string | undefined): Problem[] {
  const part = context === undefined || context === 'body' ? '' : context === 'querystring' ? 'query' : context;
  // A union (`anyOf`) reports every branch that failed. Where one branch has a real complaint the
  // other branches' type errors are noise; where only type errors remain, they say one thing: the
  // value must be one of those types.
  const isBranchType = (e: AjvError) => e.keyword === 'type' && e.schemaPath?.includes('/anyOf/') === true;
  const relevant: AjvError[] = [];
  const paths = [...new Set(errors.map((e) => e.instancePath ?? ''))];
  for (const path of paths) {
    const here = errors.filter((e) => (e.instancePath ?? '') === path && e.keyword !== 'anyOf');
    const real = here.filter((e) => !isBranchType(e));
    const deeper = errors.some((e) => (e.instancePath ?? '').startsWith(`${path}/`) && !isBranchType(e));
    if (real.length > 0 || deeper) relevant.push(...real);
    else if (here.length > 0) {
      const types = here.map((e) => String(e.params?.type ?? '')).filter(Boolean);
      relevant.push({ ...here[0], message: `must be ${[...new Set(types)].join(' or ')}` });
    }
  }
  return relevant.map((e) => {
    let path = [part, (e.instancePath ?? '').replace(/^\//, '')].filter(Boolean).join('/') || 'body';
    let message = e.message ?? 'is invalid';
    const under = (field: string) => (path === 'body' ? field : `${path}/${field}`);
    if (e.keyword === 'additionalProperties' && typeof e.params?.additionalProperty === 'string') {
      path = under(e.params.additionalProperty);
      message = 'is not a known field';
    } else if (e.keyword === 'required' && typeof e.params?.missingProperty === 'string') {
      path = under(e.params.missingProperty);
      message = 'is required';
    }
    return { path, message };
  });
}

/** How an HTTP caller retries a write refused for its revision: the use case says what, the edge says how. */
function withHttpHint(error: AtlasError): string {
  const revision = error.currentRevision;
  if (revision === undefined) return error.message;
  if (error.code === 'conflict') return `${error.message}: PUT its files with If-Match: "${revision}"`;
  if (error.code === 'precondition_required') return `${error.message}: send If-Match: "${revision}" (its ETag)`;
  return error.message;
}

/** The single error handler: domain errors by code, Fastify's request errors, and 500 for the rest. */
export function handleError(this: unknown, error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AtlasError) {
    const status = STATUS_BY_CODE[error.code];
    if (error instanceof RateLimitedError) {
      reply.header('retry-after', Math.max(1, Math.ceil((error.retryAt.getTime() - Date.now()) / 1000)));
    }
    if (status >= 500) request.log.warn({ err: error }, 'dependency unavailable');
    if (error.code === 'unauthenticated') reply.header('www-authenticate', 'Bearer realm="atlas"');
    const problems = error instanceof ValidationError || error instanceof TooLargeError ? error.problems : undefined;
    return sendProblem(reply, status, error.code, withHttpHint(error), problems, error.currentRevision);
  }
  if (error.validation) {
    const problems = validationProblems(error.validation as AjvError[], error.validationContext);
    const detail = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
    return sendProblem(reply, 400, 'validation', detail, problems);
  }
  const known = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (known) return sendProblem(reply, known.status, known.code, error.message);
  if (error.statusCode === 429) {
    return sendProblem(reply, 429, 'rate_limited', error.message || 'too many requests; slow down');
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return sendProblem(reply, error.statusCode, 'bad_request', error.message);
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(reply, 500, 'internal', 'something went wrong on our side; the error has been logged');
}
