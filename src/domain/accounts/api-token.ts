export const TOKEN_KINDS = ['session', 'personal'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

/**
 * What a token may do: `full` is everything its user may do (every session, and personal tokens by default);
 * `registry:read` only reads the MCP Registry API, for the editors and tools that read Atlas as a registry.
 */
export const TOKEN_SCOPES = ['full', 'registry:read'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** Whether a token with these scopes may do what needs `needed`; `full` includes every scope. */
export function scopeAllows(scopes: readonly TokenScope[], needed: TokenScope): boolean {
  return scopes.includes('full') || scopes.includes(needed);
}

/** A bearer token as stored: only its hash, never the secret. */
export interface ApiToken {
  readonly id: string;
  readonly userId: string;
  readonly kind: TokenKind;
  readonly name: string;
  /** Never empty; `['full']` unless the token was made for less. */
  readonly scopes: readonly TokenScope[];
  /** SHA-256 of the secret, hex. */
  readonly tokenHash: string;
  /** The first characters of the secret, shown so a user can tell tokens apart. */
  readonly displayPrefix: string;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}
