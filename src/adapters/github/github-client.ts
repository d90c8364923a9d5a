import { randomUUID } from 'node:crypto';
import { retry } from '@octokit/plugin-retry';
import { type ThrottlingOptions, throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

/** Octokit with the throttling and retry plugins: what every Atlas adapter that talks to GitHub uses. */
export const GitHubOctokit = Octokit.plugin(throttling, retry);
export type GitHubClient = InstanceType<typeof GitHubOctokit>;

export interface GitHubClientOptions {
  token: string;
  /** `https://api.github.com` by default; GitHub Enterprise Server uses `https://<host>/api/v3`. */
  apiUrl?: string;
  userAgent: string;
  /** The longest wait for a rate limit to lift before a call fails; 60 s by default. */
  maxWaitSeconds?: number;
  /**
   * How long one second of a wait GitHub asks for lasts, in milliseconds: 1000 except in tests. Also the unit of
   * the backoff between retries of 5xx answers (1, 4, 9 units).
   */
  retryAfterBaseValue?: number;
  /** Retries of a request that failed with 5xx or no answer; 3 by default. */
  retries?: number;
  /**
   * The least time between two writing requests. GitHub asks integrations to leave about a second between
   * them to stay clear of secondary rate limits; 1000 ms by default.
   */
  minWriteIntervalMs?: number;
}

const quiet = () => undefined;

/**
 * A GitHub client that waits out rate limits lifting within `maxWaitSeconds` (and fails otherwise), spaces its
 * writes, and retries 5xx answers and dropped connections; other answers reach the caller as they are.
 */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const maxWaitSeconds = options.maxWaitSeconds ?? 60;
  const baseValue = options.retryAfterBaseValue ?? 1000;
  const waitIfShort = (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) =>
    retryCount < 3 && retryAfter <= maxWaitSeconds;
  return new GitHubOctokit({
    auth: options.token,
    baseUrl: (options.apiUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: options.userAgent,
    // Failures reach the caller as Atlas errors with GitHub's message; Octokit's own request log adds nothing.
    log: { debug: quiet, info: quiet, warn: console.warn, error: quiet },
    throttle: {
      // Limiters are shared per id across clients; one id per client keeps clients from queueing behind each other.
      id: `${options.userAgent}-${randomUUID()}`,
      retryAfterBaseValue: baseValue,
      write: spacedWrites(options.minWriteIntervalMs ?? 1000),
      onRateLimit: waitIfShort,
      onSecondaryRateLimit: waitIfShort,
    },
    retry: {
      retryAfterBaseValue: baseValue,
      retries: options.retries ?? 3,
      // 403 and 429 are rate limits, which the throttling plugin owns; the rest are answers, not accidents.
      doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451],
    },
  });
}

/**
 * The write group of plugin-throttling, re-made so that the spacing between writing requests is a setting:
 * each write starts at least `intervalMs` after the one before it.
 */
function spacedWrites(intervalMs: number): NonNullable<ThrottlingOptions['write']> {
  let nextStart = 0;
  const limiter = {
    async schedule<T>(_options: unknown, task: () => Promise<T>): Promise<T> {
      const now = Date.now();
      const wait = Math.max(0, nextStart - now);
      nextStart = Math.max(now, nextStart) + intervalMs;
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      return task();
    },
  };
  // plugin-throttling only calls `key(id).schedule(options, task)` on this group.
  return { key: () => limiter } as unknown as NonNullable<ThrottlingOptions['write']>;
}
