import type { ApiToken, TokenKind, TokenScope } from '../../domain/accounts/api-token.ts';
import { newId } from '../../domain/ids.ts';
import { newTokenSecret } from './token-secrets.ts';

/** A new token row and its secret; the secret is returned to the caller once and never stored. */
export function issueToken(
  userId: string,
  kind: TokenKind,
  name: string,
  now: Date,
  expiresAt: Date | null,
  scopes: readonly TokenScope[] = ['full'],
): { token: ApiToken; secret: string } {
  const { secret, hash, displayPrefix } = newTokenSecret(kind);
  return {
    secret,
    token: {
      id: newId(now.getTime()),
      userId,
      kind,
      name,
      scopes: [...scopes],
      tokenHash: hash,
      displayPrefix,
      createdAt: now,
      expiresAt,
      lastUsedAt: null,
      revokedAt: null,
    },
  };
}
