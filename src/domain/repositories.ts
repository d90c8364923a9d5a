import type { NamespaceRepository } from './accounts/namespace-repository.ts';
import type { TeamRepository } from './accounts/team-repository.ts';
import type { TokenRepository } from './accounts/token-repository.ts';
import type { UserRepository } from './accounts/user-repository.ts';
import type { AuditLog } from './audit/audit-log.ts';
import type { ItemRepository } from './catalog/item-repository.ts';
import type { SkillArtifactRepository } from './catalog/skill-artifact-repository.ts';
import type { Locks } from './locks.ts';
import type { SyncRepository } from './sync/sync-repository.ts';

/** Every repository, bound to one database connection or to one transaction. */
export interface Repositories {
  readonly users: UserRepository;
  readonly teams: TeamRepository;
  readonly namespaces: NamespaceRepository;
  readonly items: ItemRepository;
  readonly tokens: TokenRepository;
  readonly audit: AuditLog;
  readonly sync: SyncRepository;
  readonly skillArtifacts: SkillArtifactRepository;
}

/** Runs work in one database transaction: all of its writes land, or none do. */
export interface Transactor {
  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T>;
}

/** A database as the application sees it: repositories, transactions and a liveness probe. */
export interface Database extends Repositories, Transactor {
  readonly locks: Locks;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /**
   * Brings the query planner's statistics up to date where the engine does not do it itself (the embedded
   * engine runs no autovacuum): every table whose size moved a lot since they were gathered. Returns the tables
   * it refreshed; a server (autovacuum) and the in-memory database refresh none.
   */
  refreshStatistics(): Promise<readonly string[]>;
  close(): Promise<void>;
}
