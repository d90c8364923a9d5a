import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { ApiToken } from '../../domain/accounts/api-token.ts';
import type { Email } from '../../domain/accounts/email.ts';
import type { TokenRepository } from '../../domain/accounts/token-repository.ts';
import type { Username } from '../../domain/accounts/username.ts';
import type { Db } from './connection.ts';
import { preparedPerDb } from './prepared-statements.ts';
import { apiTokens, users } from './schema.ts';
import { translated } from './translate-error.ts';

/** The lookup behind every authentication the token cache does not answer. */
const withUserByHash = preparedPerDb((db) =>
  db
    .select({ token: apiTokens, user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, sql.placeholder('tokenHash')))
    .prepare('atlas_token_with_user_by_hash'),
);

export class PostgresTokenRepository implements TokenRepository {
  constructor(private readonly db: Db) {}

  insert(token: ApiToken): Promise<void> {
    return translated(async () => {
      await this.db.insert(apiTokens).values({ ...token, scopes: [...token.scopes] });
    });
  }

  async findById(id: string) {
    const [row] = await translated(() => this.db.select().from(apiTokens).where(eq(apiTokens.id, id)));
    return row;
  }

  async findByHash(tokenHash: string) {
    const [row] = await translated(() => this.db.select().from(apiTokens).where(eq(apiTokens.tokenHash, tokenHash)));
    return row;
  }

  async findWithUser(tokenHash: string) {
    const [row] = await translated(() => withUserByHash(this.db).execute({ tokenHash }));
    return (
      row && {
        token: row.token,
        user: { ...row.user, email: row.user.email as Email, username: row.user.username as Username },
      }
    );
  }

  listByUser(userId: string, kind?: ApiToken['kind']) {
    return translated(() =>
      this.db
        .select()
        .from(apiTokens)
        .where(and(eq(apiTokens.userId, userId), kind ? eq(apiTokens.kind, kind) : undefined))
        .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id)),
    );
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const rows = await translated(() =>
      this.db
        .update(apiTokens)
        .set({ revokedAt: at })
        .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
        .returning({ id: apiTokens.id }),
    );
    return rows.length > 0;
  }

  async touch(id: string, at: Date): Promise<void> {
    await translated(() => this.db.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, id)));
  }
}
