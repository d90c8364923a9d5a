import type { Actor } from '../../domain/accounts/actor.ts';
import { UnauthenticatedError } from '../../domain/errors.ts';
import { auditEntry } from '../audit.ts';
import type { AtlasDeps } from '../deps.ts';

/** Revokes the token the request was made with, at once. */
export async function logoutUser(
  { db, clock, tokenCache }: Pick<AtlasDeps, 'db' | 'clock' | 'tokenCache'>,
  actor: Actor,
): Promise<void> {
  if (!actor.user || !actor.tokenId) throw new UnauthenticatedError('sign in first');
  const now = clock.now();
  const tokenId = actor.tokenId;
  await db.transaction(async (tx) => {
    await tx.tokens.revoke(tokenId, now);
    await tx.audit.append(auditEntry(actor, now, 'auth.logout', `token/${tokenId}`));
  });
  await tokenCache.revoked(tokenId);
}
