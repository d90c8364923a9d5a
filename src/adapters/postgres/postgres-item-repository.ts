import { and, arrayContains, desc, eq, getTableColumns, inArray, type SQL, sql } from 'drizzle-orm';
import type { CatalogItem } from '../../domain/catalog/catalog-item.ts';
import type { ItemRef } from '../../domain/catalog/item-ref.ts';
import type { ItemRepository, ItemSearch, ItemSort } from '../../domain/catalog/item-repository.ts';
import type { InstallEvent, ItemVersion } from '../../domain/catalog/item-version.ts';
import type { Viewer } from '../../domain/catalog/viewer.ts';
import { decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { Page } from '../../domain/page.ts';
import type { Db } from './connection.ts';
import { installEvents, catalogItems as items, itemVersions, teamMemberships, teams, users } from './schema.ts';
import { translated } from './translate-error.ts';

/** Every column but the search document, which only the database reads (about 300 bytes a row). */
const { search: _search, ...itemColumns } = getTableColumns(items);
type Row = Omit<typeof items.$inferSelect, 'search'>;

function toItem(row: Row): CatalogItem {
  return row;
}

/**
 * The weighted full-text document: name (A), title and description (B), tags (C), namespace (D).
 * The name is indexed whole and with hyphens as spaces, so `pdf` finds `pdf-tools`.
 */
function searchDocument(item: CatalogItem): SQL {
  return sql`setweight(to_tsvector('english', ${`${item.name} ${item.name.replaceAll('-', ' ')}`}), 'A')
    || setweight(to_tsvector('english', ${`${item.title ?? ''} ${item.description}`}), 'B')
    || setweight(to_tsvector('english', ${item.tags.join(' ')}), 'C')
    || setweight(to_tsvector('simple', ${item.namespace}), 'D')`;
}

/** The read rule in SQL: admins see all; everyone else `org` items, their teams' items and their own. */
function readRule(viewer: Viewer): SQL | undefined {
  if (viewer.kind === 'admin') return undefined;
  if (viewer.kind === 'anonymous') return sql`${items.visibility} = 'org'`;
  return sql`(${items.visibility} = 'org'
    or (${items.teamId} is null and ${items.ownerUserId} = ${viewer.userId})
    or ${items.teamId} in (select ${teamMemberships.teamId} from ${teamMemberships} where ${teamMemberships.userId} = ${viewer.userId}))`;
}

interface Ordering {
  /** The values of a row's sort key, as the cursor carries them. */
  key(row: Row, rank: string | null): (string | number)[];
  orderBy: SQL[];
  /** Rows strictly after the cursor's key. */
  after(key: (string | number | null)[], rank: SQL): SQL;
}

function ordering(sort: Exclude<ItemSort, 'relevance'> | 'relevance', rank: SQL): Ordering {
  switch (sort) {
    case 'relevance':
      return {
        key: (row, r) => [String(r ?? 0), row.id],
        orderBy: [sql`rank desc`, sql`${items.id} asc`],
        after: ([r, id]) => sql`(${rank} < ${r}::numeric or (${rank} = ${r}::numeric and ${items.id} > ${id}::uuid))`,
      };
    case 'updated':
      return {
        key: (row) => [row.updatedAt.toISOString(), row.id],
        orderBy: [sql`${items.updatedAt} desc`, sql`${items.id} desc`],
        after: ([at, id]) => sql`(${items.updatedAt}, ${items.id}) < (${at}::timestamptz, ${id}::uuid)`,
      };
    case 'installs':
      return {
        key: (row) => [row.usageCount, row.id],
        orderBy: [sql`${items.usageCount} desc`, sql`${items.id} desc`],
        after: ([n, id]) => sql`(${items.usageCount}, ${items.id}) < (${n}::integer, ${id}::uuid)`,
      };
    case 'name':
      return {
        key: (row) => [row.name, row.id],
        orderBy: [sql`${items.name} collate "C" asc`, sql`${items.id} asc`],
        after: ([name, id]) => sql`(${items.name} collate "C", ${items.id}) > (${name}::text collate "C", ${id}::uuid)`,
      };
  }
}

export class PostgresItemRepository implements ItemRepository {
  constructor(private readonly db: Db) {}

  insert(item: CatalogItem): Promise<void> {
    return translated(async () => {
      await this.db
        .insert(items)
        .values({ ...item, tags: [...item.tags], problems: [...item.problems], search: searchDocument(item) });
    });
  }

  update(item: CatalogItem): Promise<void> {
    return translated(async () => {
      const { id, createdAt: _createdAt, ...rest } = item;
      const updated = await this.db
        .update(items)
        .set({ ...rest, tags: [...item.tags], problems: [...item.problems], search: searchDocument(item) })
        .where(eq(items.id, id))
        .returning({ id: items.id });
      if (updated.length === 0) throw new NotFoundError(`item ${id} not found`);
    });
  }

  async findById(id: string) {
    const [row] = await translated(() => this.db.select(itemColumns).from(items).where(eq(items.id, id)));
    return row && toItem(row);
  }

  async findByRef(ref: ItemRef) {
    const [row] = await translated(() =>
      this.db
        .select(itemColumns)
        .from(items)
        .where(and(eq(items.kind, ref.kind), eq(items.namespace, ref.namespace), eq(items.name, ref.name))),
    );
    return row && toItem(row);
  }

  async findWithNamesByRef(ref: ItemRef) {
    const [row] = await translated(() =>
      this.db
        .select({ row: itemColumns, owner: users.username, team: teams.slug })
        .from(items)
        .leftJoin(users, eq(users.id, items.ownerUserId))
        .leftJoin(teams, eq(teams.id, items.teamId))
        .where(and(eq(items.kind, ref.kind), eq(items.namespace, ref.namespace), eq(items.name, ref.name))),
    );
    return row && { item: toItem(row.row), owner: row.owner, team: row.team };
  }

  async findByGitPath(gitPath: string) {
    const [row] = await translated(() => this.db.select(itemColumns).from(items).where(eq(items.gitPath, gitPath)));
    return row && toItem(row);
  }

  async search(query: ItemSearch): Promise<Page<CatalogItem>> {
    const q = query.q?.trim() ? query.q.trim() : undefined;
    const sortName = query.sort === 'relevance' && q === undefined ? 'updated' : query.sort;
    const tag = `items:${sortName}`;
    const cursor = query.cursor === undefined ? undefined : decodeCursor(tag, query.cursor, 2);
    const tsquery = q === undefined ? undefined : sql`websearch_to_tsquery('english', ${q})`;
    const rank =
      q === undefined
        ? sql`0`
        : sql`round((ts_rank(${items.search}, ${tsquery}) + similarity(${items.name}, ${q}))::numeric, 6)`;
    const order = ordering(sortName, rank);
    const where = and(
      query.status ? eq(items.status, query.status) : inArray(items.status, ['active', 'deprecated']),
      query.kind ? eq(items.kind, query.kind) : undefined,
      query.namespace ? eq(items.namespace, query.namespace.toLowerCase()) : undefined,
      query.teamId ? eq(items.teamId, query.teamId) : undefined,
      query.tag ? arrayContains(items.tags, [query.tag.toLowerCase()]) : undefined,
      query.ownerUserId ? eq(items.ownerUserId, query.ownerUserId) : undefined,
      // `%` is pg_trgm's similarity operator (threshold 0.3), served by the trigram index.
      q === undefined ? undefined : sql`(${items.search} @@ ${tsquery} or ${items.name} % ${q})`,
      readRule(query.viewer),
      cursor === undefined ? undefined : order.after(cursor, rank),
    );
    const rows = await translated(() =>
      this.db
        // The rank is computed once, as an output column the ORDER BY names (see `ordering`).
        .select({ row: itemColumns, rank: sql<string>`${rank}`.as('rank') })
        .from(items)
        .where(where)
        .orderBy(...order.orderBy)
        .limit(query.limit + 1),
    );
    const pageRows = rows.slice(0, query.limit);
    const last = pageRows.at(-1);
    const result = pageRows.map((r) => toItem(r.row));
    return rows.length > query.limit && last
      ? { items: result, nextCursor: encodeCursor(tag, order.key(last.row, last.rank)) }
      : { items: result };
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
    const { access, ...rest } = version;
    return translated(async () => {
      await this.db
        .insert(itemVersions)
        .values({
          ...rest,
          manifest: version.manifest === null ? null : { ...version.manifest },
          visibility: access?.visibility ?? null,
          teamId: access?.teamId ?? null,
          ownerUserId: access?.ownerUserId ?? null,
        })
        .onConflictDoNothing({
          target: [itemVersions.itemId, itemVersions.commitSha],
        });
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
        return row.usageCount;
      }),
    );
  }
}

/** A version row as the domain sees it: the read rule at that version in one value, or null when unrecorded. */
function versionOf(row: typeof itemVersions.$inferSelect): ItemVersion {
  const { visibility, teamId, ownerUserId, ...rest } = row;
  return { ...rest, access: visibility === null ? null : { visibility, teamId, ownerUserId } };
}
