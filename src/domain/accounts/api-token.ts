export const TOKEN_KINDS = ['session', 'personal'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

/** A bearer token as stored: only its hash, never the secret. */
export interface ApiToken {
  readonly id: string;
  readonly userId: string;
  readonly kind: TokenKind;
  readonly name: string;
  /** SHA-256 of the secret, hex. */
  readonly tokenHash: string;
  /** The first characters of the secret, shown so a user can tell tokens apart. */
  readonly displayPrefix: string;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}
