import { type Static, Type } from 'typebox';
import { TOKEN_KINDS, TOKEN_SCOPES } from '../../../domain/accounts/api-token.ts';
import { DateTime, literalUnion, NullableDateTime, refTo } from './common.ts';

export const TokenKindSchema = literalUnion(TOKEN_KINDS);
export const TokenScopeSchema = literalUnion(TOKEN_SCOPES, {
  description:
    '`full`: everything its user may do; `registry:read`: only the MCP Registry API (`/v0.1`, `/v0`, `/registries/...`).',
});

export const TokenSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    kind: TokenKindSchema,
    name: Type.String(),
    scopes: Type.Array(TokenScopeSchema, { minItems: 1 }),
    prefix: Type.String({ description: 'The first characters of the secret, to tell tokens apart.' }),
    createdAt: DateTime,
    expiresAt: NullableDateTime,
    lastUsedAt: NullableDateTime,
    revokedAt: NullableDateTime,
  },
  { $id: 'Token' },
);
export type Token = Static<typeof TokenSchema>;

export const NewTokenSchema = Type.Object(
  {
    name: Type.String({ maxLength: 100, examples: ['laptop CLI'] }),
    expiresAt: Type.Optional(Type.String({ format: 'date-time', examples: ['2027-06-30T00:00:00Z'] })),
    scopes: Type.Optional(
      Type.Array(Type.String({ maxLength: 64 }), {
        maxItems: 8,
        description: 'What the token may do: `["full"]` (the default) or `["registry:read"]`.',
        examples: [['registry:read']],
      }),
    ),
  },
  { additionalProperties: false },
);
export type NewToken = Static<typeof NewTokenSchema>;

export const CreatedTokenSchema = Type.Object({
  token: refTo(TokenSchema),
  secret: Type.String({ description: 'Shown once.' }),
});
export type CreatedToken = Static<typeof CreatedTokenSchema>;

export const TokenListSchema = Type.Object({ items: Type.Array(refTo(TokenSchema)) });
export type TokenList = Static<typeof TokenListSchema>;

export const TokenParamsSchema = Type.Object({ id: Type.String({ maxLength: 64 }) });
