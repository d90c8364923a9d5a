import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgliteThread } from './connection.ts';
import { PgliteThread } from './pglite-thread.ts';
import { readPrepared } from './prepared-statements.ts';

const keepText = (value: string) => value;
/** Past the worker's PREPARE_AFTER: a statement run this often has run prepared at least twice. */
const RUNS = 6;

describe('PGlite in its own thread', () => {
  let db: PgliteThread;
  beforeAll(async () => {
    db = await PgliteThread.open({ startParams: [] });
    await db.exec(`
      create table t (id int primary key, name text not null unique, score float8, ok boolean, big bigint,
        doc jsonb, at timestamptz, key uuid);`);
  });
  afterAll(() => db.close());

  it('answers a statement the same before and after it is prepared, whatever the values', async () => {
    const text = `select $1::text as s, $2::int as n, $3::float8 as f, $4::boolean as b, $5::text as z,
      $6::bigint as big, $7::jsonb as doc, $8::uuid as key, $9::timestamptz as at`;
    const values = [
      `it's a \\ "quote" ; -- not a comment`,
      42,
      -1.5e-7,
      true,
      null,
      9007199254740993n,
      '{"a": [1, "two"]}',
      '01234567-89ab-4def-8123-456789abcdef',
      '2026-01-02T03:04:05.678Z',
    ];
    const answers = [];
    for (let i = 0; i < RUNS; i++) answers.push(await db.query(text, values));
    for (const answer of answers) expect(answer.rows).toEqual(answers[0]?.rows);
    expect(answers[0]?.rows[0]).toMatchObject({
      s: values[0],
      n: 42,
      f: -1.5e-7,
      b: true,
      z: null,
      doc: { a: [1, 'two'] },
    });

    const plain = `select $1::text as s, $2::int as n, $3::timestamptz as at`;
    const options = { rowMode: 'array' as const, parsers: { 1184: keepText } };
    const rows = [];
    for (let i = 0; i < RUNS; i++)
      rows.push((await db.query(plain, ["o'k", 7, '2026-01-02 03:04:05+00'], options)).rows);
    for (const row of rows) expect(row).toEqual([["o'k", 7, '2026-01-02 03:04:05+00']]);
  });

  it('gives back a database error with its SQLSTATE and constraint, prepared or not', async () => {
    const insert = 'insert into t (id, name) values ($1, $2)';
    for (let i = 0; i < RUNS; i++) await db.query(insert, [i + 1, `name-${i}`]);
    for (let i = 0; i < RUNS; i++) {
      const error = await db.query(insert, [100 + i, 'name-0']).catch((thrown: unknown) => thrown);
      expect(error).toMatchObject({ code: '23505', table: 't', constraint: 't_name_key' });
      // The statement as written, never the values a prepared statement's EXECUTE carries.
      expect((error as { query?: string }).query).toBe(insert);
    }
  });

  it('runs a prepared statement again after its table changed shape', async () => {
    await db.exec('create table shape (id int, a text)');
    await db.query('insert into shape values (1, $1)', ['x']);
    for (let i = 0; i < RUNS; i++) await db.query('select * from shape where id = $1', [1]);
    await db.exec('alter table shape add column b text');
    expect((await db.query('select * from shape where id = $1', [1])).rows).toEqual([{ id: 1, a: 'x', b: null }]);
  });

  it('refuses a NUL in a value the same way every time', async () => {
    for (let i = 0; i < RUNS; i++) {
      await expect(db.query('select $1::text as s', ['a\0b; select 1'])).rejects.toMatchObject({ code: '22021' });
    }
  });

  it('runs a statement PREPARE refuses as it is', async () => {
    for (let i = 0; i < RUNS; i++) {
      const plan = await db.query<{ 'QUERY PLAN': string }>('explain select * from t where id = $1', [i]);
      expect(plan.rows.length).toBeGreaterThan(0);
    }
  });

  it('refuses a type parser that does not keep the text', async () => {
    await expect(db.query('select 1', [], { parsers: { 23: (value: string) => Number(value) } })).rejects.toThrow(
      /cannot run in the database thread/,
    );
  });

  it('commits a transaction, rolls back one that throws or asks to, and keeps working after a failed statement', async () => {
    await db.transaction(async (tx) => {
      await tx.query('insert into t (id, name) values ($1, $2)', [200, 'committed']);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query('insert into t (id, name) values ($1, $2)', [201, 'thrown']);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await db.transaction(async (tx) => {
      await tx.query('insert into t (id, name) values ($1, $2)', [202, 'rolled back']);
      await tx.rollback();
      expect(tx.closed).toBe(true);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query('insert into t (id, name) values ($1, $2)', [203, 'duplicate']);
        await tx.query('insert into t (id, name) values ($1, $2)', [204, 'duplicate']);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    const names = await db.query<{ name: string }>('select name from t where id >= 200 order by id');
    expect(names.rows.map((row) => row.name)).toEqual(['committed']);
  });

  it('makes a statement outside a transaction wait until the transaction ends', async () => {
    const events: string[] = [];
    let outside: Promise<unknown> | undefined;
    await db.transaction(async (tx) => {
      await tx.query('insert into t (id, name) values ($1, $2)', [300, 'in transaction']);
      outside = db.query<{ n: number }>('select count(*)::int as n from t where id = 300').then((result) => {
        events.push('outside answered');
        return result.rows[0]?.n;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      await tx.query('select 1');
      events.push('transaction done');
    });
    expect(await outside).toBe(1);
    expect(events).toEqual(['transaction done', 'outside answered']);
  });

  it("runs a transaction's statements in the order sent, prepared or not, while its BEGIN waits its turn", async () => {
    await db.exec('create table sent (n serial primary key, label text not null)');
    const prepared = 'insert into sent (label) values ($1)';
    const asIs = 'insert into sent (label) select $1';
    for (let i = 0; i < RUNS; i++) await db.query(prepared, [`before ${i}`]);
    const labels = ['prepared 1', 'as is 1', 'prepared 2', 'as is 2', 'prepared 3'];
    let queued: Promise<unknown> | undefined;
    await db.transaction(async (holding) => {
      // Sent while another transaction holds the database: BEGIN and the statements all wait their turn.
      queued = db.transaction((tx) =>
        Promise.all(labels.map((label) => tx.query(label.startsWith('as is') ? asIs : prepared, [label]))),
      );
      await new Promise((resolve) => setTimeout(resolve, 30));
      await holding.query('select 1');
    });
    await queued;
    const rows = await db.query<{ label: string }>(`select label from sent where label not like 'before%' order by n`);
    expect(rows.rows.map((row) => row.label)).toEqual(labels);
  });

  it('runs a read before a transaction that was waiting for its turn before it', async () => {
    const events: string[] = [];
    let writer: Promise<void> | undefined;
    let reader: Promise<number | undefined> | undefined;
    const pause = () => new Promise((resolve) => setTimeout(resolve, 30));
    await db.transaction(async (tx) => {
      await tx.query('insert into t (id, name) values ($1, $2)', [400, 'holding the database']);
      writer = db.transaction(async (queued) => {
        await queued.query('insert into t (id, name) values ($1, $2)', [401, 'queued write']);
        events.push('write');
      });
      await pause();
      reader = db.query<{ n: number }>('select count(*)::int as n from t where id = 401').then((result) => {
        events.push('read');
        return result.rows[0]?.n;
      });
      await pause();
    });
    // Taken in arrival order, the write would have committed first and the read counted it.
    expect(await reader).toBe(0);
    await writer;
    expect(events).toEqual(['read', 'write']);
  });

  it('leaves the calling thread free while a statement runs', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    await db.query('select count(*) from generate_series(1, 3000000)');
    const took = performance.now() - started;
    clearInterval(timer);
    // In the calling thread, PGlite would have held the event loop for the whole statement: no tick at all.
    expect(took).toBeGreaterThan(50);
    expect(ticks).toBeGreaterThan(took / 5 / 4);
  });
});

describe('a connection to PGlite in its own thread', () => {
  it('runs readPrepared reads, several at once, and refuses work once closed', async () => {
    const connection = await openPgliteThread();
    const reads = Array.from({ length: 5 }, (_, i) =>
      readPrepared<{ n: number }>(connection.db, 'atlas_test', sql`select ${i}::int + 1 as n`),
    );
    expect((await Promise.all(reads)).map((rows) => rows[0]?.n)).toEqual([1, 2, 3, 4, 5]);
    await connection.close();
    await expect(connection.db.execute(sql`select 1`)).rejects.toThrow();
  });
});

describe('opening PGlite in its own thread', () => {
  it('fails with the reason when the database cannot open, and leaves no thread behind', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'atlas-thread-')), 'not-a-folder');
    writeFileSync(file, 'a file where the data folder should be');
    await expect(PgliteThread.open({ dataDir: file, startParams: [] })).rejects.toThrow();
  });
});

describe('the database thread and the process', () => {
  it('keeps a process alive while a statement runs, and lets it exit when the database is left open', async () => {
    const { spawnSync } = await import('node:child_process');
    const thread = new URL('./pglite-thread.ts', import.meta.url).href;
    const script = `
      const { PgliteThread } = await import(${JSON.stringify(thread)});
      const db = await PgliteThread.open({ startParams: [] });
      const { rows } = await db.query('select count(*)::int as n from generate_series(1, 200000)');
      console.log('counted', rows[0].n);`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.stdout).toContain('counted 200000');
    expect(child.status).toBe(0);
  });

  it('holds no more memory after creating a new database than after opening an existing one', async () => {
    const { spawnSync } = await import('node:child_process');
    const connection = new URL('./connection.ts', import.meta.url).href;
    const dataDir = join(mkdtempSync(join(tmpdir(), 'atlas-pglite-new-')), 'pgdata');
    // The resident memory of a process that opens the database (creating it the first time) and runs a query.
    const residentAfterOpening = () => {
      const script = `
        const { readFileSync } = await import('node:fs');
        const { openPgliteThread } = await import(${JSON.stringify(connection)});
        const connection = await openPgliteThread({ dataDir: ${JSON.stringify(dataDir)} });
        await connection.db.execute('select 1');
        console.log('resident', /VmRSS:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
        await connection.close();`;
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      const kib = /resident (\d+)/.exec(child.stdout)?.[1];
      expect(kib, child.stderr).toBeDefined();
      return Number(kib) / 1024;
    };
    const created = residentAfterOpening();
    const opened = residentAfterOpening();
    // Created in the opening thread, the new database kept about 500 MiB more than the reopened one.
    expect(created - opened).toBeLessThan(200);
  });
});
