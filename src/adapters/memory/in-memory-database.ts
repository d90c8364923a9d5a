import type { Locks } from '../../domain/locks.ts';
import type { Database, Repositories } from '../../domain/repositories.ts';
import { InMemoryAuditLog } from './in-memory-audit-log.ts';
import { InMemoryItemRepository } from './in-memory-item-repository.ts';
import { InMemoryNamespaceRepository } from './in-memory-namespace-repository.ts';
import { InMemorySkillArtifactRepository } from './in-memory-skill-artifact-repository.ts';
import { InMemoryState } from './in-memory-state.ts';
import { InMemorySyncRepository } from './in-memory-sync-repository.ts';
import { InMemoryTeamRepository } from './in-memory-team-repository.ts';
import { InMemoryTokenRepository } from './in-memory-token-repository.ts';
import { InMemoryUserRepository } from './in-memory-user-repository.ts';
import { InProcessLocks } from './in-process-locks.ts';

function repositories(state: InMemoryState): Repositories {
  return {
    users: new InMemoryUserRepository(state),
    teams: new InMemoryTeamRepository(state),
    namespaces: new InMemoryNamespaceRepository(state),
    items: new InMemoryItemRepository(state),
    tokens: new InMemoryTokenRepository(state),
    audit: new InMemoryAuditLog(state),
    sync: new InMemorySyncRepository(state),
    skillArtifacts: new InMemorySkillArtifactRepository(state),
  };
}

/** A complete database in memory: the same contract as PostgreSQL, for tests and a laptop without one. */
export class InMemoryDatabase implements Database {
  readonly #state = new InMemoryState();
  #queue: Promise<unknown> = Promise.resolve();
  readonly users;
  readonly teams;
  readonly namespaces;
  readonly items;
  readonly tokens;
  readonly audit;
  readonly sync;
  readonly skillArtifacts;
  readonly locks: Locks = new InProcessLocks();

  constructor() {
    const repos = repositories(this.#state);
    this.users = repos.users;
    this.teams = repos.teams;
    this.namespaces = repos.namespaces;
    this.items = repos.items;
    this.tokens = repos.tokens;
    this.audit = repos.audit;
    this.sync = repos.sync;
    this.skillArtifacts = repos.skillArtifacts;
  }

  /**
   * Transactions run one at a time, each on an overlay of the shared state: it reads what is
   * committed plus its own writes, nobody else sees those until it commits, and a failure drops
   * them alone, so writes made outside it meanwhile survive. A row written both inside and outside
   * while it runs keeps the transaction's version (PostgreSQL would have made the outside writer wait).
   */
  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    const run = async () => {
      const overlay = this.#state.overlay();
      const result = await work(repositories(overlay));
      overlay.commit();
      return result;
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** Empties every table, as a fresh database would be; repositories already handed out see it. */
  clear(): void {
    this.#state.clear();
  }

  async ping(): Promise<void> {}
  async refreshStatistics(): Promise<readonly string[]> {
    return [];
  }
  async close(): Promise<void> {}
}
