import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import * as schema from './schema.ts';

export type Schema = typeof schema;
/** A Drizzle database or transaction, whichever driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/** An open connection: the Drizzle handle, which engine it is, and how to close it. */
export interface Connection {
  readonly db: Db;
  readonly engine: 'pglite' | 'postgres';
  /** Runs `work` while holding a session-level advisory lock, on one dedicated connection. */
  withAdvisoryLock<T>(key: bigint, work: () => Promise<T>): Promise<T>;
  /** Tries the lock without waiting; `work` runs only when it was free. Returns whether it ran. */
  tryAdvisoryLock(key: bigint, work: () => Promise<void>): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The embedded database: PGlite persisted under `dataDir` (in memory when undefined), or loaded
 * from a dump of an already migrated one (tests use that to skip migrations).
 */
export async function openPglite(
  options: { dataDir?: string; loadDataDir?: Blob } = {},
): Promise<Connection & { client: PGlite }> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const client = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    extensions: { pg_trgm },
  });
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  // PGlite is a single connection in this process: its own mutex serialises statements, and an
  // advisory lock could only ever be contended by ourselves.
  return {
    db,
    client,
    engine: 'pglite',
    withAdvisoryLock: (_key, work) => work(),
    tryAdvisoryLock: async (_key, work) => {
      await work();
      return true;
    },
    close: () => client.close(),
  };
}

export async function openPostgres(
  url: string,
  options: { max?: number } = {},
): Promise<Connection & { pool: pg.Pool }> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 5_000 });
  // An idle client that loses its server emits 'error' on the pool; without a listener the process dies.
  pool.on('error', () => undefined);
  const db = drizzleNodePg(pool, { schema }) as unknown as Db;
  return {
    db,
    pool,
    engine: 'postgres',
    async withAdvisoryLock(key, work) {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [key.toString()]);
        try {
          return await work();
        } finally {
          await client.query('select pg_advisory_unlock($1)', [key.toString()]);
        }
      } finally {
        client.release();
      }
    },
    async tryAdvisoryLock(key, work) {
      const client = await pool.connect();
      try {
        const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [
          key.toString(),
        ]);
        if (!rows[0]?.locked) return false;
        try {
          await work();
        } finally {
          await client.query('select pg_advisory_unlock($1)', [key.toString()]);
        }
        return true;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
