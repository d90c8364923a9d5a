import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { type Connection, openPglite, openPgliteThread, openPostgres } from '../connection.ts';
import { MIGRATIONS_FOLDER, runMigrations } from '../migrate.ts';
import { PostgresDatabase } from '../postgres-database.ts';

/** A database for one test file, emptied between tests with `reset()`. */
export interface TestDatabase {
  readonly database: PostgresDatabase;
  readonly connection: Connection;
  /** Empties every table (migrations stay applied). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_FOLDER, { recursive: true }).map(String).sort()) {
    if (file.endsWith('.sql') || file.endsWith('.json'))
      hash.update(file).update(readFileSync(join(MIGRATIONS_FOLDER, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * A gzipped PGlite data folder with every migration applied, made once and cached by the
 * migrations' content, so each test file loads it (about a second) instead of migrating.
 */
export async function migratedPgliteDump(): Promise<string> {
  const folder = join(tmpdir(), 'atlas-test-cache');
  const file = join(folder, `pglite-${migrationsHash()}.tar.gz`);
  if (existsSync(file)) return file;
  mkdirSync(folder, { recursive: true });
  const connection = await openPglite();
  try {
    await runMigrations(connection);
    const dump = await connection.client.dumpDataDir('gzip');
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
  } finally {
    await connection.close();
  }
  return file;
}

async function tablesOf(connection: Connection): Promise<string[]> {
  const result = await connection.db.execute(
    sql`select tablename from pg_tables where schemaname = 'public' and tablename <> 'atlas_migrations'`,
  );
  return (result as unknown as { rows: { tablename: string }[] }).rows.map((r) => r.tablename);
}

/**
 * `reset` deletes every row with foreign keys switched off for the transaction (the tables are tiny in tests):
 * a `truncate` of every table costs a new file per table, about a quarter of a second on a server, which
 * suites that reset before every case paid hundreds of times.
 */
function testDatabase(connection: Connection, tables: string[], close: () => Promise<void>): TestDatabase {
  return {
    database: new PostgresDatabase(connection),
    connection,
    reset: async () => {
      await connection.db.transaction(async (tx) => {
        await tx.execute(sql.raw('set local session_replication_role = replica'));
        for (const table of tables) await tx.execute(sql.raw(`delete from "${table}"`));
        // The triggers that note changes to search inputs were off: note this one, or a copy of a term's
        // postings loaded before it would be taken for current (search-lists.ts).
        await tx.execute(sql.raw('insert into catalog_search_changes (xid) values (pg_current_xact_id())'));
      });
    },
    close,
  };
}

/** A PGlite database loaded from the migrated dump the global setup made. */
export async function openTestPglite(dumpFile: string): Promise<TestDatabase> {
  const connection = await openPglite({ loadDataDir: new Blob([readFileSync(dumpFile)]) });
  return testDatabase(connection, await tablesOf(connection), () => connection.close());
}

/** The same, with PGlite in its own thread as a running Atlas opens it (pglite-thread.ts). */
export async function openTestPgliteThread(dumpFile: string): Promise<TestDatabase> {
  const connection = await openPgliteThread({ loadDataDirFile: dumpFile });
  return testDatabase(connection, await tablesOf(connection), () => connection.close());
}

/** The admin URL with another database name. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Creates a migrated template database on the server; its name is given to every test file. */
export async function createServerTemplate(adminUrl: string): Promise<string> {
  const name = await createServerDatabase(adminUrl, 'atlas_tpl');
  const connection = await openPostgres(withDatabase(adminUrl, name), { max: 2 });
  try {
    await runMigrations(connection);
  } finally {
    await connection.close();
  }
  return name;
}

/** Creates an empty database named `<prefix>_<random>` on the server and returns its name. */
export async function createServerDatabase(adminUrl: string, prefix: string): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return name;
}

export async function dropServerDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}

/** A fresh database on the server for one test file, copied from the migrated template, dropped on close. */
export async function openTestServer(adminUrl: string, template: string): Promise<TestDatabase & { url: string }> {
  const name = `atlas_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${template}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  const connection = await openPostgres(url, { max: 4 });
  const tables = await tablesOf(connection);
  return {
    ...testDatabase(connection, tables, async () => {
      await connection.close();
      await dropServerDatabase(adminUrl, name);
    }),
    url,
  };
}
