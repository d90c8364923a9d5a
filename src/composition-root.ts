import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type Argon2Parameters, Argon2PasswordHasher } from './adapters/auth/argon2-password-hasher.ts';
import { PermissiveAuthorizer } from './adapters/auth/permissive-authorizer.ts';
import { RbacAuthorizer } from './adapters/auth/rbac-authorizer.ts';
import { ClientConfigRenderer } from './adapters/clients/client-config-renderer.ts';
import { GitHubWebhookVerifier } from './adapters/github/github-webhook-verifier.ts';
import { InProcessBroadcast } from './adapters/memory/in-process-broadcast.ts';
import type { Connection } from './adapters/postgres/connection.ts';
import { LoginThrottle } from './application/accounts/login-throttle.ts';
import { TokenCache } from './application/accounts/token-cache.ts';
import type { AtlasDeps } from './application/deps.ts';
import { JobSignal } from './application/sync/job-signal.ts';
import type { AtlasConfig } from './config.ts';
import type { Authorizer } from './domain/accounts/authorizer.ts';
import type { Broadcast } from './domain/broadcast.ts';
import { type Clock, systemClock } from './domain/clock.ts';
import { DEFAULT_CONTENT_LIMITS } from './domain/content/content-limits.ts';
import type { ContentStore } from './domain/content/content-store.ts';
import type { Database } from './domain/repositories.ts';

const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;

/** The adapters that depend only on configuration, around a database. */
export function assembleDeps(
  db: Database,
  content: ContentStore,
  settings: Pick<AtlasConfig, 'authz' | 'publicRead' | 'registration'> &
    Partial<
      Pick<AtlasConfig, 'limits' | 'content' | 'webhookSecret' | 'pollSeconds' | 'serverJsonStrict' | 'registryPublic'>
    >,
  options: { clock?: Clock; argon2?: Argon2Parameters; broadcast?: Broadcast } = {},
): AtlasDeps {
  const authorizer: Authorizer =
    settings.authz === 'permissive'
      ? new PermissiveAuthorizer()
      : new RbacAuthorizer(db.teams, { publicRead: settings.publicRead });
  return {
    db,
    clock: options.clock ?? systemClock,
    passwords: new Argon2PasswordHasher(options.argon2),
    authorizer,
    accounts: { registration: settings.registration, sessionTtlMs: SESSION_TTL_MS },
    content,
    limits: settings.limits ?? DEFAULT_CONTENT_LIMITS,
    manifestOptions: { serverJson: { strict: settings.serverJsonStrict ?? false } },
    clients: new ClientConfigRenderer(),
    webhooks: settings.webhookSecret ? new GitHubWebhookVerifier(settings.webhookSecret) : null,
    syncSettings: {
      repository: settings.content?.kind === 'github' ? `${settings.content.owner}/${settings.content.repo}` : null,
      branch: settings.content?.branch ?? 'main',
      maxAttempts: 5,
      pollSeconds: settings.pollSeconds ?? 30,
    },
    jobSignal: new JobSignal(),
    tokenCache: new TokenCache(options.broadcast ?? new InProcessBroadcast()),
    loginThrottle: new LoginThrottle(),
    registry: { public: settings.registryPublic ?? false },
  };
}

/** The content store the configuration names: a local bare repository (default) or a GitHub repository. */
export async function openContentStore(config: Pick<AtlasConfig, 'content' | 'limits'>): Promise<ContentStore> {
  if (config.content.kind === 'github') {
    const { GitHubContentStore } = await import('./adapters/github/github-content-store.ts');
    return new GitHubContentStore({
      owner: config.content.owner,
      repo: config.content.repo,
      branch: config.content.branch,
      token: config.content.token,
      apiUrl: config.content.apiUrl,
      limits: config.limits,
      // A publish is a short burst of writes (blobs, trees, commit, ref); GitHub's secondary limits
      // allow about 80 writes a minute, and the throttling plugin honours retry-after beyond that.
      minWriteIntervalMs: 100,
    });
  }
  const { LocalGitContentStore } = await import('./adapters/git/local-git-content-store.ts');
  return LocalGitContentStore.open(config.content.dir, { branch: config.content.branch, limits: config.limits });
}

