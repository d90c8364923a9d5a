import { and, type Column, eq, getTableColumns, inArray, type SQL, sql } from 'drizzle-orm';
import type { CatalogItem, ItemStatus } from '../../domain/catalog/catalog-item.ts';
import type { ItemKind } from '../../domain/catalog/item-kind.ts';
import {
  FACET_VALUES_LIMIT,
  type FacetCount,
  type ItemFacetQuery,
  type ItemFacets,
  type ItemSearch,
  type ItemSort,
  type ItemSummary,
} from '../../domain/catalog/item-repository.ts';
import { searchScope } from '../../domain/catalog/search-scope.ts';
import { type QueryTerm, queryTerms, SEARCH_LIMITS, searchDocument } from '../../domain/catalog/search-text.ts';
import type { Viewer } from '../../domain/catalog/viewer.ts';
import { decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import type { Db } from './connection.ts';
import { PLAN_EACH_TIME } from './pglite-execute.ts';
import { readPrepared, writtenLimit } from './prepared-statements.ts';
import {
  catalogFacetChanges,
  catalogFacetCounts,
  catalogSearchChanges,
  catalogSearchState,
  catalogSearchTerms,
  catalogSearchWords,
  FACET_TEAM,
  catalogItems as items,
  READER_KEYS,
  teamMemberships,
  teams,
} from './schema.ts';
import {
  type Candidate,
  compareCandidates,
  type KeptRows,
  keyOf,
  type SearchLists,
  scoreCandidates,
  type TermList,
} from './search-lists.ts';

/**
 * Search, browse and facets over PostgreSQL (a server or PGlite), and the rank inputs they read.
 *
 * A search reads, for each term of the query, at most SEARCH_LIMITS.candidatesPerTerm postings from the rank
 * index (a term's heaviest, most installed items first, already filtered by reader key and status), scores the
 * union and keeps the SEARCH_LIMITS.candidates best: its cost follows those limits, not the catalog's size.
 * Filters, sort, page and facets then work on those candidates through a covering index. A browse walks the
 * index of its sort from the cursor. Facets of a browse add up precomputed counts (catalog_facet_counts).
 * With SearchLists (search-lists.ts), a search reads each term's postings and each typo's corrections once, scores
 * its candidates in this process and sends them to the statement, which answers only from inputs unchanged since.
 */

/** Bumped whenever search-text.ts indexes items differently: postings written under an older one are rewritten. */
export const SEARCH_INDEX_VERSION = 1;

/** Facet changes beyond this many are folded into the counts by the next facets read. */
const FACET_CHANGES_FOLD_AT = 1000;
const FACET_CHANGES_FOLD_BATCH = 20_000;

type Rows<T> = { rows: T[] };
const rowsOf = <T>(result: unknown): T[] => (result as Rows<T>).rows;

const { reader: _reader, ...itemColumns } = getTableColumns(items);
/** The columns of an ItemSummary: no manifest, problems or search text, most of a row's bytes. */
const { manifest: _manifest, problems: _problems, searchText: _searchText, ...summaryColumns } = itemColumns;

/**
 * What a raw SELECT of these columns writes, made once: the columns by name, never `i.*`, whose shape a later
 * migration would change under a statement the server has prepared ("cached plan must not change result type").
 */
function projectionOf(columns: Record<string, Column>) {
  const list = Object.values(columns);
  return {
    columns: (alias: string) => sql.raw(list.map((column) => `${alias}."${column.name}"`).join(', ')),
  };
}
const itemProjection = projectionOf(itemColumns);
const summaryProjection = projectionOf(summaryColumns);
/** What a search page reads: whole items with `full`, summaries otherwise. */
const pageProjection = (query: Pick<ItemSearch, 'full'>) => (query.full ? itemProjection : summaryProjection);

/**
 * The rows of `select` (aliased `r` in `order`) as one JSON text, a list in the page's order: what a page's
 * statement answers instead of a row per item and a column per field. A driver reads a row's fields one by one,
 * which on PGlite cost more than the statement that found them (21 rows of 19 columns: 1.3 ms, against 0.6 ms as
 * one JSON text and 0.3 ms for the ids alone), in the database thread every statement waits for; JSON.parse
 * reads the text in the caller's. Timestamps arrive as ISO 8601 text, arrays and JSON as JSON: what `rowReader`
 * maps as Drizzle maps a driver's values.
 */
function pageJson(select: SQL, order: Order): SQL {
  return sql`(select coalesce(json_agg(r order by ${order.orderBy})::text, '[]') from (${select}) r)`;
}

/** The items of a statement's `page(id, score, rank_usage)` CTE, whole or summaries, as `pageJson`. */
function pageItemsJson(query: Pick<ItemSearch, 'full'>, order: Order): SQL {
  return pageJson(
    sql`
      select ${pageProjection(query).columns('i')}, r.score, r.rank_usage, to_json(i.updated_at) #>> '{}' as updated_key
      from page r join ${items} i on i.id = r.id`,
    order,
  );
}

/** The rows of a page read as `pageJson` (or already read), or none. */
function pageRows<T>(json: unknown): T[] {
  if (Array.isArray(json)) return json as T[];
  return typeof json === 'string' ? (JSON.parse(json) as T[]) : [];
}

/**
 * Instead of pageItemsJson, the keys of a page's items: id, row version (xmin), score, rank_usage and what the
 * page's order and cursor read (updated_at, usage_count, name), in the page's order; and the item's summary row
 * (`row`) unless `held` (a jsonb object of item id to row version) holds it at its version.
 */
function pageKeysJson(order: Order, held: SQL): SQL {
  return pageJson(
    sql`
      select r.id, i.xmin::text as row_version, r.score, r.rank_usage, i.updated_at, i.usage_count, i.name,
        case when ${held} ->> r.id::text = i.xmin::text then null
          else (select to_json(x) from (select ${summaryProjection.columns('i')}) x) end as row
      from page r join ${items} i on i.id = r.id`,
    order,
  );
}

/** What pageKeysJson gives for an item. */
interface PageKey {
  id: string;
  /** The row's version (xmin), not the item's `version`. */
  row_version: string;
  score: number | string | null;
  rank_usage: number | null;
  updated_at: string;
  usage_count: number;
  name: string;
  row: Record<string, unknown> | null;
}

/** The rows `kept` holds among `candidates`, with their versions: what pageKeysJson need not send. */
function heldRows(kept: KeptRows, candidates: readonly Candidate[]): SQL {
  const held: Record<string, string> = {};
  for (const { id } of candidates) {
    const version = kept.versionOf(id);
    if (version !== undefined) held[id] = version;
  }
  return sql`${JSON.stringify(held)}::jsonb`;
}

/**
 * A page's rows from its keys: the rows the statement sent (then kept), or kept at the keys' versions. Undefined
 * when a row the statement did not send is no longer kept (dropped meanwhile): the caller reads the page again.
 */
function rowsOfKeys(kept: KeptRows, keys: readonly PageKey[]): Record<string, unknown>[] | undefined {
  const out: Record<string, unknown>[] = [];
  for (const key of keys) {
    if (key.row !== null) kept.put(key.id, key.row_version, key.row);
    const row = key.row ?? kept.get(key.id, key.row_version);
    if (row === undefined) return undefined;
    out.push({ ...row, score: key.score, rank_usage: key.rank_usage, updated_key: key.updated_at });
  }
  return out;
}

/**
 * Reads a raw query's row, as either driver returns it or as its JSON (pageJson), into the fields of `columns`,
 * mapped as Drizzle maps them.
 */
function rowReader<T>(columns: Record<string, Column>): (row: Record<string, unknown>) => T {
  const fields = Object.entries(columns);
  return (row) => {
    const out: Record<string, unknown> = {};
    for (const [key, column] of fields) {
      const value = row[column.name];
      out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
    }
    return out as T;
  };
}

/** A catalog_items row of a raw query, as the item Drizzle would have read. */
export const itemFromRow = rowReader<typeof items.$inferSelect>(itemColumns);
/** A summary row of a raw query, as ItemSummary's fields. */
export const summaryFromRow = rowReader<ItemSummary>(summaryColumns);

// ---- Writing rank inputs

/**
 * Writes the postings and words of items just written, replacing the postings they had (the installs, reader
 * key and status the postings copy come from the rows). Runs in the caller's transaction.
 */
export async function writeSearchTerms(db: Db, written: readonly CatalogItem[], replacing: boolean): Promise<void> {
  if (written.length === 0) return;
  if (replacing) {
    await db.delete(catalogSearchTerms).where(
      inArray(
        catalogSearchTerms.itemId,
        written.map((item) => item.id),
      ),
    );
  }
  await db.execute(sql`with ${postingsOf(written, sql`${items}`)}`);
}

/**
 * Inserts items and their postings and words in one statement: `insert` is the INSERT of their rows into
 * catalog_items, returning `id`, `usage_count`, `reader` and `status` (what the postings copy). One round trip
 * to the database instead of two, while the caller's transaction holds it. The statement is sent when this is
 * called, before anything the caller sends after it.
 */
export function insertWithSearchTerms(db: Db, insert: SQL, written: readonly CatalogItem[]): Promise<unknown> {
  return db.execute(sql`with inserted as (${insert}), ${postingsOf(written, sql`inserted`)}`).execute();
}

/**
 * The end of a WITH statement that writes the postings of `written`, whose rows (id, usage_count, reader,
 * status) `rows` holds, and the words that are new.
 */
function postingsOf(written: readonly CatalogItem[], rows: SQL): SQL {
  const postings: { i: string; t: string; w: number }[] = [];
  const words = new Map<string, string>();
  for (const item of written) {
    const doc = searchDocument(item);
    for (const [t, w] of doc.terms) postings.push({ i: item.id, t, w });
    for (const [word, term] of doc.words) words.set(word, term);
  }
  return sql`
    posted as (
      insert into ${catalogSearchTerms} (item_id, term, weight, usage_count, reader, status)
      select i.id, p.t, p.w, i.usage_count, i.reader, i.status
      from jsonb_to_recordset(${JSON.stringify(postings)}::jsonb) as p(i uuid, t text, w smallint)
      join ${rows} i on i.id = p.i
    )
    insert into ${catalogSearchWords} (word, term)
    select w.word, w.term
    from jsonb_to_recordset(${JSON.stringify([...words].map(([word, term]) => ({ word, term })))}::jsonb)
      as w(word text, term text)
    where not exists (select 1 from ${catalogSearchWords} s where s.word collate "C" = w.word collate "C")`;
}

/** Copies an item's new install count onto its postings, which order a term's items by it. */
export async function copyUsageCount(db: Db, itemId: string, usageCount: number): Promise<void> {
  await db
    .update(catalogSearchTerms)
    .set({ usageCount })
    .where(and(eq(catalogSearchTerms.itemId, itemId), sql`${catalogSearchTerms.usageCount} <> ${usageCount}`));
}

/**
 * Rewrites the postings of every item when they were written under an older SEARCH_INDEX_VERSION (or never,
 * for rows older than search postings): run after migrations, before anything searches. Batches of 500.
 */
export async function reindexSearch(db: Db, toItem: (row: typeof items.$inferSelect) => CatalogItem): Promise<number> {
  const [state] = await db.select().from(catalogSearchState);
  if (state?.version === SEARCH_INDEX_VERSION) return 0;
  let done = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const batch = await db.select().from(items).where(sql`${items.id} > ${after}::uuid`).orderBy(items.id).limit(500);
    if (batch.length === 0) break;
    await db.transaction((tx) => writeSearchTerms(tx as unknown as Db, batch.map(toItem), true));
    done += batch.length;
    after = batch.at(-1)!.id;
  }
  await db
    .insert(catalogSearchState)
    .values({ id: 1, version: SEARCH_INDEX_VERSION })
    .onConflictDoUpdate({ target: catalogSearchState.id, set: { version: SEARCH_INDEX_VERSION } });
  return done;
}

