import { sql } from 'drizzle-orm';
import type { Connection } from '../src/adapters/postgres/connection.ts';
import { PostgresDatabase } from '../src/adapters/postgres/postgres-database.ts';
import { rebuildFacetCounts } from '../src/adapters/postgres/postgres-item-search.ts';
import { catalogItems } from '../src/adapters/postgres/schema.ts';
import type { CatalogItem } from '../src/domain/catalog/catalog-item.ts';

const ROWS_PER_INSERT = 1000;

/**
 * Loads catalog rows the way the benchmarks need thousands of them: the repository's own multi-row insertMany (items
 * with their search postings and words), a thousand at a time, the postings' indexes built once at the end,
 * and the facet counts recounted once (the facet trigger off meanwhile), instead of one repository insert per
 * item. The result is what inserting them one by one would leave.
 */
export async function bulkLoadItems(connection: Connection, items: readonly CatalogItem[]): Promise<void> {
  const db = connection.db;
  const repository = new PostgresDatabase(connection).items;
  // Sorting a million postings once beats inserting them into the index one by one.
  const postingIndexes = (
    (await db.execute(
      sql`select indexname, indexdef from pg_indexes where tablename = 'catalog_search_terms'`,
    )) as unknown as { rows: { indexname: string; indexdef: string }[] }
  ).rows;
  for (const index of postingIndexes) await db.execute(sql.raw(`drop index "${index.indexname}"`));
  await db.execute(sql`alter table ${catalogItems} disable trigger catalog_items_facet_changes_trigger`);
  try {
    for (let start = 0; start < items.length; start += ROWS_PER_INSERT) {
      const chunk = items.slice(start, start + ROWS_PER_INSERT);
      await repository.insertMany(chunk);
    }
  } finally {
    await db.execute(sql`alter table ${catalogItems} enable trigger catalog_items_facet_changes_trigger`);
    for (const index of postingIndexes) await db.execute(sql.raw(index.indexdef));
  }
  await rebuildFacetCounts(db);
}
