import type { Email } from './email.ts';
import type { Username } from './username.ts';

export interface User {
  readonly id: string;
  readonly email: Email;
  readonly username: Username;
  readonly displayName: string;
  /** argon2id PHC string; null for an account that cannot sign in with a password. */
  readonly passwordHash: string | null;
  readonly isAdmin: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}