// ---- The read rule

/** The reader keys a viewer may read, as SQL: undefined for an admin, who reads everything. */
function readerKeys(viewer: Viewer): SQL | undefined {
  if (viewer.kind === 'admin') return undefined;
  if (viewer.kind === 'anonymous') return sql`array[${READER_KEYS.everyone}::uuid]`;
  return sql`(array[${READER_KEYS.everyone}::uuid, ${viewer.userId}::uuid] || array(select ${teamMemberships.teamId} from ${teamMemberships} where ${teamMemberships.userId} = ${viewer.userId}::uuid))`;
}

/** `column = any(keys)`, or nothing for an admin. */
function readable(column: SQL, viewer: Viewer): SQL {
  const keys = readerKeys(viewer);
  return keys === undefined ? sql`true` : sql`${column} = any(${keys})`;
}

/** A list of values as SQL: `(a, b, c)`, each bound. */
const listOf = (values: readonly string[]) =>
  sql`(${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )})`;

// ---- Orderings and cursors

type CursorKey = (string | number | null)[];

interface Order {
  readonly tag: string;
  readonly arity: number;
  /** ORDER BY over a relation `r` with columns score, rank_usage, id, updated_at, usage_count, name. */
  readonly orderBy: SQL;
  /** Rows of `r` strictly after a cursor's key. */
  after(key: CursorKey): SQL;
  key(row: PageRow): CursorKey;
}

