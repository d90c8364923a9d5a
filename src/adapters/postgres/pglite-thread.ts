import type { Worker } from 'node:worker_threads';
import { startWorkerThread } from '../../lib/young-generation.ts';

/**
 * PGlite in a worker thread (pglite-worker.ts), behind the part of PGlite's interface that Drizzle and Atlas
 * use: `query`, `exec`, `transaction` and `close`. PGlite is PostgreSQL compiled to WebAssembly and runs in the
 * thread that calls it: in the HTTP thread, every statement's planning and execution held up every request, and
 * the process used one core. Here the HTTP thread only sends statements and reads answers.
 *
 * What crosses the thread is data: SQL text, parameters and rows (structured clone). A type parser cannot cross,
 * so the only one accepted is Drizzle's "keep the text as it came" (for dates, timestamps and intervals); a
 * database error comes back as an Error with the driver's fields (SQLSTATE `code`, `table`, `constraint`, ...).
 */

export interface PgliteStart {
  readonly dataDir?: string;
  /** A dump of a data folder (`dumpDataDir`, gzipped tar) to start from: tests load a migrated one. */
  readonly loadDataDirFile?: string;
  readonly startParams: readonly string[];
}

export type PgliteRequest =
  | {
      readonly kind: 'query';
      readonly text: string;
      readonly params: readonly unknown[];
      readonly rowMode: 'object' | 'array';
      /** Type OIDs whose values stay text. */
      readonly keepText: readonly number[];
      readonly tx?: number;
    }
  | { readonly kind: 'exec'; readonly text: string; readonly tx?: undefined }
  | { readonly kind: 'begin'; readonly tx: number }
  | { readonly kind: 'end'; readonly tx: number; readonly commit: boolean }
  | { readonly kind: 'close'; readonly tx?: undefined };

export interface SerializedError {
  readonly message: string;
  readonly name?: string;
  readonly fields?: Record<string, string | number>;
}

export interface PgliteResults<T = Record<string, unknown>> {
  rows: T[];
  fields: { name: string; dataTypeID: number }[];
  affectedRows?: number;
}

export interface PgliteQueryOptions {
  rowMode?: 'object' | 'array';
  parsers?: Record<number, (value: string, typeId: number) => unknown>;
}

/** The part of PGlite's transaction handle that Drizzle uses. */
export interface PgliteThreadTransaction {
  query<T = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
    options?: PgliteQueryOptions,
  ): Promise<PgliteResults<T>>;
  rollback(): Promise<void>;
  readonly closed: boolean;
}

type Answer = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: SerializedError };

function deserialize(error: SerializedError): Error {
  const out = new Error(error.message);
  if (error.name) out.name = error.name;
  Object.assign(out, error.fields ?? {});
  return out;
}

/**
 * The worker's young generation, kept small: PGlite's rows and protocol buffers die young, and a worker's default
 * (16 MiB semi-spaces) held 47 MiB of heap for 13-22 MiB in use on a home of 10,000 skills; with 2 MiB it holds
 * 20-26 MiB, and statements cost the same CPU (within the runs' noise).
 */
const LIMITS = { resourceLimits: { maxYoungGenerationSizeMb: 2 } };
/**
 * The worker beside this file: the built `.js`, or, when Atlas runs from its sources (`node --import tsx`, a test
 * runner), the `.ts` through tsx's loader, which a worker thread does not inherit.
 */
function startWorker(start: PgliteStart): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return startWorkerThread(new URL('./pglite-worker.js', import.meta.url), { workerData: start, ...LIMITS });
  }
  const tsx = import.meta.resolve('tsx/esm/api');
  const file = new URL('./pglite-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(file)}); })`;
  return startWorkerThread(boot, { eval: true, workerData: start, ...LIMITS });
}

/** The types whose parsers keep the text, by parsers object: Drizzle passes the same one with every statement. */
const keptByParsers = new WeakMap<object, readonly number[]>();
const NO_PARSERS: readonly number[] = [];

/**
 * The type OIDs of `parsers`, each of which must keep the text as it came: only that can be applied in the
 * database thread (a function does not cross threads).
 */
