import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Results, type Transaction } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PriorityGate } from '../../lib/priority-gate.ts';
import { executePrepared, isPlain, PLAN_EACH_TIME, type Plain } from './pglite-execute.ts';
import type { PgliteRequest, PgliteStart, SerializedError } from './pglite-thread.ts';
import { isReadStatement } from './read-statement.ts';

/**
 * The embedded database's own thread: PGlite runs here, so that a statement's work never holds up the HTTP
 * thread, and the process uses a second core. It answers the requests of PgliteThread (pglite-thread.ts) one
 * message each. One statement or transaction runs at a time, reads first (the gate below): a statement outside
 * a transaction waits while one is open, as it would in one thread.
 */

const port = parentPort;
if (!port) throw new Error('pglite-worker.ts runs as a worker thread');
const start = workerData as PgliteStart;

/**
 * One statement or transaction in PGlite at a time, reads first (lib/priority-gate.ts); nothing else waits more
 * than WRITE_PATIENCE_MS for reads. With 50 clients reading and publishing at once (`npm run bench mixed-load`),
 * reads waited for every publish's transaction queued before them: read p99 285-530 ms; 57-146 ms with the gate
 * (publishes p99 1.34-1.61 s: in a closed loop, what reads stop waiting, publishes wait).
 */
const WRITE_PATIENCE_MS = 1_000;
const gate = new PriorityGate(1, WRITE_PATIENCE_MS);

/** Open transactions by id: their PGlite handle, how to end the callback that holds them open, and its outcome. */
const open = new Map<number, { tx: Transaction; end: (commit: boolean) => void; settled: Promise<void> }>();
/** Thrown into an open transaction's callback to make PGlite roll it back. */
const ROLL_BACK = Symbol('roll back');

const keepText = (value: string) => value;
const parsersByTypes = new Map<string, Record<number, typeof keepText>>();
/** PGlite's parsers that keep the text of these types, made once per list (Drizzle sends the same one each time). */
function parsersKeeping(types: readonly number[]): Record<number, typeof keepText> {
  const key = types.join(',');
  let parsers = parsersByTypes.get(key);
  if (parsers === undefined) {
    parsers = Object.fromEntries(types.map((oid) => [oid, keepText]));
    parsersByTypes.set(key, parsers);
  }
  return parsers;
}

function serialize(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { message: String(error) };
  // PGlite's DatabaseError carries SQLSTATE, table, constraint, ... as own properties: keep every plain one.
  const fields: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === 'string' || typeof value === 'number') fields[key] = value;
  }
  return { message: error.message, name: error.name, fields };
}

/** Where a statement runs: its open transaction, or the database. */
function targetOf(db: PGlite, tx: number | undefined): PGlite | Transaction {
  if (tx === undefined) return db;
  const held = open.get(tx);
  if (!held) throw new Error(`transaction ${tx} is not open`);
  return held.tx;
}

// ---- Statements prepared once

/**
 * PGlite parses and plans every statement it is given, and for the short lookups every request makes, planning
 * costs more than running. So, as PostgreSQL's JDBC driver does past its `prepareThreshold`, a statement seen
 * PREPARE_AFTER times with plain values (text, numbers, booleans, nulls) is prepared once in the session (PGlite
 * has one) and then run as EXECUTE with its values as literals: the text PGlite would have bound them as.
 * At most PREPARED_MAX texts; one that cannot be prepared (not a SELECT, INSERT, UPDATE or DELETE) runs as it is,
 * and so does one that ends with PLAN_EACH_TIME.
 */
const PREPARE_AFTER = 3;
const PREPARED_MAX = 300;
const SEEN_MAX = 5_000;
const seen = new Map<string, number>();
const prepared = new Map<string, Promise<string | undefined>>();
/** Whether a quoted literal carries a string exactly (backslashes as they are): checked once the database is open. */
let literalsExact = false;
let preparedCount = 0;

/**
 * The name `text` is prepared under, preparing it the PREPARE_AFTER-th time it runs with plain values; undefined
 * while it runs as it is.
 */
async function preparedName(
  db: PGlite,
  text: string,
  params: readonly unknown[],
  inTransaction: boolean,
): Promise<string | undefined> {
  if (!literalsExact || params.length === 0 || !params.every(isPlain) || text.endsWith(PLAN_EACH_TIME)) {
    return undefined;
  }
  let name = prepared.get(text);
  if (name === undefined) {
    // A PREPARE that fails inside a transaction would abort it: prepare outside transactions only.
    if (inTransaction || prepared.size >= PREPARED_MAX) return undefined;
    const count = (seen.get(text) ?? 0) + 1;
    if (count < PREPARE_AFTER) {
      if (seen.size >= SEEN_MAX) seen.clear();
      seen.set(text, count);
      return undefined;
    }
    seen.delete(text);
    const id = `atlas_stmt_${++preparedCount}`;
    name = db.query(`prepare ${id} as ${text}`).then(
      () => id,
      () => undefined,
    );
    prepared.set(text, name);
  }
  return name;
}

