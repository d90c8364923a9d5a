import type { Page, PageRequest } from '../page.ts';
import type { User } from './user.ts';

/**
 * Accounts. Returned users are copies. A user's insert also claims their username in the shared
 * namespace space, in the same transaction.
 */
export interface UserRepository {
  /**
   * Stores a new account and returns it as stored. With `adminIfFirst`, the account becomes a site
   * admin when no other account exists; concurrent first registrations make exactly one admin.
   * @throws ConflictError when the email (case-insensitively) or the username is taken, by a user or a team.
   */
  insert(user: User, options?: { adminIfFirst?: boolean }): Promise<User>;
  /** @throws NotFoundError when no such user; ConflictError when the new email is taken. */
  update(user: User): Promise<void>;
  findById(id: string): Promise<User | undefined>;
  /** Case-insensitive. */
  findByEmail(email: string): Promise<User | undefined>;
  /** Case-insensitive. */
  findByUsername(username: string): Promise<User | undefined>;
  /** Ordered by username. */
  list(page: PageRequest): Promise<Page<User>>;
  count(): Promise<number>;
  /**
   * Removes the account, its memberships, tokens and namespace. Items it published in team
   * namespaces stay, without an owner.
   * @throws NotFoundError when no such user; ConflictError while items live in the user's own namespace.
   */
  delete(id: string): Promise<void>;
}
