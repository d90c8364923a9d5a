import { createHash, randomBytes } from 'node:crypto';
import type { TokenKind } from '../../domain/accounts/api-token.ts';

/** Recognisable prefixes, so a leaked token is easy to spot (and to scan for) in logs and repositories. */
export const TOKEN_PREFIX: Record<TokenKind, string> = { session: 'atlas_s_', personal: 'atlas_pat_' };

const SECRET = /^atlas_(?:s|pat)_[A-Za-z0-9_-]{43}$/;

/** 256 random bits, base64url, behind the kind's prefix. Only the SHA-256 of it is ever stored. */
export function newTokenSecret(kind: TokenKind): { secret: string; hash: string; displayPrefix: string } {
  const secret = `${TOKEN_PREFIX[kind]}${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashTokenSecret(secret), displayPrefix: secret.slice(0, TOKEN_PREFIX[kind].length + 4) };
}

/** A plain SHA-256 suffices: the secret has 256 bits of entropy, so there is nothing to brute-force. */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function looksLikeTokenSecret(value: string): boolean {
  return SECRET.test(value);
}