interface PageRow {
  id: string;
  score: string | number | null;
  rank_usage: number | null;
  /** updated_at as ISO 8601 text, which the cursor carries and SQL reads back exactly. */
  updated_key: string;
  usage_count: number;
  name: string;
}

/**
 * The orderings of pages. A cursor's values are compared as subqueries (`(select $1)`): PostgreSQL estimates a
 * comparison with a value it cannot see the same in every plan, so after a few executions it plans a page after
 * a cursor once, an index walk from the cursor as before; compared with the values themselves, it costed the
 * generic plan at a third of the table and planned every page anew (350 custom plans, no generic one, for page
 * 300 of a browse at 20,000 items; with subqueries 5 custom, then 345 from one generic plan).
 */
function orderOf(sort: ItemSort, searching: boolean): Order {
  switch (sort) {
    case 'relevance':
      return {
        tag: 'items:relevance',
        arity: 3,
        orderBy: sql`r.score desc, r.rank_usage desc, r.id desc`,
        after: ([score, usage, id]) =>
          sql`(r.score, r.rank_usage, r.id) < (${score}::bigint, ${usage}::integer, ${id}::uuid)`,
        key: (row) => [Number(row.score), Number(row.rank_usage), row.id],
      };
    case 'updated':
      return {
        tag: `items:updated${searching ? ':q' : ''}`,
        arity: 2,
        orderBy: sql`r.updated_at desc, r.id desc`,
        after: ([at, id]) => sql`(r.updated_at, r.id) < ((select ${at}::timestamptz), (select ${id}::uuid))`,
        key: (row) => [row.updated_key, row.id],
      };
    case 'installs':
      return {
        tag: `items:installs${searching ? ':q' : ''}`,
        arity: 2,
        orderBy: sql`r.usage_count desc, r.id desc`,
        after: ([n, id]) => sql`(r.usage_count, r.id) < ((select ${n}::integer), (select ${id}::uuid))`,
        key: (row) => [row.usage_count, row.id],
      };
    case 'name':
      return {
        tag: `items:name${searching ? ':q' : ''}`,
        arity: 2,
        orderBy: sql`r.name collate "C" asc, r.id asc`,
        after: ([name, id]) =>
          sql`(r.name collate "C", r.id) > ((select ${name}::text) collate "C", (select ${id}::uuid))`,
        key: (row) => [row.name, row.id],
      };
  }
}

// ---- Candidates of a query

/** The CTEs of a search's candidates, and what its first pass must also answer. */
interface Candidates {
  /** CTEs ending in `candidates(id, score, rank_usage)`. */
  readonly ctes: SQL;
  /**
   * On a first pass (no typos to correct) of a query with a word that may be a typo: a scalar, the words of the
   * query that may be typos and match nothing the viewer may read, separated by spaces ('' when none). When there
   * are some, the first pass has no candidates, and a second pass corrects them.
   */
  readonly missing?: SQL;
  /**
   * When the candidates come from inputs kept in this process (search-lists.ts): a scalar, whether any of them
   * changed since it was read; the statement's answer is then thrown away.
   */
  readonly stale?: SQL;
  /**
   * The rows this process keeps among the candidates (heldRows): the page's JSON then holds its items' keys and
   * only the rows not kept (pageKeysJson), which the search reads into rows through the rows it keeps (KeptRows).
   */
  readonly keys?: SQL;
}

/**
 * `corrected(typo, term)`: for each of `typos` (misspelt words), the terms of its likeliest meanings among the
 * words of postings `visible` lets the viewer read.
 */
function correctedCte(typos: readonly string[], visible: SQL): SQL {
  return sql`
    corrected as (
      select u.typo, c.term from jsonb_array_elements_text(${JSON.stringify(typos)}::jsonb) as u(typo) cross join lateral (
        select w.term from (
          -- The edit distance once per candidate (OFFSET 0 keeps the filter and the order from calling it
          -- again): a PL/pgSQL function, 0.14 ms a call on PGlite.
          select w.word, w.term, w.sim, catalog_search_edit_distance(w.word, u.typo) as edits from (
            select w.word, w.term, similarity(w.word, u.typo) as sim
            from (
              select distinct word, term from ${catalogSearchWords}
              where word % u.typo
                or (word collate "C" >= left(u.typo, ${SEARCH_LIMITS.typoPrefix}) collate "C"
                  and word collate "C" < left(u.typo, ${SEARCH_LIMITS.typoPrefix}) || '{' collate "C")
            ) w
            where abs(length(w.word) - length(u.typo)) <= ${SEARCH_LIMITS.typoLengthDelta}
              and exists (select 1 from ${catalogSearchTerms} p where p.term = w.term and ${visible})
            order by sim desc, w.word collate "C"
            limit ${SEARCH_LIMITS.typoCandidates}
          ) w
          offset 0
        ) w
        where w.edits <= case when length(u.typo) >= 8 then 2 else 1 end
        order by w.edits, w.sim desc, w.word collate "C"
        limit ${SEARCH_LIMITS.typoCorrections}) c
    )`;
}

/**
 * The candidates of a query's `terms`: the SEARCH_LIMITS.candidates best items the viewer may read in `statuses`,
 * scored as search-text.ts says. `typos` are the query's misspelt words to correct (words that may be typos and
 * match nothing the viewer may read): their likeliest meanings join the terms. A search runs a first pass with no
 * typos, which first looks for words that match nothing (`missing`), and a second pass only when some do: a
 * correction scans the vocabulary, and its CTEs, even when nothing needed correcting, made the statement of every
 * search take about 40 % longer on PGlite (4.6 against 3.3 ms for a query of five words at 10,000 items).
 */
