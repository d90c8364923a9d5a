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
 * Resolves the bearer token of every request into `request.actor`. No header is an anonymous
 * actor (the use case decides whether that is enough); a header that is not a valid token is 401.
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
}
