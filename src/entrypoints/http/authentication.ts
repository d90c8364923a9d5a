import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate } from '../../application/accounts/authenticate.ts';
import type { AtlasDeps } from '../../application/deps.ts';
import { type Actor, anonymous } from '../../domain/accounts/actor.ts';
import { UnauthenticatedError } from '../../domain/errors.ts';
import { checkCsrf, isWrite, sessionSecretOf } from './browser-session.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking: resolved from `Authorization: Bearer` or the browser's session cookie before the route runs. */
    actor: Actor;
  }
}

/**
 * Resolves who is asking into `request.actor`, in onRequest: before any body is read.
 * - `Authorization: Bearer <token>` (the API, CLI and MCP): a header that is not a valid token is 401; no CSRF
 *   check applies and any session cookie is ignored;
 * - otherwise the browser's session cookie (see browser-session.ts): every write made with it must pass the CSRF
 *   check first (403); a cookie whose session is expired or revoked is no session, so a stale cookie never locks a
 *   browser out of the pages that need nobody signed in;
 * - neither is an anonymous actor (the use case decides whether that is enough).
 */
export async function registerAuthentication(app: FastifyInstance, deps: AtlasDeps): Promise<void> {
  await app.register(cookie);
  app.decorateRequest('actor', null as unknown as Actor);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    if (header === undefined) {
      request.actor = await cookieActor(deps, request);
      return;
    }
    const match = /^Bearer ([^\s]+)$/i.exec(header);
    if (!match?.[1]) {
      throw new UnauthenticatedError('the Authorization header must be "Bearer <token>"');
    }
    request.actor = await authenticate(deps, match[1], request.ip);
  });
  // An answer sent before the body was read (a 401 from the hook above, a 403 before an upload) closes the
  // connection: kept alive, Node would read and discard the whole body to reach the next request.
  app.addHook('onSend', async (request, reply) => {
    const { headers, raw } = request;
    const hasBody = headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
    if (hasBody && !raw.complete) reply.header('connection', 'close');
  });
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