function candidateCtes(
  terms: readonly QueryTerm[],
  viewer: Viewer,
  statuses: readonly ItemStatus[],
  typos: readonly string[],
): Candidates {
  const visible = visiblePostings(viewer, statuses);
  const perTerm = SEARCH_LIMITS.candidatesPerTerm;
  const corrected = typos.length === 0 ? undefined : sql`${correctedCte(typos, visible)},`;
  // A first pass of a query with a word that may be a typo looks first for such words that match nothing, and
  // finds no candidates when there are some: the second pass, which corrects them, does the work once.
  const firstPass = typos.length === 0 && terms.some((t) => t.typo !== undefined);
  const ctes = sql`
    q(term, factor, typo) as (
      select * from jsonb_to_recordset(${JSON.stringify(terms.map((t) => ({ term: t.term, factor: t.factor, typo: t.typo ?? '' })))}::jsonb)
        as q(term text, factor integer, typo text)
    ),${corrected ?? sql``}${
      firstPass
        ? sql`
    missing(words) as (
      select coalesce(string_agg(distinct q.typo, ' '), '') from q
      where q.typo <> '' and not exists (select 1 from ${catalogSearchTerms} p where p.term = q.term and ${visible})
    ),`
        : sql``
    }
    terms as (
      select term, max(factor) as factor
      from (select term, factor from q${corrected ? sql` union all select term, 1 from corrected` : sql``}) t
      ${firstPass ? sql`where (select words from missing) = ''` : sql``}
      group by term
    ),
    lists as (
      select t.term, t.factor, l.item_id, l.weight, l.usage_count, l.df from terms t cross join lateral (
        select x.*, count(*) over () as df from (
          select p.item_id, p.weight, p.usage_count from ${catalogSearchTerms} p
          where p.term = t.term and ${visible}
          order by p.weight desc, p.usage_count desc, p.item_id desc
          limit ${perTerm}
        ) x) l
    ),
    candidates as (
      select l.item_id as id,
        sum(l.weight * l.factor * (100 + round(100 * ln(1 + ${perTerm}::float8 / l.df))::integer))::bigint as score,
        max(l.usage_count) as rank_usage
      from lists l
      group by l.item_id
      order by score desc, rank_usage desc, id desc
      limit ${SEARCH_LIMITS.candidates}
    )`;
  return firstPass ? { ctes, missing: sql`(select words from missing)` } : { ctes };
}

/**
 * Runs a search's statement, `statement` being given its candidates, once, or twice when the query has misspelt
 * words: a first pass without corrections, which answers the words that match nothing (its one row's `missing`,
 * separated by spaces), then one correcting them. `typos` are words known already to need correcting (the second
 * pass straight away).
 */
async function correcting<R extends { missing?: string }>(
  terms: readonly QueryTerm[],
  viewer: Viewer,
  statuses: readonly ItemStatus[],
  typos: readonly string[],
  statement: (candidates: Candidates) => Promise<R[]>,
): Promise<R[]> {
  const candidates = candidateCtes(terms, viewer, statuses, typos);
  const result = await statement(candidates);
  if (candidates.missing === undefined) return result;
  const missing = (result[0]?.missing ?? '').split(' ').filter((word) => word !== '');
  return missing.length === 0 ? result : statement(candidateCtes(terms, viewer, statuses, missing));
}

// ---- Candidates from inputs kept in this process

/** Whether a statement's `stale` column (a boolean, as either driver gives it) says its inputs changed. */
const isStale = (value: unknown) => value === true || value === 't';

/**
 * Runs a search's statement on candidates scored here from inputs `lists` keeps (reading those it lacks),
 * `cut` first narrowing them to what the statement needs; when an input changed since it was read, drops them
 * all and runs it on candidates the database scores (`correcting`). Without `lists`, the latter only.
 */
async function runSearch<R extends { page_json: unknown; missing?: string; stale?: unknown }>(
  db: Db,
  lists: SearchLists | undefined,
  query: ItemSearch,
  terms: readonly QueryTerm[],
  statuses: readonly ItemStatus[],
  cut: (candidates: Candidate[]) => Candidate[],
  statement: (candidates: Candidates) => Promise<R[]>,
): Promise<R[]> {
  const viewer = query.viewer;
  const kept = lists && (await keptCandidates(db, lists, terms, viewer, statuses));
  if (lists !== undefined && kept !== undefined) {
    // Summaries by their keys, through the rows kept; whole items are read as they are.
    const candidates = cut(kept.candidates);
    const keys = query.full ? undefined : heldRows(lists.rows, candidates);
    const result = await statement({ ctes: candidatesOf(candidates), stale: staleSince(kept.snapshots), keys });
    const [first] = result;
    if (isStale(first?.stale)) lists.flush();
    else if (keys === undefined || first === undefined) {
      lists.served();
      return result;
    } else {
      const rows = rowsOfKeys(lists.rows, pageRows<PageKey>(first.page_json));
      if (rows !== undefined) {
        lists.served();
        return [{ ...first, page_json: rows }];
      }
    }
  }
  return correcting(terms, viewer, statuses, [], statement);
}

/** `candidates(id, score, rank_usage)` from a list made here. */
function candidatesOf(candidates: readonly Candidate[]): SQL {
  const json = JSON.stringify(candidates.map((c) => ({ id: c.id, score: c.score, rank_usage: c.rankUsage })));
  return sql`
    candidates(id, score, rank_usage) as (
      select * from jsonb_to_recordset(${json}::jsonb) as c(id uuid, score bigint, rank_usage integer)
    )`;
}

/**
 * Whether a transaction that changed search inputs is visible now and was not under one of `snapshots`
 * (pg_current_snapshot() as text): rows from the oldest such snapshot's xmin on, a few at most.
 */
function staleSince(snapshots: readonly string[]): SQL {
  if (snapshots.length === 0) return sql`false`;
  return sql`exists (
    select 1 from jsonb_array_elements_text(${JSON.stringify(snapshots)}::jsonb) as s(snapshot)
    join ${catalogSearchChanges} c on c.xid >= pg_snapshot_xmin(s.snapshot::pg_snapshot)
    where not pg_visible_in_snapshot(c.xid, s.snapshot::pg_snapshot))`;
}

