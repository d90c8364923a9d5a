import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError } from '../../domain/errors.ts';

/**
 * Browser sessions: the session token of a browser sign-in lives in an HttpOnly cookie, so no script on the page can
 * read it, and every write made with that cookie must prove it comes from Atlas's own pages:
 * - the `Origin` header (or, without one, the `Referer`) must be Atlas's own origin, as the request reached it
 *   (scheme and host as ATLAS_TRUST_PROXY lets the proxy tell them);
 * - the `X-CSRF-Token` header must hold the token derived from the session secret, which only a page that could
 *   read `GET /api/v1/session` knows.
 * The cookie is SameSite=Strict (the pages load their data with same-site requests, so a link from elsewhere still
 * opens a signed-in page), `Secure` over https, where it also takes the `__Host-` prefix that pins it to this host.
 * A request with `Authorization: Bearer` is a program's, not a browser session's: it is never subject to these
 * checks, and its cookie, if any, is ignored.
 */

const COOKIE = 'atlas_session';
const SECURE_COOKIE = `__Host-${COOKIE}`;
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const isSecure = (request: FastifyRequest) => request.protocol === 'https';
const cookieName = (request: FastifyRequest) => (isSecure(request) ? SECURE_COOKIE : COOKIE);

/** The session secret the request's cookie carries; undefined without one. */
export function sessionSecretOf(request: FastifyRequest): string | undefined {
  const value = request.cookies?.[cookieName(request)];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Whether a request changes something: every method but GET, HEAD and OPTIONS. */
export const isWrite = (request: FastifyRequest) => !SAFE_METHODS.has(request.method);

/**
 * The CSRF token of a session: a MAC of a fixed label under the session secret. It needs no storage, dies with the
 * session, and tells nothing about the secret.
 */
export function csrfTokenFor(secret: string): string {
  return createHmac('sha256', secret).update('atlas csrf token v1').digest('base64url');
}

/** The origin the request reached: scheme and host (with port), honouring a trusted proxy's forwarded headers. */
export function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/** The origin a browser says the request comes from: `Origin`, else the origin of `Referer`; undefined without either. */
function claimedOrigin(request: FastifyRequest): string | undefined {
  const origin = request.headers.origin;
  if (typeof origin === 'string' && origin !== '') return origin;
  const referer = request.headers.referer;
  if (typeof referer !== 'string' || referer === '') return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

/** ForbiddenError unless the browser says the request comes from a page of Atlas's own origin. */
export function requireSameOrigin(request: FastifyRequest): void {
  const claimed = claimedOrigin(request);
  if (claimed === undefined) {
    throw new ForbiddenError('cross-site request refused: a browser write must carry an Origin header');
  }
  if (claimed.toLowerCase() !== ownOrigin(request).toLowerCase()) {
    throw new ForbiddenError(`cross-site request refused: origin ${claimed} is not this site`);
  }
}

/** The checks every write made with the session cookie passes: same origin, and the session's CSRF token. */
export function checkCsrf(request: FastifyRequest, secret: string): void {
  requireSameOrigin(request);
  const sent = request.headers[CSRF_HEADER];
  const expected = Buffer.from(csrfTokenFor(secret));
  const given = Buffer.from(typeof sent === 'string' ? sent : '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ForbiddenError(
      'cross-site request refused: a write made with the session cookie needs the X-CSRF-Token header from GET /api/v1/session',
    );
  }
}

/** Sets the session cookie of a browser sign-in and returns the CSRF token its writes must echo. */
export function startBrowserSession(
  request: FastifyRequest,
  reply: FastifyReply,
  secret: string,
  ttlMs: number,
): string {
  reply.setCookie(cookieName(request), secret, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: isSecure(request),
    maxAge: Math.floor(ttlMs / 1000),
  });
  return csrfTokenFor(secret);
}

/** Tells the browser to drop its session cookie. */
export function endBrowserSession(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(cookieName(request), {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: isSecure(request),
  });
}
