import type { Actor } from '../../domain/accounts/actor.ts';
import { UnauthenticatedError } from '../../domain/errors.ts';
import { auditEntry } from '../audit.ts';
import type { AtlasDeps } from '../deps.ts';

/**
 * Signs the user out everywhere: revokes every live session token of theirs, the one this request
 * carries included, and returns how many.
 * - personal API tokens stay (each is revoked on its own);
 * - the revoked tokens stop working at once, in every process (dropped from the token cache);
 * - audited once, with the count.
 */
export async function revokeSessions(
  { db, clock, tokenCache }: Pick<AtlasDeps, 'db' | 'clock' | 'tokenCache'>,
  actor: Actor,
): Promise<number> {
  if (!actor.user) throw new UnauthenticatedError('sign in first');
  const user = actor.user;
  const now = clock.now();
  const revoked = await db.transaction(async (tx) => {
    const sessions = await tx.tokens.listByUser(user.id, 'session');
    const ids: string[] = [];
    for (const session of sessions) {
      if (session.revokedAt || (session.expiresAt && session.expiresAt <= now)) continue;
      if (await tx.tokens.revoke(session.id, now)) ids.push(session.id);
    }
    await tx.audit.append(
      auditEntry(actor, now, 'auth.logout_everywhere', `user/${user.username}`, { sessions: ids.length }),
    );
    return ids;
  });
  await Promise.all(revoked.map((id) => tokenCache.revoked(id)));
  return revoked.length;
}
