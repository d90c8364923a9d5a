import type { Actor } from '../../domain/accounts/actor.ts';
import { UnauthenticatedError } from '../../domain/errors.ts';
import type { AtlasDeps } from '../deps.ts';
import { hashTokenSecret, looksLikeTokenSecret } from './token-secrets.ts';

/** Records a token's use at most this often, so authenticated reads do not each write. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Resolves a bearer token to the actor it stands for.
 * - a malformed, unknown, revoked or expired token is UnauthenticatedError, all with the same message;
 * - a token whose user is gone is unknown;
 * - resolved tokens are cached briefly; a revocation drops them everywhere at once (see TokenCache).
 */
export async function authenticate(
  { db, clock, tokenCache }: Pick<AtlasDeps, 'db' | 'clock' | 'tokenCache'>,
  secret: string,
  ip: string | null,
): Promise<Actor> {
  // Made only when thrown: an error captures a stack, which every authenticated request would otherwise pay for.
  const refused = () => new UnauthenticatedError('the token is invalid, expired or revoked; sign in again');
  if (!looksLikeTokenSecret(secret)) throw refused();
  const hash = hashTokenSecret(secret);
  const now = clock.now();
  const cached = tokenCache.get(hash, now.getTime());
  const found = cached ?? (await db.tokens.findWithUser(hash));
  if (!found) throw refused();
  if (!cached) tokenCache.put(found, now.getTime());
  const { token, user } = found;
  if (token.revokedAt || (token.expiresAt && token.expiresAt <= now)) throw refused();
  if (!cached && (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > TOUCH_EVERY_MS)) {
    await db.tokens.touch(token.id, now);
  }
  return { user, tokenId: token.id, ip, scopes: token.scopes };
}