/**
 * A query's candidates as the search statement finds them (candidateCtes), scored here from the lists and
 * corrections `lists` keeps, read from the database when it lacks them; and the snapshots they were read under.
 * Undefined when it lacks some and is not settled (SearchLists.settled): the database alone answers then.
 */
async function keptCandidates(
  db: Db,
  lists: SearchLists,
  terms: readonly QueryTerm[],
  viewer: Viewer,
  statuses: readonly ItemStatus[],
): Promise<{ candidates: Candidate[]; snapshots: string[] } | undefined> {
  const flushes = lists.flushes;
  const snapshots = new Set<string>();
  const found = new Map<string, TermList>();
  const factors = new Map<string, number>();
  for (const t of terms) factors.set(t.term, Math.max(factors.get(t.term) ?? 0, t.factor));
  if (!(await readLists(db, lists, [...factors.keys()], viewer, statuses, found, snapshots, flushes))) return undefined;
  // Words that may be typos and match nothing the viewer may read: their corrections join the terms.
  const missing = new Set(
    terms.filter((t) => t.typo !== undefined && found.get(t.term)?.ids.length === 0).map((t) => t.typo!),
  );
  if (missing.size > 0) {
    const corrections = await readCorrections(db, lists, [...missing], viewer, statuses, snapshots, flushes);
    if (corrections === undefined) return undefined;
    for (const term of corrections) factors.set(term, Math.max(factors.get(term) ?? 0, 1));
    if (!(await readLists(db, lists, corrections, viewer, statuses, found, snapshots, flushes))) return undefined;
  }
  const scored = [...factors].map(([term, factor]) => ({ factor, list: found.get(term)! }));
  return {
    candidates: scoreCandidates(scored, SEARCH_LIMITS.candidatesPerTerm, SEARCH_LIMITS.candidates),
    snapshots: [...snapshots],
  };
}

/**
 * Puts the lists of `terms` into `found`, from `lists` or read in one statement (and kept); false, reading
 * nothing, when some are not kept and `lists` is not settled.
 */
async function readLists(
  db: Db,
  lists: SearchLists,
  terms: readonly string[],
  viewer: Viewer,
  statuses: readonly ItemStatus[],
  found: Map<string, TermList>,
  snapshots: Set<string>,
  flushes: number,
): Promise<boolean> {
  const toRead: string[] = [];
  for (const term of new Set(terms)) {
    if (found.has(term)) continue;
    const kept = lists.get(keyOf(term, viewer, statuses));
    if (kept !== undefined && 'list' in kept.value) {
      found.set(term, kept.value.list);
      snapshots.add(kept.snapshot);
    } else toRead.push(term);
  }
  if (toRead.length === 0) return true;
  if (!lists.settled) return false;
  const rows = await readPrepared<{ term: string; list: string; snapshot: string }>(
    db,
    'atlas_search',
    sql`
      select t.term, pg_current_snapshot()::text as snapshot, (
        select coalesce(json_agg(json_build_array(x.item_id, x.weight, x.usage_count)
          order by x.weight desc, x.usage_count desc, x.item_id desc)::text, '[]')
        from (
          select p.item_id, p.weight, p.usage_count from ${catalogSearchTerms} p
          where p.term = t.term and ${visiblePostings(viewer, statuses)}
          order by p.weight desc, p.usage_count desc, p.item_id desc
          limit ${sql.raw(String(SEARCH_LIMITS.candidatesPerTerm))}
        ) x) as list
      from jsonb_array_elements_text(${JSON.stringify(toRead)}::jsonb) as t(term)`,
  );
  for (const row of rows) {
    const postings = JSON.parse(row.list) as [string, number, number][];
    const list: TermList = {
      ids: postings.map((p) => p[0]),
      weights: postings.map((p) => p[1]),
      usage: postings.map((p) => p[2]),
    };
    found.set(row.term, list);
    snapshots.add(row.snapshot);
    lists.put(keyOf(row.term, viewer, statuses), { list }, row.snapshot, flushes);
  }
  return true;
}

/** The terms that correct `typos`, from `lists` or read in one statement (and kept); as readLists. */
async function readCorrections(
  db: Db,
  lists: SearchLists,
  typos: readonly string[],
  viewer: Viewer,
  statuses: readonly ItemStatus[],
  snapshots: Set<string>,
  flushes: number,
): Promise<string[] | undefined> {
  const terms = new Set<string>();
  const toRead: string[] = [];
  for (const typo of typos) {
    const kept = lists.get(keyOf(`~${typo}`, viewer, statuses));
    if (kept !== undefined && 'corrections' in kept.value) {
      for (const term of kept.value.corrections) terms.add(term);
      snapshots.add(kept.snapshot);
    } else toRead.push(typo);
  }
  if (toRead.length > 0) {
    if (!lists.settled) return undefined;
    const [read] = await readPrepared<{ corrections: string; snapshot: string }>(
      db,
      'atlas_search',
      sql`
        with ${correctedCte(toRead, visiblePostings(viewer, statuses))}
        select pg_current_snapshot()::text as snapshot,
          (select coalesce(json_agg(json_build_array(typo, term))::text, '[]') from corrected) as corrections`,
    );
    const pairs = JSON.parse(read?.corrections ?? '[]') as [string, string][];
    for (const typo of toRead) {
      const corrections = pairs.filter(([of]) => of === typo).map(([, term]) => term);
      for (const term of corrections) terms.add(term);
      if (read !== undefined) lists.put(keyOf(`~${typo}`, viewer, statuses), { corrections }, read.snapshot, flushes);
    }
    if (read !== undefined) snapshots.add(read.snapshot);
  }
  return [...terms];
}

/**
 * A page of a search of one term by relevance, unfiltered: what the general statement (candidateCtes) answers,
 * without scoring every candidate. With one term, an item's score is its posting's weight times a positive number
 * (the term's factor and idf), the same for every item, so the rank index's order (weight, installs, id) is the
 * score's order: a page is the next entries of the index, read in order, no sort. The term's idf needs the count
 * of its postings the viewer may read (at most candidatesPerTerm, as there), a count read from the index alone.
 * Scores, order and cursors are the general statement's. It answers one row: that count (`term_df`) and the page
 * (`page_json`, see pageJson). A count of 0 means a word that may be a typo, which the general statement corrects.
 */