async function run(db: PGlite, request: PgliteRequest): Promise<unknown> {
  switch (request.kind) {
    case 'query': {
      const target = targetOf(db, request.tx);
      const options = { rowMode: request.rowMode, parsers: parsersKeeping(request.keepText) };
      const name = await preparedName(db, request.text, request.params, request.tx !== undefined);
      let result: Results;
      if (name === undefined) {
        result = await target.query(request.text, [...request.params], options);
      } else {
        try {
          result = await executePrepared<Results, typeof options>(
            target,
            name,
            request.text,
            request.params as Plain[],
            options,
          );
        } catch (error) {
          // A table changed under the prepared statement ("cached plan must not change result type"): forget it,
          // and outside a transaction (which the failure has not aborted) run the text as it is.
          if ((error as { code?: string }).code !== '0A000') throw error;
          prepared.delete(request.text);
          if (request.tx !== undefined) throw error;
          result = await target.query(request.text, [...request.params], options);
        }
      }
      return { rows: result.rows, fields: result.fields, affectedRows: result.affectedRows };
    }
    case 'exec':
      return (await db.exec(request.text)).map((r) => ({
        rows: r.rows,
        fields: r.fields,
        affectedRows: r.affectedRows,
      }));
    case 'begin':
      return begin(db, request.tx);
    case 'end': {
      const held = open.get(request.tx);
      if (!held) throw new Error(`transaction ${request.tx} is not open`);
      held.end(request.commit);
      // Answered once PGlite has committed (or rolled back): a COMMIT that fails fails the request.
      return held.settled;
    }
    case 'close':
      await db.close();
      return undefined;
  }
}

/**
 * Opens a transaction that stays open until its `end` request; answers once BEGIN has run. It holds the gate
 * from its turn until it ends.
 */
async function begin(db: PGlite, id: number): Promise<void> {
  await gate.enter(false);
  return new Promise<void>((begun, failed) => {
    let started = false;
    const settled = db
      .transaction(
        (tx) =>
          new Promise<void>((resolve, reject) => {
            started = true;
            open.set(id, { tx, end: (commit) => (commit ? resolve() : reject(ROLL_BACK)), settled });
            begun();
          }),
      )
      .catch((error: unknown) => {
        if (error !== ROLL_BACK) throw error;
      })
      .finally(() => {
        open.delete(id);
        gate.leave();
      });
    // A BEGIN that fails (the database closed) fails the `begin` request; later failures are the `end`'s.
    settled.catch((error: unknown) => {
      if (!started) failed(error);
    });
  });
}

/** The last request of each open transaction, settled or not: the transaction's next request waits for it. */
const lastOf = new Map<number, Promise<unknown>>();

/**
 * Runs a request. One outside a transaction waits for its turn at the gate; one of a transaction waits for that
 * transaction's previous request to finish, so that requests the main thread sends without waiting for each
 * other (BEGIN with the first statement, statements that do not depend on each other) run in the order sent.
 */
function inOrder(db: PGlite, request: PgliteRequest): Promise<unknown> {
  const tx = request.tx;
  if (tx === undefined)
    return gate.run(request.kind === 'query' && isReadStatement(request.text), () => run(db, request));
  const previous = lastOf.get(tx);
  const done = previous ? previous.then(() => run(db, request)) : run(db, request);
  const last = done.catch(() => undefined);
  lastOf.set(tx, last);
  if (request.kind === 'end') void last.then(() => lastOf.get(tx) === last && lastOf.delete(tx));
  return done;
}

const db = await PGlite.create({
  ...(start.dataDir ? { dataDir: start.dataDir } : {}),
  ...(start.loadDataDirFile ? { loadDataDir: new Blob([readFileSync(start.loadDataDirFile)]) } : {}),
  extensions: { pg_trgm },
  startParams: [...PGlite.defaultStartParams, ...start.startParams],
}).catch((error: unknown) => {
  port.postMessage({ ready: false, error: serialize(error) });
  return undefined;
});
if (db) {
  const setting = await db.query<{ on: boolean }>(`select current_setting('standard_conforming_strings') = 'on' as on`);
  literalsExact = setting.rows[0]?.on === true;
  port.on('message', (request: PgliteRequest & { id: number }) => {
    inOrder(db, request).then(
      (result) => port.postMessage({ id: request.id, ok: true, result }),
      (error: unknown) => port.postMessage({ id: request.id, ok: false, error: serialize(error) }),
    );
  });
  port.postMessage({ ready: true });
}
