import { createHash } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Db } from './connection.ts';
import { PgliteThread } from './pglite-thread.ts';

/**
 * Statements that run many times, prepared once. Two kinds:
 * - `preparedPerDb`: a fixed Drizzle query (a lookup by key), built once per database or transaction;
 * - `readPrepared`: a raw read whose shape repeats (a search, a registry page), prepared under a name taken from
 *   its text, so that PostgreSQL plans each shape once.
 */

/**
 * A Drizzle prepared query made on first use in each database or transaction and kept as long as that object
 * lives. Drizzle builds a query's SQL anew on every call, which costs more CPU than a short statement takes to
 * run; prepared, it is built once, and a server plans it once per pooled connection (the name is the statement's).
 */
export function preparedPerDb<Q>(prepare: (db: Db) => Q): (db: Db) => Q {
  const made = new WeakMap<Db, Q>();
  return (db) => {
    let query = made.get(db);
    if (query === undefined) {
      query = prepare(db);
      made.set(db, query);
    }
    return query;
  };
}

const dialect = new PgDialect();
/** Statements prepared in each PGlite instance (one session, so they last as long as it does). */
const preparedIn = new WeakMap<PGlite | PgliteThread, Map<string, Promise<unknown>>>();

/** A value as a SQL literal, for EXECUTE on PGlite: strings quoted (standard_conforming_strings), numbers as is. */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return `'${String(value).replaceAll("'", "''")}'`;
}

/**
 * Runs a read whose shape repeats as a statement named `<prefix>_<hash of its text>`, so that PostgreSQL plans
 * it once and then reuses the plan: on PGlite planning such a query costs more than running it. A server gets a
 * named protocol-level statement per pooled connection; PGlite, which has one session, a PREPARE once (once even
 * when concurrent reads of one shape arrive together: a second PREPARE of a name fails) and an EXECUTE with the
 * values as literals. Inside a transaction (no client at hand) it simply runs.
 */
export async function readPrepared<T>(db: Db, prefix: string, query: SQL): Promise<T[]> {
  const client = (db as unknown as { $client?: unknown }).$client;
  if (!(client instanceof pg.Pool || client instanceof PGlite || client instanceof PgliteThread)) {
    return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
  }
  const { sql: text, params } = dialect.sqlToQuery(query);
  const name = `${prefix}_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
  if (client instanceof pg.Pool) return (await client.query({ name, text, values: params })).rows as T[];
  const prepared = preparedIn.get(client) ?? new Map<string, Promise<unknown>>();
  preparedIn.set(client, prepared);
  let preparing = prepared.get(name);
  if (preparing === undefined) {
    preparing = client.query(`prepare ${name} as ${text}`);
    prepared.set(name, preparing);
    preparing.catch(() => prepared.delete(name));
  }
  await preparing;
  const args = params.length === 0 ? '' : `(${params.map(literal).join(', ')})`;
  try {
    return (await client.query<T>(`execute ${name}${args}`)).rows;
  } catch (error) {
    // Named as written, never as the EXECUTE whose literals carry the values: an error's statement may be logged.
    if (error instanceof Error) Object.assign(error, { query: text });
    throw error;
  }
}
