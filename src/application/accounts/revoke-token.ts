import type { Actor } from '../../domain/accounts/actor.ts';
import { NotFoundError, UnauthenticatedError } from '../../domain/errors.ts';
import { isId } from '../../domain/ids.ts';
import { auditEntry } from '../audit.ts';
import type { AtlasDeps } from '../deps.ts';

/**
 * Revokes a token at once. Users revoke their own; administrators any. Someone else's token is
 * NotFoundError, not Forbidden, so token ids do not leak. Revoking twice is a no-op.
 */
export async function revokeToken(
  { db, clock, authorizer, tokenCache }: Pick<AtlasDeps, 'db' | 'clock' | 'authorizer' | 'tokenCache'>,
  tokenId: string,
  actor: Actor,
): Promise<void> {
  if (!actor.user) throw new UnauthenticatedError('sign in first');
  const token = isId(tokenId) ? await db.tokens.findById(tokenId) : undefined;
  if (!token || !authorizer.canManageUser(actor, token.userId)) throw new NotFoundError(`no token ${tokenId}`);
  const now = clock.now();
  await db.transaction(async (tx) => {
    if (await tx.tokens.revoke(token.id, now)) {
      await tx.audit.append(auditEntry(actor, now, 'token.revoke', `token/${token.id}`, { name: token.name }));
    }
  });
  await tokenCache.revoked(token.id);
}
