import { and, desc, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import type { CatalogItem } from '../../domain/catalog/catalog-item.ts';
import type { ItemRef } from '../../domain/catalog/item-ref.ts';
import type {
  ItemFacets,
  ItemRepository,
  ItemSearch,
  ItemSummary,
  RegistryServerLookup,
  RegistryServerQuery,
  RegistryServerVersion,
} from '../../domain/catalog/item-repository.ts';
import type { InstallEvent, ItemVersion } from '../../domain/catalog/item-version.ts';
import { NotFoundError, ServerNameTakenError } from '../../domain/errors.ts';
import type { Page } from '../../domain/page.ts';
import type { Db } from './connection.ts';
import {
  copyUsageCount,
  insertWithSearchTerms,
  itemFromRow,
  searchPage,
  searchWithFacets,
  summaryFromRow,
  writeSearchTerms,
} from './postgres-item-search.ts';
import { registryServerPage, registryServerVersions } from './postgres-registry-servers.ts';
import { preparedPerDb } from './prepared-statements.ts';
import { installEvents, catalogItems as items, itemVersions, teams, users } from './schema.ts';
import type { SearchLists } from './search-lists.ts';
import { translated } from './translate-error.ts';

/** Every column but the reader key, which only the read rule reads (see schema.ts). */
const { reader: _reader, ...itemColumns } = getTableColumns(items);
type Row = Omit<typeof items.$inferSelect, 'reader'>;

/** An item from its row: a null search text is no search text. */
export function toItem(row: Row): CatalogItem {
  const { searchText, ...rest } = row;
  return searchText === null ? rest : { ...rest, searchText };
}

/** How a search page's rows are read: whole items with `full`, summaries otherwise (what the query selected). */
const pageItemOf =
  (query: ItemSearch) =>
  (row: Record<string, unknown>): ItemSummary =>
    query.full ? toItem(itemFromRow(row)) : summaryFromRow(row);

/** The placeholders of a lookup by reference, filled from an ItemRef. */
const refIs = and(
  eq(items.kind, sql.placeholder('kind')),
  eq(items.namespace, sql.placeholder('namespace')),
  eq(items.name, sql.placeholder('name')),
);

/**
 * The lookups that every item read makes, each prepared once per database (and per transaction, on first use):
 * Drizzle builds their SQL once instead of per call (0.55 of an item read's 1.4 ms of CPU), and a server plans
 * them once per connection.
 */
const byRef = preparedPerDb((db) => db.select(itemColumns).from(items).where(refIs).prepare('atlas_item_by_ref'));
const withNamesByRef = preparedPerDb((db) =>
  db
    .select({ row: itemColumns, owner: users.username, team: teams.slug })
    .from(items)
    .leftJoin(users, eq(users.id, items.ownerUserId))
    .leftJoin(teams, eq(teams.id, items.teamId))
    .where(refIs)
    .prepare('atlas_item_with_names_by_ref'),
);
const refValues = (ref: ItemRef) => ({ kind: ref.kind, namespace: ref.namespace, name: ref.name });

export class PostgresItemRepository implements ItemRepository {
  /** `lists`: search inputs kept in this process (search-lists.ts); none inside a transaction. */
  constructor(
    private readonly db: Db,
    private readonly lists?: SearchLists,
  ) {}

  insert(item: CatalogItem): Promise<void> {
    return namingServer(item, async () => {
      await insertWithSearchTerms(this.db, this.insertStatement([item]), [item]);
    });
  }

  insertMany(many: readonly CatalogItem[]): Promise<void> {
    if (many.length === 0) return Promise.resolve();
    return namingServer(many.length === 1 ? many[0]! : { serverName: null }, () =>
      this.db.transaction(async (tx) => {
        for (let start = 0; start < many.length; start += ROWS_PER_STATEMENT) {
          const chunk = many.slice(start, start + ROWS_PER_STATEMENT);
          await insertWithSearchTerms(tx as unknown as Db, this.insertStatement(chunk), chunk);
        }
      }),
    );
  }

  /** The INSERT of `written`'s rows, returning what their postings copy (see insertWithSearchTerms). */
  private insertStatement(written: readonly CatalogItem[]) {
    return this.db
      .insert(items)
      .values(
        written.map((item) => ({
          ...item,
          tags: [...item.tags],
          problems: [...item.problems],
          searchText: item.searchText ?? null,
        })),
      )
      .returning({ id: items.id, usageCount: items.usageCount, reader: items.reader, status: items.status })
      .getSQL();
  }

  update(item: CatalogItem): Promise<void> {
    return namingServer(item, async () => {
      const { id, createdAt: _createdAt, ...rest } = item;
      const updated = await this.db
        .update(items)
        .set({ ...rest, tags: [...item.tags], problems: [...item.problems], searchText: item.searchText ?? null })
        .where(eq(items.id, id))
        .returning({ id: items.id });
      if (updated.length === 0) throw new NotFoundError(`item ${id} not found`);
      await writeSearchTerms(this.db, [item], true);
    });
  }

  async findById(id: string) {
    const [row] = await translated(() => this.db.select(itemColumns).from(items).where(eq(items.id, id)));
    return row && toItem(row);
  }

  async findByRef(ref: ItemRef) {
    const [row] = await translated(() => byRef(this.db).execute(refValues(ref)));
    return row && toItem(row);
  }

  async findWithNamesByRef(ref: ItemRef) {
    const [row] = await translated(() => withNamesByRef(this.db).execute(refValues(ref)));
    return row && { item: toItem(row.row), owner: row.owner, team: row.team };
  }

  async findByGitPath(gitPath: string) {
    const [row] = await translated(() => this.db.select(itemColumns).from(items).where(eq(items.gitPath, gitPath)));
    return row && toItem(row);
  }

  async findByGitPaths(gitPaths: readonly string[]) {
    const found: CatalogItem[] = [];
    for (let start = 0; start < gitPaths.length; start += PATHS_PER_LOOKUP) {
      const chunk = gitPaths.slice(start, start + PATHS_PER_LOOKUP);
      const rows = await translated(() => this.db.select(itemColumns).from(items).where(inArray(items.gitPath, chunk)));
      found.push(...rows.map(toItem));
    }
    return found;
  }

  async findByServerName(serverName: string) {
    // The predicate of catalog_items_server_name_key, so the partial index serves the lookup.
    const [row] = await translated(() =>
      this.db
        .select(itemColumns)
        .from(items)
        .where(and(eq(items.serverName, serverName), sql`${items.status} <> 'deleted'`)),
    );
    return row && toItem(row);
  }

  search(query: ItemSearch & { readonly full: true }): Promise<Page<CatalogItem>>;
  search(query: ItemSearch): Promise<Page<ItemSummary>>;
  async search(query: ItemSearch): Promise<Page<ItemSummary>> {
    return translated(async () => {
      const { rows, nextCursor } = await searchPage(this.db, query, this.lists);
      const found = rows.map(pageItemOf(query));
      return nextCursor === undefined ? { items: found } : { items: found, nextCursor };
    });
  }

  searchWithFacets(query: ItemSearch): Promise<Page<ItemSummary> & { facets: ItemFacets }> {
    return translated(async () => {
      const { rows, nextCursor, facets } = await searchWithFacets(this.db, query, this.lists);
      const found = rows.map(pageItemOf(query));
      return nextCursor === undefined ? { items: found, facets } : { items: found, nextCursor, facets };
    });
  }

  listPointers() {
    return translated(() =>
      this.db
        .select({ id: items.id, gitPath: items.gitPath, treeSha: items.treeSha, status: items.status })
        .from(items)
        .where(sql`${items.status} <> 'deleted'`)
        .orderBy(sql`${items.gitPath} collate "C"`),
    );
  }

  recordVersion(version: ItemVersion): Promise<void> {
    return translated(async () => {
      await this.db
        .insert(itemVersions)
        .values(versionRow(version))
        .onConflictDoNothing({
          target: [itemVersions.itemId, itemVersions.commitSha],
        });
    });
  }

  recordVersions(versions: readonly ItemVersion[]): Promise<void> {
    return translated(async () => {
      for (let start = 0; start < versions.length; start += ROWS_PER_STATEMENT) {
        await this.db
          .insert(itemVersions)
          .values(versions.slice(start, start + ROWS_PER_STATEMENT).map(versionRow))
          .onConflictDoNothing({ target: [itemVersions.itemId, itemVersions.commitSha] });
      }
    });
  }

  listVersions(itemId: string, commits?: readonly string[]): Promise<ItemVersion[]> {
    if (commits !== undefined && commits.length === 0) return Promise.resolve([]);
    return translated(() =>
      this.db
        .select()
        .from(itemVersions)
        .where(
          and(
            eq(itemVersions.itemId, itemId),
            commits === undefined ? undefined : inArray(itemVersions.commitSha, [...commits]),
          ),
        )
        .orderBy(desc(itemVersions.createdAt), desc(itemVersions.id))
        .then((rows) => rows.map(versionOf)),
    );
  }

  findVersionsByNumber(itemId: string, version: string): Promise<ItemVersion[]> {
    return translated(() =>
      this.db
        .select()
        .from(itemVersions)
        .where(and(eq(itemVersions.itemId, itemId), eq(itemVersions.version, version)))
        .orderBy(desc(itemVersions.createdAt), desc(itemVersions.id))
        .then((rows) => rows.map(versionOf)),
    );
  }

  recordInstall(event: InstallEvent): Promise<number> {
    return translated(() =>
      this.db.transaction(async (tx) => {
        // The unique (item, installer, day) decides whether this install counts; then one UPDATE ... RETURNING,
        // so concurrent installs by different people each add one and none is lost.
        const inserted = await tx
          .insert(installEvents)
          .values(event)
          .onConflictDoNothing({ target: [installEvents.itemId, installEvents.installer, installEvents.day] })
          .returning({ id: installEvents.id });
        const [row] = await tx
          .update(items)
          .set({ usageCount: inserted.length > 0 ? sql`${items.usageCount} + 1` : items.usageCount })
          .where(eq(items.id, event.itemId))
          .returning({ usageCount: items.usageCount });
        if (!row) throw new NotFoundError(`item ${event.itemId} not found`);
        if (inserted.length > 0) await copyUsageCount(tx as unknown as Db, event.itemId, row.usageCount);
        return row.usageCount;
      }),
    );
  }

  listRegistryServers(query: RegistryServerQuery): Promise<Page<RegistryServerVersion>> {
    return translated(() => registryServerPage(this.db, query));
  }

  listRegistryServerVersions(query: RegistryServerLookup): Promise<RegistryServerVersion[]> {
    return translated(() => registryServerVersions(this.db, query));
  }
}

/** Rows a multi-row statement carries: well under PostgreSQL's 65,535 bound parameters at 30 columns a row. */
const ROWS_PER_STATEMENT = 500;
const PATHS_PER_LOOKUP = 5000;

function versionRow(version: ItemVersion): typeof itemVersions.$inferInsert {
  const { access, ...rest } = version;
  return {
    ...rest,
    manifest: version.manifest === null ? null : { ...version.manifest },
    visibility: access?.visibility ?? null,
    teamId: access?.teamId ?? null,
    ownerUserId: access?.ownerUserId ?? null,
  };
}

/** Runs a write of `item`, naming its server name when the unique index refuses it. */
async function namingServer(item: Pick<CatalogItem, 'serverName'>, work: () => Promise<void>): Promise<void> {
  try {
    await translated(work);
  } catch (error) {
    if (error instanceof ServerNameTakenError && item.serverName !== null) {
      throw new ServerNameTakenError(`server name "${item.serverName}" is declared by another item`);
    }
    throw error;
  }
}

/** A version row as the domain sees it: the read rule at that version in one value, or null when unrecorded. */
function versionOf(row: typeof itemVersions.$inferSelect): ItemVersion {
  const { visibility, teamId, ownerUserId, ...rest } = row;
  return { ...rest, access: visibility === null ? null : { visibility, teamId, ownerUserId } };
}
