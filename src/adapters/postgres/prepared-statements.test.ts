/**
 * The reads that run as statements named by their text (search, the MCP Registry API): on PGlite, one session,
 * a shape is prepared once, even when its first reads arrive together; a second PREPARE of a name would fail.
 */
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readPrepared, writtenLimit } from './prepared-statements.ts';
import { openTestPglite, type TestDatabase } from './testing/test-databases.ts';

describe('readPrepared on PGlite', () => {
  // A fresh instance, not shared with other files' tests, so that every shape here is read for the first time.
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestPglite(inject('pgliteDump'));
  });
  afterAll(() => test.close());

  it('prepares a shape once when its first reads arrive together, and reads what a plain statement reads', async () => {
    const shape = (text: string, n: number, flag: boolean) =>
      sql`select ${text}::text as t, ${n}::int as n, ${flag}::boolean as b, ${null}::text as z`;
    const values = [
      ["it's", 1, true],
      ['b', -2, false],
      ['', 3, true],
    ] as const;
    const db = test.connection.db;
    const reads = await Promise.all(values.map(([t, n, b]) => readPrepared(db, 'atlas_test', shape(t, n, b))));
    expect(reads).toEqual(values.map(([t, n, b]) => [{ t, n, b, z: null }]));
    const plain = await db.execute(shape("it's", 1, true));
    expect((plain as unknown as { rows: unknown[] }).rows).toEqual(reads[0]);
  });

  it('names a failed read by its statement as written, not by the values it was run with', async () => {
    const db = test.connection.db;
    const read = (value: string) => readPrepared(db, 'atlas_test', sql`select ${value}::int as n`);
    expect(await read('7')).toEqual([{ n: 7 }]);
    const error = await read('secret-value').catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: '22P02' });
    expect((error as { query?: string }).query).toBe('select $1::int as n');
    expect(JSON.stringify(error)).not.toContain('secret-value');
  });

  it('reads a value no literal carries exactly (bytes) as a plain statement does', async () => {
    const db = test.connection.db;
    const bytes = sql`select ${new Uint8Array([1, 2, 3])}::bytea as b`;
    const read = await readPrepared<{ b: Uint8Array }>(db, 'atlas_test', bytes);
    expect([...(read[0]?.b ?? [])]).toEqual([1, 2, 3]);
  });

  it("answers the MCP Registry API's first reads of a database when they arrive together", async () => {
    const query = { viewer: { kind: 'admin' }, includeDeleted: false, limit: 5 } as const;
    const lookup = { viewer: { kind: 'admin' }, includeDeleted: false, serverName: 'io.github.acme/none' } as const;
    const answers = await Promise.all([
      test.database.items.listRegistryServers(query),
      test.database.items.listRegistryServers(query),
      test.database.items.listRegistryServerVersions(lookup),
      test.database.items.listRegistryServerVersions(lookup),
    ]);
    expect(answers).toEqual([{ items: [] }, { items: [] }, [], []]);
  });
});

describe('writtenLimit', () => {
  it('writes a LIMIT as one of a few sizes at least as large, and a larger one as it is', () => {
    const text = (rows: number) => new PgDialect().sqlToQuery(sql`limit ${writtenLimit(rows)}`);
    expect([1, 2, 3, 21, 22, 31, 32, 51, 52, 101, 1001].map((rows) => text(rows).sql)).toEqual(
      [2, 2, 21, 21, 31, 31, 51, 51, 101, 101, 1001].map((n) => `limit ${n}`),
    );
    expect(text(21).params).toEqual([]);
  });
});
