import type { ApiToken } from '../../domain/accounts/api-token.ts';
import type { User } from '../../domain/accounts/user.ts';
import type { Broadcast } from '../../domain/broadcast.ts';

const TOPIC = 'token-revoked';

/**
 * Recently resolved bearer tokens, so that an authenticated request does not look its token up
 * every time. Revocation stays immediate: the revoking process drops the entry before it answers,
 * and tells every other process through the broadcast (PostgreSQL NOTIFY), which drops it too.
 * Entries also expire after `ttlMs`, which bounds the staleness if a message is ever missed.
 */
export class TokenCache {
  readonly #entries = new Map<string, { token: ApiToken; user: User; until: number }>();
  readonly #hashById = new Map<string, string>();

  constructor(
    private readonly broadcast: Broadcast,
    private readonly ttlMs = 10_000,
    private readonly maxEntries = 10_000,
  ) {
    broadcast.subscribe(TOPIC, (tokenId) => this.#drop(tokenId));
  }

  get(tokenHash: string, now: number): { token: ApiToken; user: User } | undefined {
    const entry = this.#entries.get(tokenHash);
    if (!entry) return undefined;
    if (entry.until <= now) {
      this.#entries.delete(tokenHash);
      this.#hashById.delete(entry.token.id);
      return undefined;
    }
    return { token: entry.token, user: entry.user };
  }

  put(found: { token: ApiToken; user: User }, now: number): void {
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(found.token.tokenHash, { ...found, until: now + this.ttlMs });
    this.#hashById.set(found.token.id, found.token.tokenHash);
  }

  /** Forgets a revoked token here at once, and everywhere else as soon as the message arrives. */
  async revoked(tokenId: string): Promise<void> {
    this.#drop(tokenId);
    await this.broadcast.publish(TOPIC, tokenId).catch(() => undefined);
  }

  #drop(tokenId: string): void {
    const hash = this.#hashById.get(tokenId);
    if (hash) this.#entries.delete(hash);
    this.#hashById.delete(tokenId);
  }
}