function oneTermPage(term: QueryTerm, query: ItemSearch, after: SQL, order: Order, limit: number): SQL {
  const perTerm = SEARCH_LIMITS.candidatesPerTerm;
  const visible = visiblePostings(query.viewer, searchScope(query.status));
  const best = sql`
    select p.item_id, p.weight, p.usage_count from ${catalogSearchTerms} p
    where p.term = ${term.term} and ${visible}
    order by p.weight desc, p.usage_count desc, p.item_id desc
    limit ${perTerm}`;
  return sql`
    with d as (select count(*) as df from (${best}) x),
    page as (
      select r.id, r.score, r.rank_usage from (
        select b.item_id as id, b.weight, b.usage_count as rank_usage,
          (b.weight * ${term.factor}::integer * (100 + round(100 * ln(1 + ${perTerm}::float8 / d.df))::integer))::bigint
            as score
        from (${best}) b cross join d
      ) r
      where ${after}
      order by r.weight desc, r.rank_usage desc, r.id desc
      limit ${limit}
    )
    select d.df as term_df, ${pageItemsJson(query, order)} as page_json
    from d`;
}

/** The first `limit` of candidates (in their order) after a relevance cursor's key, or from the first. */
function pageAfter(candidates: readonly Candidate[], cursor: CursorKey | undefined, limit: number): Candidate[] {
  const key =
    cursor === undefined
      ? undefined
      : { score: Number(cursor[0]), rankUsage: Number(cursor[1]), id: String(cursor[2]) };
  const page: Candidate[] = [];
  for (const candidate of candidates) {
    if (key !== undefined && compareCandidates(candidate, key) <= 0) continue;
    page.push(candidate);
    if (page.length === limit) break;
  }
  return page;
}

/** The read rule and the status scope over postings aliased `p`: what every search reads of a term's list. */
function visiblePostings(viewer: Viewer, statuses: readonly ItemStatus[]): SQL {
  return sql`${readable(sql.raw('p.reader'), viewer)} and p.status in ${listOf(statuses)}`;
}

/** The filters other than the query, the read rule and the status scope, over `i` (catalog_items). */
interface Filters {
  kind?: SQL;
  team?: SQL;
  tag?: SQL;
  status?: SQL;
  /** Namespace and owner: not facets, they narrow every count. */
  narrow?: SQL;
}

function filtersOf(query: ItemFacetQuery): Filters {
  const i = sql.raw('i');
  return {
    kind: query.kind ? sql`${i}.kind = ${query.kind}` : undefined,
    team: query.teamId ? sql`${i}.team_id = ${query.teamId}::uuid` : undefined,
    tag: query.tag ? sql`${i}.tags @> array[${query.tag.toLowerCase()}]::text[]` : undefined,
    status: query.status ? sql`${i}.status = ${query.status}` : undefined,
    narrow: and(
      query.namespace ? sql`${i}.namespace = ${query.namespace.toLowerCase()}` : undefined,
      // In the index's collation, so that the lookup of a name walks catalog_items_name_id_idx.
      query.name ? sql`${i}.name collate "C" = ${query.name} collate "C"` : undefined,
      query.ownerUserId ? sql`${i}.owner_user_id = ${query.ownerUserId}::uuid` : undefined,
    ),
  };
}

const allOf = (...conditions: (SQL | undefined)[]) => and(...conditions) ?? sql`true`;

// ---- Search

/**
 * A page of search or browse results: catalog_items rows as their JSON (pageJson), which `itemFromRow` and
 * `summaryFromRow` read as they read a driver's rows, and the next cursor.
 */
