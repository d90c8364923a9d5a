import type { Actor } from '../../domain/accounts/actor.ts';
import { UnauthenticatedError } from '../../domain/errors.ts';
import type { AtlasDeps } from '../deps.ts';
import { hashTokenSecret, looksLikeTokenSecret } from './token-secrets.ts';

/** Records a token's use at most this often, so authenticated reads do not each write. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Resolves a bearer token to the actor it stands for.
 * - a malformed, unknown, revoked or expired token is UnauthenticatedError, all with the same message;
 * - a token whose user is gone is unknown.
 */
export async function authenticate(
  { db, clock }: Pick<AtlasDeps, 'db' | 'clock'>,
  secret: string,
  ip: string | null,
): Promise<Actor> {
  const refused = new UnauthenticatedError('the token is invalid, expired or revoked; sign in again');
  if (!looksLikeTokenSecret(secret)) throw refused;
  const token = await db.tokens.findByHash(hashTokenSecret(secret));
  const now = clock.now();
  if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now)) throw refused;
  const user = await db.users.findById(token.userId);
  if (!user) throw refused;
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await db.tokens.touch(token.id, now);
  }
  return { user, tokenId: token.id, ip };
}
