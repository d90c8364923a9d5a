import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate } from '../../application/accounts/authenticate.ts';
import type { AtlasDeps } from '../../application/deps.ts';
import { type Actor, anonymous } from '../../domain/accounts/actor.ts';
import { scopeAllows, type TokenScope } from '../../domain/accounts/api-token.ts';
import { ForbiddenError, UnauthenticatedError } from '../../domain/errors.ts';
import { checkCsrf, isWrite, sessionSecretOf } from './browser-session.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking: resolved from `Authorization: Bearer` or the browser's session cookie before the route runs. */
    actor: Actor;
  }
  interface FastifyContextConfig {
    /** The token scope a route needs (`full` when unset): the MCP Registry API's routes need only `registry:read`. */
    tokenScope?: TokenScope;
  }
}

/**
 * Resolves who is asking into `request.actor`, in onRequest: before any body is read.
 * - `Authorization: Bearer <token>` (the API, CLI and MCP): a header that is not a valid token is 401; no CSRF
 *   check applies and any session cookie is ignored;
 * - otherwise the browser's session cookie (see browser-session.ts): every write made with it must pass the CSRF
 *   check first (403); a cookie whose session is expired or revoked is no session, so a stale cookie never locks a
 *   browser out of the pages that need nobody signed in;
 * - neither is an anonymous actor (the use case decides whether that is enough);
 * - a token scoped to less than `full` reaches only the routes whose `tokenScope` it has: anywhere else it is 403
 *   (the REST API, the MCP endpoint, exports), even where anonymous readers are let in.
 */
export async function registerAuthentication(app: FastifyInstance, deps: AtlasDeps): Promise<void> {
  await app.register(cookie);
  app.decorateRequest('actor', null as unknown as Actor);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    if (header === undefined) {
      request.actor = await cookieActor(deps, request);
      checkScope(request);
      return;
    }
    const basic = gitBasicToken(request, header);
    if (basic !== undefined) {
      request.actor = await authenticate(deps, basic, request.ip);
      checkScope(request);
      return;
    }
    const match = /^Bearer ([^\s]+)$/i.exec(header);
    if (!match?.[1]) {
      throw new UnauthenticatedError('the Authorization header must be "Bearer <token>"');
    }
    request.actor = await authenticate(deps, match[1], request.ip);
    checkScope(request);
  });
  // An answer sent before the body was read (a 401 from the hook above, a 403 before an upload) closes the
  // connection: kept alive, Node would read and discard the whole body to reach the next request.
  app.addHook('onSend', async (request, reply) => {
    const { headers, raw } = request;
    const hasBody = headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
    if (hasBody && !raw.complete) reply.header('connection', 'close');
  });
}

function checkScope(request: FastifyRequest): void {
  const scopes = request.actor.scopes;
  const needed = request.routeOptions.config?.tokenScope ?? 'full';
  if (scopes === undefined || scopeAllows(scopes, needed)) return;
  throw new ForbiddenError(
    `this token has the scope ${scopes.join(', ')}: it reads the MCP Registry API (/v0.1, /v0, /registries/...) and nothing else; use a token with the scope full here`,
  );
}

/**
 * The token git sends as a Basic password (any user name) when it reads a plugin repository: git's credential
 * helpers answer Basic challenges only. Accepted on those read-only routes alone (a fetch is a POST that writes
 * nothing), so that a browser that once remembered Basic credentials never carries them into a write elsewhere.
 */
function gitBasicToken(request: FastifyRequest, header: string): string | undefined {
  if (!/^(?:\/registries\/[^/]+)?\/marketplaces\/git\//.test(request.url)) return undefined;
  const fetch = request.method === 'POST' && /\/git-upload-pack$/.test(request.url);
  if (request.method !== 'GET' && request.method !== 'HEAD' && !fetch) return undefined;
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 || colon === decoded.length - 1 ? undefined : decoded.slice(colon + 1);
}

async function cookieActor(deps: AtlasDeps, request: FastifyRequest): Promise<Actor> {
  const secret = sessionSecretOf(request);
  if (secret === undefined) return anonymous(request.ip);
  // Checked before the token is looked up: a forged cross-site write costs no database read.
  if (isWrite(request)) checkCsrf(request, secret);
  try {
    return await authenticate(deps, secret, request.ip);
  } catch (error) {
    if (error instanceof UnauthenticatedError) return anonymous(request.ip);
    throw error;
  }
}
