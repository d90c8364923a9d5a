import type { Authorizer } from '../domain/accounts/authorizer.ts';
import type { PasswordHasher } from '../domain/accounts/password-hasher.ts';
import type { ClientConfigs } from '../domain/catalog/install-clients.ts';
import type { Clock } from '../domain/clock.ts';
import type { ContentLimits } from '../domain/content/content-limits.ts';
import type { ContentStore } from '../domain/content/content-store.ts';
import type { GeneratedBranch } from '../domain/content/generated-branch.ts';
import type { ManifestOptions } from '../domain/manifests/parse-manifest.ts';
import type { Database } from '../domain/repositories.ts';
import type { WebhookVerifier } from '../domain/sync/webhook-verifier.ts';
import type { LoginThrottle } from './accounts/login-throttle.ts';
import type { TokenCache } from './accounts/token-cache.ts';
import type { JobSignal } from './sync/job-signal.ts';

export interface AccountSettings {
  /** `closed`: only admins create accounts (the very first account may always register). */
  readonly registration: 'open' | 'closed';
  /** How long a session token from login lives. */
  readonly sessionTtlMs: number;
}

export interface SyncSettings {
  /** `owner/repo` of the GitHub content repository whose pushes trigger a sync; null for local content. */
  readonly repository: string | null;
  readonly branch: string;
  /** Attempts of a sync job before it is parked as failed. */
  readonly maxAttempts: number;
  /** Seconds between polls of the branch head; 0 turns the poller off. */
  readonly pollSeconds: number;
}

export interface RegistrySettings {
  /** Anonymous readers may read the MCP Registry API (org-visible servers only): ATLAS_REGISTRY_PUBLIC. */
  readonly public: boolean;
}

/** Everything the use cases need, built by the composition root. */
export interface AtlasDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly passwords: PasswordHasher;
  readonly authorizer: Authorizer;
  readonly accounts: AccountSettings;
  /** Where item files live: git, locally or on GitHub. */
  readonly content: ContentStore;
  readonly limits: ContentLimits;
  /** How strictly manifests are read on publish, update and sync; lenient when absent. */
  readonly manifestOptions?: ManifestOptions;
  /** The config formats of the clients items are installed into. */
  readonly clients: ClientConfigs;
  /** Verifies webhook signatures; null when no webhook secret is configured. */
  readonly webhooks: WebhookVerifier | null;
  readonly syncSettings: SyncSettings;
  /** Wakes the in-process sync worker when a job is enqueued. */
  readonly jobSignal: JobSignal;
  /** Recently resolved bearer tokens; revocations reach every process through a broadcast. */
  readonly tokenCache: TokenCache;
  /** Failed logins per account and address, which slow down and then refuse further attempts. */
  readonly loginThrottle: LoginThrottle;
  /** Who may read the MCP Registry API; a token is required when absent. */
  readonly registry?: RegistrySettings;
  /** The branch the worker keeps the plugin marketplace files on (ATLAS_MARKETPLACE_COMMIT); absent when off. */
  readonly marketplaceBranch?: GeneratedBranch;
}
