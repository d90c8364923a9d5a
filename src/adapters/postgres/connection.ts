import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import type { Leadership, Locks } from '../../domain/locks.ts';
import { InProcessLocks } from '../memory/in-process-locks.ts';
import { PgliteThread } from './pglite-thread.ts';
import * as schema from './schema.ts';

export type Schema = typeof schema;
/** A Drizzle database or transaction, whichever driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/**
 * A database failure as it may be logged: its SQLSTATE, the statement, and the names of the table,
 * column and constraint involved. Never a value: drizzle's error carries every bound parameter (a
 * password's argon2 hash, a token's hash) in `params` and in its message, and the drivers' messages
 * and `detail` quote values (`Key (email)=(...) already exists`, `invalid input syntax ...: "..."`).
 */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
  constructor(
    /** SQLSTATE, e.g. 23514; undefined when the failure had none (a closed connection). */
    readonly code: string | undefined,
    /** The statement with its `$1` placeholders, at most 1,000 characters. */
    readonly statement: string | undefined,
    readonly table?: string,
    readonly column?: string,
    readonly constraint?: string,
  ) {
    super(`database error ${code ?? '(no SQLSTATE)'}${statement ? ` in: ${statement}` : ''}`);
  }
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * The DatabaseError that stands for a failure from drizzle or a driver; anything else is returned
 * as it is. Walks the `cause` chain (drizzle wraps the driver's error) and keeps no link to it.
 */
export function redactDatabaseError(error: unknown): unknown {
  if (error instanceof DatabaseError) return error;
  let fromDatabase = false;
  let code: string | undefined;
  let statement: string | undefined;
  const names: { table?: string; column?: string; constraint?: string } = {};
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const layer = current as Record<string, unknown>;
    if ('params' in layer) fromDatabase = true;
    if (typeof layer.code === 'string' && SQLSTATE.test(layer.code)) {
      fromDatabase = true;
      code ??= layer.code;
    }
    if (typeof layer.query === 'string') statement ??= layer.query.slice(0, 1000);
    for (const name of ['table', 'column', 'constraint'] as const) {
      if (typeof layer[name] === 'string') names[name] ??= layer[name];
    }
    current = layer.cause;
  }
  if (!fromDatabase) return error;
  return new DatabaseError(code, statement, names.table, names.column, names.constraint);
}

/** An open connection: the Drizzle handle, which engine it is, and how to close it. */
export interface Connection {
  readonly db: Db;
  readonly engine: 'pglite' | 'postgres';
  /** Whether the embedded database runs in a thread of its own (pglite-thread.ts) rather than the caller's. */
  readonly ownThread: boolean;
  /** Runs `work` while holding a session-level advisory lock, on one dedicated connection. */
  withAdvisoryLock<T>(key: bigint, work: () => Promise<T>): Promise<T>;
  /** Named locks for every process on this database (advisory locks on a server). */
  readonly locks: Locks;
  close(): Promise<void>;
}

/**
 * PGlite's buffer pool. initdb writes PostgreSQL's 128MB, which PGlite touches in full as it opens, inside the
 * process: more than every other part of a server together. Its files are read through the operating system,
 * whose page cache keeps them anyway, so a small pool costs reads little and the process 110 MB less.
 */
const PGLITE_SHARED_BUFFERS = '16MB';

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
    startParams: [...PGlite.defaultStartParams, ...PGLITE_PARAMETERS],
  });
  return { ...pgliteConnection(client), client };
}

/**
 * The embedded database in its own thread (pglite-thread.ts), persisted under `dataDir`: what a running Atlas
 * opens, so that SQL never holds up the HTTP thread. Tests and tools open PGlite in the calling thread
 * (`openPglite`), which can also load and dump a whole database.
 */
export async function openPgliteThread(
  options: { dataDir?: string; loadDataDirFile?: string } = {},
): Promise<Connection> {
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    // Creating a database (initdb) leaves PGlite holding about 500 MiB more than opening it does, until the
    // thread ends: a new one is created by a thread that then ends, and opened anew (about a second, once).
    if (!options.loadDataDirFile && !existsSync(join(options.dataDir, 'PG_VERSION'))) {
      await (await PgliteThread.open({ dataDir: options.dataDir, startParams: PGLITE_PARAMETERS })).close();
    }
  }
  const client = await PgliteThread.open({ ...options, startParams: PGLITE_PARAMETERS });
  return pgliteConnection(client);
}

const PGLITE_PARAMETERS = ['-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`];

function pgliteConnection(client: PGlite | PgliteThread): Connection {
  const db = drizzlePglite(client as PGlite, { schema }) as unknown as Db;
  // PGlite is a single connection in this process: its own mutex serialises statements, and an
  // advisory lock could only ever be contended by ourselves.
  return {
    db,
    engine: 'pglite',
    ownThread: client instanceof PgliteThread,
    withAdvisoryLock: (_key, work) => work(),
    locks: new InProcessLocks(),
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
    ownThread: false,
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
    locks: new AdvisoryLocks(pool),
    close: () => pool.end(),
  };
}

/** A 64-bit advisory lock key for a lock name (the first 8 bytes of its SHA-256). */
function lockKey(name: string): string {
  return BigInt.asIntN(
    64,
    BigInt(`0x${createHash('sha256').update(`atlas:${name}`).digest('hex').slice(0, 16)}`),
  ).toString();
}

/**
 * Session-level advisory locks, each held on a connection of its own: PostgreSQL releases them when
 * the holder's connection ends, so a crashed process never keeps a lock.
 */
class AdvisoryLocks implements Locks {
  constructor(private readonly pool: pg.Pool) {}

  async tryRun(name: string, work: () => Promise<void>): Promise<boolean> {
    const leadership = await this.lead(name);
    if (!leadership.held) return false;
    try {
      await work();
    } finally {
      await leadership.release();
    }
    return true;
  }

  async lead(name: string): Promise<Leadership> {
    const client = await this.pool.connect();
    const key = lockKey(name);
    let held = false;
    try {
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [key]);
      held = rows[0]?.locked === true;
    } catch (error) {
      client.release(true);
      throw error;
    }
    if (!held) {
      client.release();
      return { held: false, release: async () => undefined };
    }
    // A broken connection has lost the lock with it: stop claiming to hold it, and give the client back
    // to the pool as broken at once (the pool's end() would otherwise wait for it forever).
    let returned = false;
    client.on('error', (error) => {
      held = false;
      if (returned) return;
      returned = true;
      client.release(error);
    });
    return {
      get held() {
        return held;
      },
      release: async () => {
        if (!held) return;
        held = false;
        if (returned) return;
        returned = true;
        try {
          await client.query('select pg_advisory_unlock($1)', [key]);
          client.release();
        } catch {
          client.release(true);
        }
      },
    };
  }
}
