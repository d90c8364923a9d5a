import { fileURLToPath } from 'node:url';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { Connection } from './connection.ts';
import { toItem } from './postgres-item-repository.ts';
import { reindexSearch } from './postgres-item-search.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../migrations', import.meta.url));

/** Advisory lock key for migrations ("atlas" + "mig" as bytes), shared by every instance. */
export const MIGRATION_LOCK = 0x61746c61736d6967n;

/**
 * Applies the committed migrations, then rewrites search postings written by an older version of search-text.ts
 * (which SQL cannot). On a server, two instances starting at once serialise on an advisory lock: the second
 * waits, then finds nothing left to do.
 */
export async function runMigrations(connection: Connection): Promise<void> {
  await connection.withAdvisoryLock(MIGRATION_LOCK, async () => {
    const config = {
      migrationsFolder: MIGRATIONS_FOLDER,
      migrationsSchema: 'public',
      migrationsTable: 'atlas_migrations',
    };
    if (connection.engine === 'pglite') {
      // biome-ignore lint/suspicious/noExplicitAny: the migrator wants the driver-specific type; Db is its base.
      await migratePglite(connection.db as any, config);
    } else {
      // biome-ignore lint/suspicious/noExplicitAny: as above.
      await migrateNodePg(connection.db as any, config);
    }
    await reindexSearch(connection.db, toItem);
  });
}
