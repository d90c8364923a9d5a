import type { Actor } from '../../domain/accounts/actor.ts';
import type { ApiToken } from '../../domain/accounts/api-token.ts';
import { UnauthenticatedError } from '../../domain/errors.ts';
import type { AtlasDeps } from '../deps.ts';

/**
 * The signed-in user's tokens, sessions included, newest first. The records carry their hashes: an edge
 * that shows them must leave the hash out (the HTTP presenter shows the display prefix only).
 */
export async function listTokens({ db }: Pick<AtlasDeps, 'db'>, actor: Actor): Promise<ApiToken[]> {
  if (!actor.user) throw new UnauthenticatedError('sign in first');
  return db.tokens.listByUser(actor.user.id);
}
