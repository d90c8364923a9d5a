import { and, asc, count, eq, gt, ne, sql } from 'drizzle-orm';
import type { Email } from '../../domain/accounts/email.ts';
import type { User } from '../../domain/accounts/user.ts';
import type { UserRepository } from '../../domain/accounts/user-repository.ts';
import type { Username } from '../../domain/accounts/username.ts';
import { decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import { ConflictError, NotFoundError } from '../../domain/errors.ts';
import type { Page, PageRequest } from '../../domain/page.ts';
import type { Db } from './connection.ts';
import { catalogItems, namespaces, users } from './schema.ts';
import { translated } from './translate-error.ts';

type Row = typeof users.$inferSelect;

const toUser = (row: Row): User => ({ ...row, email: row.email as Email, username: row.username as Username });

export class PostgresUserRepository implements UserRepository {
  constructor(private readonly db: Db) {}

  insert(user: User, options: { adminIfFirst?: boolean } = {}): Promise<User> {
    return translated(() =>
      this.db.transaction(async (tx) => {
        let isAdmin = user.isAdmin;
        if (options.adminIfFirst) {
          // SHARE ROW EXCLUSIVE conflicts with itself and with inserts, so two first registrations
          // run one after the other and only the first sees an empty table. Reads go on meanwhile.
          await tx.execute(sql`lock table ${users} in share row exclusive mode`);
          const [existing] = await tx.select({ id: users.id }).from(users).limit(1);
          isAdmin ||= existing === undefined;
        }
        const stored = { ...user, username: user.username.toLowerCase() as Username, isAdmin };
        await tx.insert(namespaces).values({ name: stored.username, kind: 'user', createdAt: user.createdAt });
        await tx.insert(users).values(stored);
        return stored;
      }),
    );
  }

  update(user: User): Promise<void> {
    return translated(async () => {
      const existing = await this.findById(user.id);
      if (!existing) throw new NotFoundError(`user ${user.id} not found`);
      if (existing.username !== user.username.toLowerCase()) throw new ConflictError('a username cannot be changed');
      await this.db
        .update(users)
        .set({
          email: user.email,
          displayName: user.displayName,
          passwordHash: user.passwordHash,
          isAdmin: user.isAdmin,
          updatedAt: user.updatedAt,
        })
        .where(eq(users.id, user.id));
    });
  }

  async findById(id: string) {
    const [row] = await translated(() => this.db.select().from(users).where(eq(users.id, id)));
    return row && toUser(row);
  }

  async findByEmail(email: string) {
    const [row] = await translated(() =>
      this.db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`),
    );
    return row && toUser(row);
  }

  async findByUsername(username: string) {
    const [row] = await translated(() =>
      this.db.select().from(users).where(eq(users.username, username.toLowerCase())),
    );
    return row && toUser(row);
  }

  async list({ limit, cursor }: PageRequest): Promise<Page<User>> {
    const after = cursor === undefined ? undefined : String(decodeCursor('users', cursor, 1)[0]);
    const rows = await translated(() =>
      this.db
        .select()
        .from(users)
        .where(after === undefined ? undefined : gt(sql`${users.username} collate "C"`, after))
        .orderBy(asc(sql`${users.username} collate "C"`))
        .limit(limit + 1),
    );
    const items = rows.slice(0, limit).map(toUser);
    const last = items.at(-1);
    return rows.length > limit && last ? { items, nextCursor: encodeCursor('users', [last.username]) } : { items };
  }

  async count() {
    const [row] = await translated(() => this.db.select({ n: count() }).from(users));
    return Number(row?.n ?? 0);
  }

  delete(id: string): Promise<void> {
    return translated(() =>
      this.db.transaction(async (tx) => {
        const [user] = await tx.select().from(users).where(eq(users.id, id)).for('update');
        if (!user) throw new NotFoundError(`user ${id} not found`);
        const [own] = await tx
          .select({ n: count() })
          .from(catalogItems)
          .where(
            and(
              eq(catalogItems.namespace, user.username),
              ne(catalogItems.status, 'deleted'),
              ne(catalogItems.status, 'invalid'),
            ),
          );
        if (Number(own?.n ?? 0) > 0) throw new ConflictError(`items still live in the namespace "${user.username}"`);
        // Memberships and tokens cascade; items published elsewhere keep going without an owner (set null).
        await tx.delete(users).where(eq(users.id, id));
        await tx.delete(namespaces).where(eq(namespaces.name, user.username));
      }),
    );
  }
}
