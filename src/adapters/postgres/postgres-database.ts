import { eq, sql } from 'drizzle-orm';
import type { Namespace } from '../../domain/accounts/namespace.ts';
import type { NamespaceRepository } from '../../domain/accounts/namespace-repository.ts';
import type { Locks } from '../../domain/locks.ts';
import type { Database, Repositories } from '../../domain/repositories.ts';
import type { Connection, Db } from './connection.ts';
import { autovacuumIsOn, refreshPlannerStatistics } from './planner-statistics.ts';
import { PostgresAuditLog } from './postgres-audit-log.ts';
import { PostgresItemRepository } from './postgres-item-repository.ts';
import { PostgresSkillArtifactRepository } from './postgres-skill-artifact-repository.ts';
import { PostgresSyncRepository } from './postgres-sync-repository.ts';
import { PostgresTeamRepository } from './postgres-team-repository.ts';
import { PostgresTokenRepository } from './postgres-token-repository.ts';
import { PostgresUserRepository } from './postgres-user-repository.ts';
import { preparedPerDb } from './prepared-statements.ts';
import { namespaces, teams, users } from './schema.ts';
import { SearchLists } from './search-lists.ts';
import { translated } from './translate-error.ts';

/** Every publish and namespace check looks a namespace up. */
const namespaceByName = preparedPerDb((db) =>
  db
    .select({ name: namespaces.name, kind: namespaces.kind, userId: users.id, teamId: teams.id })
    .from(namespaces)
    .leftJoin(users, eq(users.username, namespaces.name))
    .leftJoin(teams, eq(teams.slug, namespaces.name))
    .where(eq(namespaces.name, sql.placeholder('name')))
    .prepare('atlas_namespace_by_name'),
);

class PostgresNamespaceRepository implements NamespaceRepository {
  constructor(private readonly db: Db) {}

  async findByName(name: string): Promise<Namespace | undefined> {
    const [row] = await translated(() => namespaceByName(this.db).execute({ name: name.toLowerCase() }));
    if (!row) return undefined;
    if (row.kind === 'user' && row.userId) return { name: row.name, kind: 'user', userId: row.userId };
    if (row.kind === 'team' && row.teamId) return { name: row.name, kind: 'team', teamId: row.teamId };
    return undefined;
  }
}

function repositories(db: Db, lists?: SearchLists): Repositories {
  return {
    users: new PostgresUserRepository(db),
    teams: new PostgresTeamRepository(db),
    namespaces: new PostgresNamespaceRepository(db),
    items: new PostgresItemRepository(db, lists),
    tokens: new PostgresTokenRepository(db),
    audit: new PostgresAuditLog(db),
    sync: new PostgresSyncRepository(db),
    skillArtifacts: new PostgresSkillArtifactRepository(db),
  };
}

/** The repositories over PGlite or a PostgreSQL server; transactions are real database transactions. */
export class PostgresDatabase implements Database {
  readonly users;
  readonly teams;
  readonly namespaces;
  readonly items;
  readonly tokens;
  readonly audit;
  readonly sync;
  readonly skillArtifacts;
  readonly locks: Locks;

  /**
   * `keepSearchInputs` (default true): searches keep the postings lists and corrections they read in this process
   * (search-lists.ts), checked against the database's changes at every search; false reads them every time.
   */
  constructor(
    readonly connection: Connection,
    options: { readonly keepSearchInputs?: boolean } = {},
  ) {
    const repos = repositories(connection.db, options.keepSearchInputs === false ? undefined : new SearchLists());
    this.users = repos.users;
    this.teams = repos.teams;
    this.namespaces = repos.namespaces;
    this.items = repos.items;
    this.tokens = repos.tokens;
    this.audit = repos.audit;
    this.sync = repos.sync;
    this.skillArtifacts = repos.skillArtifacts;
    this.locks = connection.locks;
  }

  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    return translated(() => this.connection.db.transaction((tx) => work(repositories(tx as unknown as Db))));
  }

  async ping(): Promise<void> {
    await translated(() => this.connection.db.execute(sql`select 1`));
  }

  /**
   * PGlite runs no autovacuum. A server whose autovacuum is on keeps its own statistics, on its administrator's
   * settings; one whose autovacuum is off (some installations turn it off) gets the same upkeep as PGlite.
   */
  async refreshStatistics(): Promise<readonly string[]> {
    return translated(async () => {
      if (this.connection.engine === 'postgres' && (await autovacuumIsOn(this.connection.db))) return [];
      return refreshPlannerStatistics(this.connection.db);
    });
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
