import type { TokenScope } from './api-token.ts';
import type { User } from './user.ts';

/** Who is making a request: a signed-in user (and the token they used) or nobody, and from where. */
export interface Actor {
  readonly user: User | null;
  readonly tokenId: string | null;
  /** What the token used may do; absent means everything the user may do (see scopeAllows). */
  readonly scopes?: readonly TokenScope[];
  /** The client address, for the audit log and rate limits. */
  readonly ip: string | null;
}

export const anonymous = (ip: string | null = null): Actor => ({ user: null, tokenId: null, ip });
