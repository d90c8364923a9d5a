/**
 * The migration that gives every MCP server item its server name, on a catalog written before the rule held:
 * where live items share a name the oldest valid one keeps it and the others are marked invalid with the reason,
 * so the unique index can be built and the migration never fails on existing data. PGlite, and a PostgreSQL
 * server when configured.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type Connection, openPglite, openPostgres } from '../src/adapters/postgres/connection.ts';
import { MIGRATIONS_FOLDER, runMigrations } from '../src/adapters/postgres/migrate.ts';
import { PostgresDatabase } from '../src/adapters/postgres/postgres-database.ts';
import { describeWithServer } from '../src/adapters/postgres/testing/server-database.ts';
import { dropServerDatabase, withDatabase } from '../src/adapters/postgres/testing/test-databases.ts';
import { ServerNameTakenError } from '../src/domain/errors.ts';
import { buildItem } from '../src/domain/testing/builders.ts';

const WEATHER = 'io.github.acme/weather';
const TAG = '0005_server_names';

/** The committed migrations before the server-name one, in a folder of their own. */
function migrationsBefore(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-migrations-'));
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalFile = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((entry) => entry.tag === tag);
  expect(at).toBeGreaterThan(0);
  writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
  return dir;
}

async function migrateTo(connection: Connection, folder: string): Promise<void> {
  const config = { migrationsFolder: folder, migrationsSchema: 'public', migrationsTable: 'atlas_migrations' };
  // biome-ignore lint/suspicious/noExplicitAny: the migrators want their driver's type; Db is its base.
  if (connection.engine === 'pglite') await migratePglite(connection.db as any, config);
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  else await migrateNodePg(connection.db as any, config);
}

interface Row {
  ref: string;
  status: string;
  createdAt: string;
  name?: unknown;
  problems?: { path: string; message: string }[];
}

async function insertRow(connection: Connection, row: Row): Promise<void> {
  const [kind, namespace, name] = row.ref.split('/') as [string, string, string];
  const folder = { skill: 'skills', mcp: 'mcp', tool: 'tools' }[kind];
  const manifest = row.name === undefined ? { description: 'x' } : { name: row.name, description: 'x' };
  await connection.db.execute(sql`
    insert into catalog_items (id, kind, namespace, name, git_path, tree_sha, commit_sha, manifest, description,
      visibility, status, problems, search, created_at, updated_at)
    values (gen_random_uuid(), ${kind}, ${namespace}, ${name}, ${`${folder}/${namespace}/${name}`}, ${'a'.repeat(40)},
      ${'b'.repeat(40)}, ${JSON.stringify(manifest)}::jsonb, 'x', 'org', ${row.status},
      ${JSON.stringify(row.problems ?? [])}::jsonb, to_tsvector('simple', ''), ${row.createdAt}::timestamptz,
      ${row.createdAt}::timestamptz)`);
}

async function rowsOf(connection: Connection) {
  const result = await connection.db.execute(sql`
    select kind || '/' || namespace || '/' || name as ref, server_name, status, status_message, problems
    from catalog_items order by ref`);
  return (result as unknown as { rows: Record<string, unknown>[] }).rows;
}

function migrationSuite(openEmpty: () => Promise<{ connection: Connection; close(): Promise<void> }>) {
  it('keeps the oldest valid holder of a shared name and marks the others invalid, naming it; then enforces it', async () => {
    const { connection, close } = await openEmpty();
    const before = migrationsBefore(TAG);
    try {
      await migrateTo(connection, before);
      const problem = { path: 'server.json#/description', message: 'is required' };
      await insertRow(connection, { ref: 'mcp/a/weather', status: 'active', createdAt: '2026-01-01', name: WEATHER });
      await insertRow(connection, {
        ref: 'mcp/b/weather',
        status: 'deprecated',
        createdAt: '2026-01-02',
        name: WEATHER,
      });
      await insertRow(connection, { ref: 'mcp/c/weather', status: 'deleted', createdAt: '2025-10-01', name: WEATHER });
      await insertRow(connection, {
        ref: 'mcp/d/weather',
        status: 'invalid',
        createdAt: '2025-11-01',
        name: WEATHER,
        problems: [problem],
      });
      await insertRow(connection, {
        ref: 'mcp/e/weather',
        status: 'active',
        createdAt: '2026-02-01',
        name: 'io.github.acme/Weather',
      });
      await insertRow(connection, { ref: 'mcp/f/odd', status: 'invalid', createdAt: '2026-02-02', name: 42 });
      await insertRow(connection, { ref: 'skill/a/pdf-tools', status: 'active', createdAt: '2026-02-03', name: 'x/y' });

      await runMigrations(connection);

      const taken = `server name "${WEATHER}" is already declared by mcp/a/weather; give this server another name, or make it a version of that item`;
      expect(await rowsOf(connection)).toEqual([
        { ref: 'mcp/a/weather', server_name: WEATHER, status: 'active', status_message: null, problems: [] },
        {
          ref: 'mcp/b/weather',
          server_name: null,
          status: 'invalid',
          status_message: 'invalid in git',
          problems: [{ path: 'server.json#/name', message: taken }],
        },
        // A deleted item keeps its name on record; it holds it no longer.
        { ref: 'mcp/c/weather', server_name: WEATHER, status: 'deleted', status_message: null, problems: [] },
        {
          ref: 'mcp/d/weather',
          server_name: null,
          status: 'invalid',
          status_message: 'invalid in git',
          problems: [problem, { path: 'server.json#/name', message: taken }],
        },
        {
          ref: 'mcp/e/weather',
          server_name: 'io.github.acme/Weather',
          status: 'active',
          status_message: null,
          problems: [],
        },
        { ref: 'mcp/f/odd', server_name: null, status: 'invalid', status_message: null, problems: [] },
        { ref: 'skill/a/pdf-tools', server_name: null, status: 'active', status_message: null, problems: [] },
      ]);
      const db = new PostgresDatabase(connection);
      expect((await db.items.findByServerName(WEATHER))?.namespace).toBe('a');
      await expect(db.items.insert(buildItem('mcp/g/weather', { serverName: WEATHER }))).rejects.toBeInstanceOf(
        ServerNameTakenError,
      );
    } finally {
      rmSync(before, { recursive: true, force: true });
      await close();
    }
  });
}

describe('the server-name migration [PGlite]', () => {
  migrationSuite(async () => {
    const connection = await openPglite();
    return { connection, close: () => connection.close() };
  });
});

describeWithServer('the server-name migration [PostgreSQL server]', (server) => {
  const created: string[] = [];
  afterAll(async () => {
    for (const name of created) await dropServerDatabase(server.url, name);
  });
  migrationSuite(async () => {
    const name = `atlas_mig_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    try {
      await admin.query(`create database ${name}`);
    } finally {
      await admin.end();
    }
    created.push(name);
    const connection = await openPostgres(withDatabase(server.url, name), { max: 2 });
    return { connection, close: () => connection.close() };
  });
});
