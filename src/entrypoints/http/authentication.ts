import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate } from '../../application/accounts/authenticate.ts';
import type { AtlasDeps } from '../../application/deps.ts';
import { type Actor, anonymous } from '../../domain/accounts/actor.ts';
import { UnauthenticatedError } from '../../domain/errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking: resolved from `Authorization: Bearer` before the route runs. */
    actor: Actor;
  }
}

/**
 * Resolves the bearer token of every request into `request.actor`, in onRequest: before any body is read. No
 * header is an anonymous actor (the use case decides whether that is enough); a header that is not a valid token
 * is 401.
 */
export function registerAuthentication(app: FastifyInstance, deps: AtlasDeps): void {
  app.decorateRequest('actor', null as unknown as Actor);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    if (header === undefined) {
      request.actor = anonymous(request.ip);
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
