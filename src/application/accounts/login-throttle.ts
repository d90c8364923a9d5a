import { RateLimitedError } from '../../domain/errors.ts';

export interface LoginThrottleRules {
  /** Failures on an account, from anywhere, before every further attempt must wait. */
  readonly freeFailures: number;
  /** The first wait; each further failure doubles it, up to `maxDelayMs`. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** Failures from one address on one account that lock that address (only) out of it... */
  readonly lockAfter: number;
  /** ...for this long after its last failure. */
  readonly lockMs: number;
  /** Failures are forgotten this long after the last one. */
  readonly forgetMs: number;
  /** How long an address the account signed in from is spared the account's wait. */
  readonly knownMs: number;
  /** Most accounts and address pairs remembered; the oldest are forgotten first. */
  readonly maxEntries: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleRules = {
  freeFailures: 3,
  firstDelayMs: 1_000,
  maxDelayMs: 60_000,
  lockAfter: 10,
  lockMs: 15 * 60_000,
  forgetMs: 15 * 60_000,
  knownMs: 30 * 24 * 3600_000,
  maxEntries: 100_000,
};

interface Failures {
  count: number;
  last: number;
}

/**
 * Failed logins, counted per account (the caller names it by user id, so the username and the email
 * share one count) and per account and address. In memory, per process.
 * - after `freeFailures` failures on an account, each attempt waits for a delay that doubles with
 *   every failure up to `maxDelayMs`: slow, never locked, from any address; an address the account
 *   signed in from lately is spared that wait;
 * - after `lockAfter` failures from one address, that address is locked out of that account for
 *   `lockMs`: the real user, elsewhere, is not.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, Failures>();
  readonly #known = new Map<string, number>();

  constructor(private readonly rules: LoginThrottleRules = DEFAULT_LOGIN_THROTTLE) {}

  /** @throws RateLimitedError when this attempt comes before the account or the address may try again. */
  check(account: string, address: string | null, now: Date): void {
    const at = now.getTime();
    const pair = this.#live(pairKey(account, address), at);
    if (pair && pair.count >= this.rules.lockAfter && at < pair.last + this.rules.lockMs) {
      throw limited('too many failed logins from this address', pair.last + this.rules.lockMs, at);
    }
    if ((this.#known.get(pairKey(account, address)) ?? 0) > at) return;
    const failures = this.#live(`account:${account}`, at);
    if (!failures || failures.count < this.rules.freeFailures) return;
    const wait = Math.min(
      this.rules.maxDelayMs,
      this.rules.firstDelayMs * 2 ** Math.min(30, failures.count - this.rules.freeFailures),
    );
    if (at < failures.last + wait) throw limited('too many failed logins for this account', failures.last + wait, at);
  }

  failed(account: string, address: string | null, now: Date): void {
    for (const key of [`account:${account}`, pairKey(account, address)]) {
      const count = (this.#live(key, now.getTime())?.count ?? 0) + 1;
      this.#remember(this.#failures, key, { count, last: now.getTime() });
    }
  }

  /** The address is known for the account from now on; its own failures are forgotten. */
  succeeded(account: string, address: string | null, now: Date): void {
    this.#failures.delete(pairKey(account, address));
    this.#remember(this.#known, pairKey(account, address), now.getTime() + this.rules.knownMs);
  }

  #live(key: string, at: number): Failures | undefined {
    const entry = this.#failures.get(key);
    if (entry && at - entry.last >= this.rules.forgetMs) {
      this.#failures.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Sets a value as the newest, forgetting the oldest entry when full. */
  #remember<T>(map: Map<string, T>, key: string, value: T): void {
    map.delete(key);
    if (map.size >= this.rules.maxEntries) {
      const oldest = map.keys().next().value;
      if (oldest !== undefined) map.delete(oldest);
    }
    map.set(key, value);
  }
}

const pairKey = (account: string, address: string | null) => `pair:${account}|${address ?? '-'}`;

function limited(reason: string, until: number, at: number): RateLimitedError {
  return new RateLimitedError(`${reason}; try again in ${Math.ceil((until - at) / 1000)} s`, new Date(until));
}
