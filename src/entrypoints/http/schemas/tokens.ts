import { type Static, Type } from 'typebox';
import { TOKEN_KINDS } from '../../../domain/accounts/api-token.ts';
import { DateTime, literalUnion, NullableDateTime, refTo } from './common.ts';

export const TokenKindSchema = literalUnion(TOKEN_KINDS);

export const TokenSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    kind: TokenKindSchema,
    name: Type.String(),
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