function keptAsText(parsers: PgliteQueryOptions['parsers']): readonly number[] {
  if (parsers === undefined) return NO_PARSERS;
  let kept = keptByParsers.get(parsers);
  if (kept === undefined) {
    const probe = '2026-01-02 03:04:05+00';
    kept = Object.entries(parsers).map(([oid, parser]) => {
      if (parser(probe, Number(oid)) !== probe)
        throw new Error(`type parser for ${oid} cannot run in the database thread`);
      return Number(oid);
    });
    keptByParsers.set(parsers, kept);
  }
  return kept;
}

export class PgliteThread {
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private nextId = 1;
  private nextTx = 1;
  private failure: Error | undefined;

  private constructor(private readonly worker: Worker) {
    // The thread keeps the process alive only while a statement is on its way, as PGlite in the calling thread
    // would: a command that forgets to close the database still exits.
    worker.unref();
    worker.on('message', (answer: Answer) => {
      const waiting = this.pending.get(answer.id);
      if (!waiting) return;
      this.pending.delete(answer.id);
      if (this.pending.size === 0) worker.unref();
      if (answer.ok) waiting.resolve(answer.result);
      else waiting.reject(deserialize(answer.error));
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the database thread stopped (exit code ${code})`)));
  }

  /** Starts the worker and opens PGlite in it (persisted under `dataDir`, in memory when undefined). */
  static async open(start: PgliteStart): Promise<PgliteThread> {
    const worker = startWorker(start);
    try {
      await new Promise<void>((resolve, reject) => {
        const onExit = (code: number) =>
          reject(new Error(`the database thread stopped as it opened (exit code ${code})`));
        const onMessage = (message: { ready?: boolean; error?: SerializedError }) => {
          if (message.ready === undefined) return;
          worker.off('message', onMessage);
          worker.off('error', reject);
          worker.off('exit', onExit);
          if (message.ready) resolve();
          else reject(deserialize(message.error ?? { message: 'the embedded database did not open' }));
        };
        worker.on('message', onMessage);
        worker.once('error', reject);
        worker.once('exit', onExit);
      });
    } catch (error) {
      await worker.terminate();
      throw error;
    }
    return new PgliteThread(worker);
  }

  private send<T>(request: PgliteRequest): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  query<T = Record<string, unknown>>(
    text: string,
    params: readonly unknown[] = [],
    options: PgliteQueryOptions = {},
    tx?: number,
  ): Promise<PgliteResults<T>> {
    let keepText: readonly number[];
    try {
      keepText = keptAsText(options.parsers);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.send({ kind: 'query', text, params, rowMode: options.rowMode ?? 'object', keepText, tx });
  }

  /** Runs statements without parameters, several at once (schema changes, in tests). */
  exec(text: string): Promise<PgliteResults[]> {
    return this.send({ kind: 'exec', text });
  }

  /**
   * Runs `work` in a transaction: committed when it resolves, rolled back when it throws or calls `rollback`.
   * Statements outside it wait until it ends, as on PGlite in one thread.
   *
   * BEGIN is sent without waiting for it: the first statement follows at once (the thread runs a transaction's
   * requests in the order sent), which saves the transaction a round trip through this thread while it holds the
   * database. A BEGIN that fails is the transaction's failure.
   */
  async transaction<T>(work: (tx: PgliteThreadTransaction) => Promise<T>): Promise<T> {
    const id = this.nextTx++;
    const begun = this.send({ kind: 'begin', tx: id });
    begun.catch(() => undefined);
    let closed = false;
    const usable = () => {
      if (closed) throw new Error('Transaction is closed');
    };
    const handle: PgliteThreadTransaction = {
      query: async (text, params, options) => {
        usable();
        return this.query(text, params, options, id);
      },
      rollback: async () => {
        usable();
        closed = true;
        await this.send({ kind: 'end', tx: id, commit: false });
      },
      get closed() {
        return closed;
      },
    };
    let result: T;
    try {
      result = await work(handle);
    } catch (error) {
      await begun;
      if (!closed) {
        closed = true;
        await this.send({ kind: 'end', tx: id, commit: false }).catch(() => undefined);
      }
      throw error;
    }
    await begun;
    if (!closed) {
      closed = true;
      await this.send({ kind: 'end', tx: id, commit: true });
    }
    return result;
  }

  /** Closes PGlite (its files flushed) and stops the thread. */
  async close(): Promise<void> {
    try {
      if (!this.failure) await this.send({ kind: 'close' });
    } finally {
      await this.worker.terminate();
    }
  }
}