export async function searchPage(
  db: Db,
  query: ItemSearch,
  lists?: SearchLists,
): Promise<{ rows: Record<string, unknown>[]; nextCursor?: string }> {
  const q = query.q?.trim() ? query.q.trim() : undefined;
  const searching = q !== undefined;
  const sort = query.sort === 'relevance' && !searching ? 'updated' : query.sort;
  const order = orderOf(sort, searching);
  const cursor = query.cursor === undefined ? undefined : decodeCursor(order.tag, query.cursor, order.arity);
  const f = filtersOf(query);
  const limit = query.limit + 1;
  const after = cursor === undefined ? sql`true` : order.after(cursor);

  let rows: (PageRow & Record<string, unknown>)[] | undefined;
  const filtered = [f.kind, f.team, f.tag, f.status, f.narrow].some((condition) => condition !== undefined);
  const terms = searching ? queryTerms(q) : [];
  const statuses = searchScope(query.status);
  // Words known to match nothing the viewer may read, to correct.
  let typos: string[] = [];
  if (searching && sort === 'relevance' && !filtered && lists === undefined) {
    if (terms.length === 1 && SEARCH_LIMITS.candidates >= SEARCH_LIMITS.candidatesPerTerm) {
      const term = terms[0]!;
      const [found] = await readPrepared<{ term_df: string | number; page_json: string }>(
        db,
        'atlas_search',
        oneTermPage(term, query, after, order, limit),
      );
      if (Number(found?.term_df ?? 0) > 0) rows = pageRows(found?.page_json);
      // No posting the viewer may read: nothing, or a typo, which the general statement corrects.
      else if (term.typo === undefined) return { rows: [] };
      else typos = [term.typo];
    }
  }
  if (rows === undefined && searching) {
    if (terms.length === 0) return { rows: [] };
    // Candidates, then (to filter or sort them otherwise) their columns through the covering index, then the
    // whole rows of one page. By relevance and unfiltered, the page comes straight from the candidates.
    const r =
      sort === 'relevance' && !filtered
        ? sql`select c.id, c.score, c.rank_usage from candidates c`
        : sql`
          select c.id, c.score, c.rank_usage, i.updated_at, i.usage_count, i.name
          from candidates c join ${items} i on i.id = c.id
          where ${allOf(f.kind, f.team, f.tag, f.status, f.narrow)}`;
    const statement = ({ ctes, missing, stale, keys }: Candidates) =>
      readPrepared<{ page_json: unknown; missing?: string; stale?: unknown }>(
        db,
        'atlas_search',
        sql`
            with ${ctes},
            r as (${r}),
            page as (select r.* from r where ${after} order by ${order.orderBy} limit ${limit})
            select ${keys ? pageKeysJson(order, keys) : pageItemsJson(query, order)} as page_json${
              missing ? sql`, ${missing} as missing` : sql``
            }${stale ? sql`, ${stale} as stale` : sql``}`,
      );
    // By relevance and unfiltered, a page is the candidates after the cursor: only those go to the statement.
    const cut =
      sort === 'relevance' && !filtered
        ? (candidates: Candidate[]) => pageAfter(candidates, cursor, limit)
        : (candidates: Candidate[]) => candidates;
    const [found] =
      typos.length === 0
        ? await runSearch(db, lists, query, terms, statuses, cut, statement)
        : await correcting(terms, query.viewer, statuses, typos, statement);
    rows = pageRows(found?.page_json);
  } else if (rows === undefined) {
    // A browse: the index of the sort, walked from the cursor, rows filtered as they come. With a tag it is
    // planned each time, never from a generic plan (PLAN_EACH_TIME): how common the tag is decides between walking
    // the sort's index and collecting the tag's items first. Its LIMIT is written in the statement (writtenLimit),
    // so that after its first executions PostgreSQL plans a browse without a tag once: with a LIMIT parameter,
    // which a generic plan is costed for as a tenth of the table, it was planned every time, and a browse took
    // 1.05-1.17 ms on PGlite at 10,000 items against 0.61-0.69 ms from its generic plan.
    const browse = sql`
      select ${pageJson(
        sql`
          select ${pageProjection(query).columns('r')}, null::bigint as score, null::integer as rank_usage,
            to_json(r.updated_at) #>> '{}' as updated_key
          from (
            select i.* from ${items} i
            where ${readable(sql`i.reader`, query.viewer)}
              and ${query.status ? sql`i.status = ${query.status}` : sql`i.status in ('active', 'deprecated')`}
              and ${allOf(f.kind, f.team, f.tag, f.narrow)}
          ) r
          where ${after}
          order by ${order.orderBy}
          limit ${writtenLimit(limit)}`,
        order,
      )} as page_json${query.tag ? sql.raw(` ${PLAN_EACH_TIME}`) : sql``}`;
    const [found] = query.tag
      ? rowsOf<{ page_json: string }>(await db.execute(browse))
      : await readPrepared<{ page_json: string }>(db, 'atlas_search', browse);
    rows = pageRows(found?.page_json);
  }
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    rows: page,
    ...(rows.length > query.limit && last ? { nextCursor: encodeCursor(order.tag, order.key(last)) } : {}),
  };
}

// ---- Facets

interface FacetRow {
  facet: 'kind' | 'team' | 'tag' | 'status';
  value: string;
  count: string | number;
}

