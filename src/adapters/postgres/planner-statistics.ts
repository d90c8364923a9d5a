import { sql } from 'drizzle-orm';
import type { Db } from './connection.ts';

/**
 * How far a table's size may move from the size its statistics were gathered at before they are gathered again:
 * a tenth of its pages (autovacuum's analyze rule is a tenth of its rows), and at least this many pages, so that
 * a small table is not vacuumed for every few rows.
 */
const MOVED_SHARE = 0.1;
const MIN_MOVED_PAGES = 8;

interface TableSize {
  readonly name: string;
  /** Rows when statistics were last gathered; -1 when never. */
  readonly reltuples: number;
  /** Pages when statistics were last gathered. */
  readonly relpages: number;
  /** Pages now. */
  readonly pages: number;
}

/** Whether a table's statistics no longer describe it: never gathered on a table with rows, or its size moved. */
export function isStale({ reltuples, relpages, pages }: Pick<TableSize, 'reltuples' | 'relpages' | 'pages'>): boolean {
  if (pages === 0) return false;
  if (reltuples < 0) return true;
  return Math.abs(pages - relpages) > Math.max(MIN_MOVED_PAGES, relpages * MOVED_SHARE);
}

/**
 * Vacuums and analyses every table of Atlas's schema whose statistics no longer describe it, one table at a time,
 * and returns their names. PGlite runs no autovacuum: without this, a table loaded by a first sync keeps the
 * statistics of an empty one for ever, the planner takes 100,000 rows for a few hundred, and a browse of one
 * kind by installs scans and sorts every row (128 ms at 100,000 items) instead of walking its index (0.2 ms).
 * The vacuum also keeps the visibility map current, which index-only scans need. The check reads only the
 * catalog and the files' sizes, so it is cheap enough to run after every sync and every minute. A server with
 * autovacuum off is in the same state, and gets the same upkeep.
 */
export async function refreshPlannerStatistics(db: Db): Promise<string[]> {
  const result = await db.execute(sql`
    select c.relname as name, c.reltuples::float8 as reltuples, c.relpages::int as relpages,
      (pg_relation_size(c.oid) / current_setting('block_size')::int)::int as pages
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind = 'r'
    order by c.relname`);
  const tables = (result as unknown as { rows: TableSize[] }).rows;
  const stale = tables.filter((table) => isStale(table)).map((table) => table.name);
  for (const name of stale) await db.execute(sql.raw(`vacuum (analyze) "${name.replaceAll('"', '""')}"`));
  return stale;
}

/** Whether the server's autovacuum daemon runs (`autovacuum = on`); it keeps the statistics itself then. */
export async function autovacuumIsOn(db: Db): Promise<boolean> {
  const result = await db.execute(sql`select current_setting('autovacuum') = 'on' as on`);
  return (result as unknown as { rows: { on: boolean }[] }).rows[0]?.on === true;
}
