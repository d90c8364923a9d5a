import type { User } from '../../domain/accounts/user.ts';
import type { UserRepository } from '../../domain/accounts/user-repository.ts';
import { decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import { ConflictError, NotFoundError } from '../../domain/errors.ts';
import type { Page, PageRequest } from '../../domain/page.ts';
import { copy, type InMemoryState, lower, pageOf } from './in-memory-state.ts';

export class InMemoryUserRepository implements UserRepository {
  constructor(private readonly state: InMemoryState) {}

  async insert(user: User, options: { adminIfFirst?: boolean } = {}): Promise<User> {
    const s = this.state;
    if (s.users.has(user.id)) throw new ConflictError(`user ${user.id} already exists`);
    if (s.users.values().some((u) => lower(u.email) === lower(user.email))) {
      throw new ConflictError('email is already registered');
    }
    if (s.namespaces.has(lower(user.username))) throw new ConflictError(`the name "${user.username}" is taken`);
    const stored = { ...user, isAdmin: user.isAdmin || (options.adminIfFirst === true && s.users.size === 0) };
    s.users.set(user.id, copy(stored));
    s.namespaces.set(lower(user.username), { name: lower(user.username), kind: 'user', userId: user.id });
    return copy(stored);
  }

  async update(user: User): Promise<void> {
    const s = this.state;
    const existing = s.users.get(user.id);
    if (!existing) throw new NotFoundError(`user ${user.id} not found`);
    if (s.users.values().some((u) => u.id !== user.id && lower(u.email) === lower(user.email))) {
      throw new ConflictError('email is already registered');
    }
    if (lower(existing.username) !== lower(user.username)) {
      throw new ConflictError('a username cannot be changed');
    }
    s.users.set(user.id, copy(user));
  }

  async findById(id: string) {
    const u = this.state.users.get(id);
    return u && copy(u);
  }

  async findByEmail(email: string) {
    const u = this.state.users.values().find((x) => lower(x.email) === lower(email));
    return u && copy(u);
  }

  async findByUsername(username: string) {
    const u = this.state.users.values().find((x) => lower(x.username) === lower(username));
    return u && copy(u);
  }

  async list({ limit, cursor }: PageRequest): Promise<Page<User>> {
    const after = cursor === undefined ? undefined : String(decodeCursor('users', cursor, 1)[0]);
    const sorted = this.state.users
      .values()
      .filter((u) => after === undefined || u.username > after)
      .sort((a, b) => (a.username < b.username ? -1 : 1));
    return pageOf(sorted.map(copy), limit, (last) => encodeCursor('users', [last.username]));
  }

  async count() {
    return this.state.users.size;
  }

  async delete(id: string): Promise<void> {
    const s = this.state;
    const user = s.users.get(id);
    if (!user) throw new NotFoundError(`user ${id} not found`);
    const own = s.items
      .values()
      .some((i) => i.namespace === lower(user.username) && i.status !== 'deleted' && i.status !== 'invalid');
    if (own) throw new ConflictError(`items still live in the namespace "${user.username}"`);
    s.users.delete(id);
    s.namespaces.delete(lower(user.username));
    for (const [key, m] of s.memberships.entries()) if (m.userId === id) s.memberships.delete(key);
    for (const [key, t] of s.tokens.entries()) if (t.userId === id) s.tokens.delete(key);
    for (const item of s.items.values()) {
      if (item.ownerUserId === id) s.items.set(item.id, { ...item, ownerUserId: null });
    }
    for (const v of s.versions.values()) if (v.publishedBy === id) s.versions.set(v.id, { ...v, publishedBy: null });
    for (const e of s.installs.values()) if (e.userId === id) s.installs.set(e.id, { ...e, userId: null });
  }
}