function facetsOf(rows: FacetRow[]): ItemFacets {
  const pick = <T extends string>(facet: FacetRow['facet']): FacetCount<T>[] =>
    rows
      .filter((r) => r.facet === facet && Number(r.count) > 0)
      .map((r) => ({ value: r.value as T, count: Number(r.count) }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return {
    kind: pick<ItemKind>('kind'),
    team: pick('team').slice(0, FACET_VALUES_LIMIT),
    tag: pick('tag').slice(0, FACET_VALUES_LIMIT),
    status: pick<ItemStatus>('status'),
  };
}

/**
 * The four facets over a relation `m(kind, status, team_id, tags)` of matching items (each facet with every
 * filter but its own), as one SELECT of (facet, value, count).
 */
function countMatches(f: Filters): SQL {
  const limit = FACET_VALUES_LIMIT;
  return sql`
    select 'kind' as facet, i.kind as value, count(*) as count from m i
      where ${allOf(f.team, f.tag, f.status)} group by i.kind
    union all
    (select 'team', t.slug, count(*) from m i join ${teams} t on t.id = i.team_id
      where ${allOf(f.kind, f.tag, f.status)} group by t.slug order by count(*) desc, t.slug collate "C" limit ${limit})
    union all
    (select 'tag', g.tag, count(*) from m i cross join lateral (select distinct unnest(i.tags) as tag) g
      where ${allOf(f.kind, f.team, f.status)} group by g.tag order by count(*) desc, g.tag collate "C" limit ${limit})
    union all
    select 'status', i.status, count(*) from m i where ${allOf(f.kind, f.team, f.tag)} group by i.status`;
}

/**
 * A page and its facet counts. A search finds its candidates once, in one statement that answers both the page
 * rows and the counts; a browse reads its page and its counts side by side.
 */
export async function searchWithFacets(
  db: Db,
  query: ItemSearch,
  lists?: SearchLists,
): Promise<{ rows: Record<string, unknown>[]; nextCursor?: string; facets: ItemFacets }> {
  const q = query.q?.trim() ? query.q.trim() : undefined;
  if (q === undefined) {
    const [page, facets] = await Promise.all([searchPage(db, query, lists), browseFacetCounts(db, query)]);
    return { ...page, facets };
  }
  const terms = queryTerms(q);
  if (terms.length === 0) return { rows: [], facets: { kind: [], team: [], tag: [], status: [] } };
  const order = orderOf(query.sort, true);
  const cursor = query.cursor === undefined ? undefined : decodeCursor(order.tag, query.cursor, order.arity);
  const f = filtersOf(query);
  const statuses = searchScope(query.status);
  const [found] = await runSearch(
    db,
    lists,
    query,
    terms,
    statuses,
    (c) => c,
    ({ ctes, missing, stale, keys }) =>
      readPrepared<{ page_json: unknown; facets_json: string; missing?: string; stale?: unknown }>(
        db,
        'atlas_search',
        sql`
          with ${ctes},
          m as materialized (
            select c.id, c.score, c.rank_usage, i.kind, i.status, i.team_id, i.tags, i.updated_at, i.usage_count, i.name
            from candidates c join ${items} i on i.id = c.id
            where ${allOf(f.narrow)}
          ),
          r as (select * from m i where ${allOf(f.kind, f.team, f.tag, f.status)}),
          page as (
            select r.id, r.score, r.rank_usage
            from r where ${cursor === undefined ? sql`true` : order.after(cursor)}
            order by ${order.orderBy} limit ${query.limit + 1}
          )
          select ${keys ? pageKeysJson(order, keys) : pageItemsJson(query, order)} as page_json,
            (select coalesce(json_agg(c)::text, '[]') from (${countMatches(f)}) c) as facets_json${
              missing ? sql`, ${missing} as missing` : sql``
            }${stale ? sql`, ${stale} as stale` : sql``}`,
      ),
  );
  const rows = pageRows<Record<string, unknown> & PageRow>(found?.page_json);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    rows: page,
    ...(rows.length > query.limit && last ? { nextCursor: encodeCursor(order.tag, order.key(last)) } : {}),
    facets: facetsOf(pageRows<FacetRow>(found?.facets_json)),
  };
}

/** Facet counts of a browse: one by one for a namespace or an owner, else sums of the precomputed counts. */
async function browseFacetCounts(db: Db, query: ItemFacetQuery): Promise<ItemFacets> {
  const scope = searchScope(query.status);
  const f = filtersOf(query);
  if (f.narrow !== undefined) {
    // A namespace or an owner: few enough items to count one by one.
    const i = sql.raw('i');
    const rows = await readPrepared<FacetRow>(
      db,
      'atlas_search',
      sql`
        with m as materialized (
          select i.kind, i.status, i.team_id, i.tags from ${items} i
          where ${readable(sql`${i}.reader`, query.viewer)} and i.status in ${listOf(scope)} and ${f.narrow}
        )
        ${countMatches(f)}`,
    );
    return facetsOf(rows);
  }
  return browseFacets(db, query, scope);
}

/** Facets of a browse without namespace or owner: sums of the precomputed counts, whatever the catalog's size. */
async function browseFacets(db: Db, query: ItemFacetQuery, scope: readonly ItemStatus[]): Promise<ItemFacets> {
  const kind = query.kind ?? '*';
  const team = query.teamId ?? FACET_TEAM.any;
  const tag = query.tag?.toLowerCase() ?? '*';
  const limit = FACET_VALUES_LIMIT;
  // The cells of one facet: two dimensions fixed (a filter's value, or `*` for any), the viewer's reader keys,
  // the scope's statuses; each facet reads its own index range, plus the changes not yet folded in.
  const cells = (where: SQL) => sql`
    select c.kind, c.team_id, c.tag, c.status, c.count from ${catalogFacetCounts} c
    where ${where} and ${readable(sql`c.reader`, query.viewer)} and c.status in ${listOf(scope)}
    union all
    select c.kind, c.team_id, c.tag, c.status, c.count from changes c where ${where}`;
  const status = query.status ? sql`c.status = ${query.status}` : sql`true`;
  const rows = await readPrepared<FacetRow>(
    db,
    'atlas_search',
    sql`
      with changes as materialized (
        select kind, team_id, tag, status, count from ${catalogFacetChanges} c
        where ${readable(sql`c.reader`, query.viewer)} and c.status in ${listOf(scope)}
      )
      select 'kind' as facet, c.kind as value, sum(c.count) as count
        from (${cells(sql`c.team_id = ${team}::uuid and c.tag = ${tag} and c.kind <> '*'`)}) c
        where ${status} group by c.kind
      union all
      (select 'team', t.slug, sum(c.count)
        from (${cells(sql`c.kind = ${kind} and c.tag = ${tag} and c.team_id <> ${FACET_TEAM.any}::uuid`)}) c
        join ${teams} t on t.id = c.team_id
        where ${status} group by t.slug having sum(c.count) > 0
        order by sum(c.count) desc, t.slug collate "C" limit ${limit})
      union all
      (select 'tag', c.tag, sum(c.count)
        from (${cells(sql`c.kind = ${kind} and c.team_id = ${team}::uuid and c.tag <> '*'`)}) c
        where ${status} group by c.tag having sum(c.count) > 0
        order by sum(c.count) desc, c.tag collate "C" limit ${limit})
      union all
      select 'status', c.status, sum(c.count)
        from (${cells(sql`c.team_id = ${team}::uuid and c.tag = ${tag} and c.kind = ${kind}`)}) c
        group by c.status
      union all
      select 'pending', '', count(*) from (select 1 from ${catalogFacetChanges} offset ${FACET_CHANGES_FOLD_AT} limit 1) x`,
  );
  const pending = rows.some((r) => (r.facet as string) === 'pending' && Number(r.count) > 0);
  if (pending) await compactFacetCounts(db, FACET_CHANGES_FOLD_BATCH);
  return facetsOf(rows);
}

/**
 * Recounts catalog_facet_counts from catalog_items, dropping pending changes: for a bulk load made with the
 * facet trigger disabled, or to repair counts. Run it where no other write runs.
 */
export async function rebuildFacetCounts(db: Db): Promise<void> {
  await db.execute(sql`delete from ${catalogFacetChanges}`);
  await db.execute(sql`delete from ${catalogFacetCounts}`);
  await db.execute(sql`
    insert into ${catalogFacetCounts} (reader, status, kind, team_id, tag, count)
    select c.reader, c.status, c.kind, c.team_id, c.tag, sum(c.count)::integer
    from ${items} i, catalog_facet_cells(i.reader, i.status, i.kind, i.team_id, i.tags, 1) c
    group by 1, 2, 3, 4, 5`);
}

/**
 * Folds up to `limit` rows of catalog_facet_changes into catalog_facet_counts, oldest first; rows another
 * session is folding are skipped, so folds never wait on each other. Returns how many rows were folded.
 */
export async function compactFacetCounts(db: Db, limit: number): Promise<number> {
  const result = await db.execute(sql`
    with moved as (
      delete from ${catalogFacetChanges} where id in (
        select id from ${catalogFacetChanges} order by id limit ${limit} for update skip locked)
      returning reader, status, kind, team_id, tag, count
    ),
    folded as (
      insert into ${catalogFacetCounts} as f (reader, status, kind, team_id, tag, count)
      select reader, status, kind, team_id, tag, sum(count)::integer from moved
      group by reader, status, kind, team_id, tag
      order by kind, team_id, tag, status, reader
      on conflict (kind, team_id, tag, status, reader) do update set count = f.count + excluded.count
    )
    select count(*) as moved from moved`);
  return Number(rowsOf<{ moved: string | number }>(result)[0]?.moved ?? 0);
}
