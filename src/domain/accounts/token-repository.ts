import type { ApiToken } from './api-token.ts';
import type { User } from './user.ts';

/** Bearer tokens, stored by hash. Returned tokens are copies. */
export interface TokenRepository {
  /** @throws ConflictError when the hash is already stored. */
  insert(token: ApiToken): Promise<void>;
  findById(id: string): Promise<ApiToken | undefined>;
  findByHash(tokenHash: string): Promise<ApiToken | undefined>;
  /** The token and its user in one lookup: what every authenticated request needs. */
  findWithUser(tokenHash: string): Promise<{ token: ApiToken; user: User } | undefined>;
  /** The user's tokens of the given kind (both when omitted), newest first, revoked ones included. */
  listByUser(userId: string, kind?: ApiToken['kind']): Promise<ApiToken[]>;
  /** Marks the token revoked at `at`. @returns false when no such token or already revoked. */
  revoke(id: string, at: Date): Promise<boolean>;
  /** Records a use; cheap, called on every authenticated request. */
  touch(id: string, at: Date): Promise<void>;
}
