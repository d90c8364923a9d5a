import type { User } from './user.ts';

/** Who is making a request: a signed-in user (and the token they used) or nobody, and from where. */
export interface Actor {
  readonly user: User | null;
  readonly tokenId: string | null;
  /** The client address, for the audit log and rate limits. */
  readonly ip: string | null;
}

export const anonymous = (ip: string | null = null): Actor => ({ user: null, tokenId: null, ip });