/** The generated branch of ATLAS_MARKETPLACE_COMMIT, beside the content branch of the same repository. */
async function openMarketplaceBranch(
  config: Pick<AtlasConfig, 'content' | 'marketplaceBranch'>,
): Promise<Pick<AtlasDeps, 'marketplaceBranch'>> {
  if (config.marketplaceBranch === null) return {};
  if (config.content.kind === 'github') {
    const { GitHubGeneratedBranch } = await import('./adapters/github/github-generated-branch.ts');
    return {
      // Spaced as the content store's writes are (see above), in a client of its own.
      marketplaceBranch: new GitHubGeneratedBranch({
        ...config.content,
        name: config.marketplaceBranch,
        minWriteIntervalMs: 100,
      }),
    };
  }
  const { LocalGitGeneratedBranch } = await import('./adapters/git/local-git-generated-branch.ts');
  return { marketplaceBranch: new LocalGitGeneratedBranch(config.content.dir, config.marketplaceBranch) };
}

export interface Atlas {
  readonly deps: AtlasDeps;
  readonly config: AtlasConfig;
  /** The database as opened: its engine, and whether it runs in a thread of its own (the embedded one's default). */
  readonly database: { readonly engine: 'pglite' | 'postgres'; readonly ownThread: boolean };
  close(): Promise<void>;
}

/**
 * Builds the dependencies from the configuration: the only place that picks adapters.
 * The embedded database is PGlite under ATLAS_HOME; DATABASE_URL selects a PostgreSQL server.
 * Migrations run at start either way, serialised across instances by an advisory lock.
 */
export async function createAtlas(config: AtlasConfig, options: { migrate?: boolean } = {}): Promise<Atlas> {
  mkdirSync(config.home, { recursive: true });
  const releaseHome = config.databaseUrl ? () => undefined : lockHome(config.home);
  let connection: Connection | undefined;
  try {
    // The database adapters load here, not at import: use-case tests on in-memory deps never pay for them.
    const [
      { openPglite, openPgliteThread, openPostgres },
      { runMigrations },
      { PostgresDatabase },
      { PostgresBroadcast },
    ] = await Promise.all([
      import('./adapters/postgres/connection.ts'),
      import('./adapters/postgres/migrate.ts'),
      import('./adapters/postgres/postgres-database.ts'),
      import('./adapters/postgres/postgres-broadcast.ts'),
    ]);
    const server = config.databaseUrl ? await openPostgres(config.databaseUrl) : undefined;
    const embedded = config.pgliteThread ? openPgliteThread : openPglite;
    connection = server ?? (await embedded({ dataDir: config.pgliteDir }));
    if (options.migrate ?? true) await runMigrations(connection);
    const db = new PostgresDatabase(connection);
    const content = await openContentStore(config);
    // Several processes share a server, so what one revokes the others must hear of; PGlite is one process.
    const broadcast =
      server && config.databaseUrl
        ? await PostgresBroadcast.open(config.databaseUrl, server.pool)
        : new InProcessBroadcast();
    const deps = { ...assembleDeps(db, content, config, { broadcast }), ...(await openMarketplaceBranch(config)) };
    const open = connection;
    return {
      deps,
      config,
      database: { engine: open.engine, ownThread: open.ownThread },
      close: async () => {
        await broadcast.close();
        await content.close?.();
        await open.close();
        releaseHome();
      },
    };
  } catch (error) {
    await connection?.close().catch(() => undefined);
    releaseHome();
    throw error;
  }
}

/** Opens the database named by the configuration and applies pending migrations (`atlas migrate`). */
export async function migrateDatabase(config: AtlasConfig): Promise<void> {
  const atlas = await createAtlas(config, { migrate: true });
  await atlas.close();
}

/**
 * The embedded database may be opened by one process at a time: two PGlite instances on one
 * folder corrupt it. A lock file holding the pid guards it; a lock left by a dead process is taken over.
 */
function lockHome(home: string): () => void {
  const file = join(home, 'atlas.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(file, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new Error(
          `another Atlas process (pid ${pid}) is using ${home}; stop it, or set ATLAS_HOME to another folder`,
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${home}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
