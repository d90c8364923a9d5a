import type { ApiToken } from '../../domain/accounts/api-token.ts';
import type { TokenRepository } from '../../domain/accounts/token-repository.ts';
import { ConflictError, NotFoundError } from '../../domain/errors.ts';
import { copy, type InMemoryState } from './in-memory-state.ts';

export class InMemoryTokenRepository implements TokenRepository {
  constructor(private readonly state: InMemoryState) {}

  async insert(token: ApiToken): Promise<void> {
    const s = this.state;
    if (s.tokens.has(token.id) || s.tokens.values().some((t) => t.tokenHash === token.tokenHash)) {
      throw new ConflictError('token already exists');
    }
    if (!s.users.has(token.userId)) throw new NotFoundError(`user ${token.userId} not found`);
    s.tokens.set(token.id, copy(token));
  }

  async findById(id: string) {
    const t = this.state.tokens.get(id);
    return t && copy(t);
  }

  async findByHash(tokenHash: string) {
    const t = this.state.tokens.values().find((x) => x.tokenHash === tokenHash);
    return t && copy(t);
  }

  async findWithUser(tokenHash: string) {
    const token = this.state.tokens.values().find((x) => x.tokenHash === tokenHash);
    const user = token && this.state.users.get(token.userId);
    return token && user ? copy({ token, user }) : undefined;
  }

  async listByUser(userId: string, kind?: ApiToken['kind']) {
    return this.state.tokens
      .values()
      .filter((t) => t.userId === userId && (kind === undefined || t.kind === kind))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .map(copy);
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const t = this.state.tokens.get(id);
    if (!t || t.revokedAt) return false;
    this.state.tokens.set(id, { ...t, revokedAt: new Date(at) });
    return true;
  }

  async touch(id: string, at: Date): Promise<void> {
    const t = this.state.tokens.get(id);
    if (t) this.state.tokens.set(id, { ...t, lastUsedAt: new Date(at) });
  }
}
