import { createHash } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Db } from './connection.ts';
import { executePrepared, isPlain } from './pglite-execute.ts';
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

/**
 * Runs a read whose shape repeats as a statement named `<prefix>_<hash of its text>`, so that PostgreSQL plans
 * it once and then reuses the plan: on PGlite planning such a query costs more than running it. A server gets a
 * named protocol-level statement per pooled connection; PGlite, which has one session, a PREPARE once (once even
 * when concurrent reads of one shape arrive together: a second PREPARE of a name fails) and an EXECUTE with the
 * values as literals (pglite-execute.ts). Inside a transaction (no client at hand) it simply runs.
 */
export async function readPrepared<T>(db: Db, prefix: string, query: SQL): Promise<T[]> {
  const client = (db as unknown as { $client?: unknown }).$client;
  const asIs = async () => ((await db.execute(query)) as unknown as { rows: T[] }).rows;
  if (!(client instanceof pg.Pool || client instanceof PGlite || client instanceof PgliteThread)) return asIs();
  const { sql: text, params } = dialect.sqlToQuery(query);
  const name = `${prefix}_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
  if (client instanceof pg.Pool) return (await client.query({ name, text, values: params })).rows as T[];
  // A value a literal cannot carry exactly: run as it is (planned each time) rather than approximated.
  if (!params.every(isPlain)) return asIs();
  const prepared = preparedIn.get(client) ?? new Map<string, Promise<unknown>>();
  preparedIn.set(client, prepared);
  let preparing = prepared.get(name);
  if (preparing === undefined) {
    preparing = client.query(`prepare ${name} as ${text}`);
    prepared.set(name, preparing);
    preparing.catch(() => prepared.delete(name));
  }
  await preparing;
  return (await executePrepared(client, name, text, params)).rows as T[];
}

/** The sizes a written LIMIT is rounded up to: a browse's 20 and a registry page's 30 (plus one), and a few more. */
const WRITTEN_LIMITS = [2, 21, 31, 51, 101];

/**
 * A page's LIMIT for `rows` rows, written in a statement's text rather than bound: a LIMIT parameter makes
 * PostgreSQL cost a generic plan for a tenth of the table, so a `readPrepared` statement whose other values
 * leave its plan alone was planned again on every run. Rounded up to a few sizes (the caller cuts the page), so
 * that every page size a client may ask for (1 to 100) makes one of five statements per shape, not a hundred;
 * larger pages (internal readers') as they are.
 */
export function writtenLimit(rows: number): SQL {
  return sql.raw(String(WRITTEN_LIMITS.find((size) => size >= rows) ?? rows));
}
