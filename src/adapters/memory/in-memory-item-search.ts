import type { CatalogItem, ItemStatus } from '../../domain/catalog/catalog-item.ts';
import type { ItemKind } from '../../domain/catalog/item-kind.ts';
import {
  FACET_VALUES_LIMIT,
  type FacetCount,
  type ItemFacetQuery,
  type ItemFacets,
  type ItemSearch,
} from '../../domain/catalog/item-repository.ts';
import { searchScope } from '../../domain/catalog/search-scope.ts';
import {
  editDistance,
  MATCH_FACTOR,
  queryTerms,
  SEARCH_LIMITS,
  type SearchDocument,
  searchDocument,
  termMultiplier,
  typoEdits,
} from '../../domain/catalog/search-text.ts';
import type { Viewer } from '../../domain/catalog/viewer.ts';
import { decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import type { Page } from '../../domain/page.ts';
import { type InMemoryState, lower, pageOf } from './in-memory-state.ts';
import { similarity } from './text-search.ts';

/**
 * The PostgreSQL adapter's search, browse and facets (postgres-item-search.ts) over the in-memory state, step for
 * step, so that one contract holds for both: the same terms, the same capped per-term lists in the same order,
 * the same integer scores, the same candidates.
 */

/** Documents by stored item: an item is replaced, never changed, so its document stays valid while it is stored. */
const documents = new WeakMap<CatalogItem, SearchDocument>();
function documentOf(item: CatalogItem): SearchDocument {
  let doc = documents.get(item);
  if (!doc) {
    doc = searchDocument(item);
    documents.set(item, doc);
  }
  return doc;
}

/** The read rule: the same as the reader key comparison the PostgreSQL adapter makes. */
export function readableBy(s: InMemoryState, item: CatalogItem, viewer: Viewer): boolean {
  if (viewer.kind === 'admin') return true;
  if (item.visibility === 'org') return true;
  if (viewer.kind === 'anonymous') return false;
  if (item.teamId === null) return item.ownerUserId === viewer.userId;
  return s.memberships.has(`${item.teamId}/${viewer.userId}`);
}

interface Candidate {
  readonly item: CatalogItem;
  readonly score: number;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The SEARCH_LIMITS.candidates best matches of `q` the viewer may read in `statuses`, best first. */
function candidates(s: InMemoryState, q: string, viewer: Viewer, statuses: readonly ItemStatus[]): Candidate[] {
  const terms = queryTerms(q);
  if (terms.length === 0) return [];
  const all = [...s.items.values()];
  const visible = all.filter((item) => statuses.includes(item.status) && readableBy(s, item, viewer));
  const hasVisible = (term: string) => visible.some((item) => documentOf(item).terms.has(term));

  const wanted = new Map<string, number>();
  for (const t of terms) wanted.set(t.term, Math.max(wanted.get(t.term) ?? 0, t.factor));
  const typos = [...new Set(terms.filter((t) => t.typo && !hasVisible(t.term)).map((t) => t.typo!))];
  if (typos.length > 0) {
    // Every word any item was indexed with, as the PostgreSQL adapter keeps them.
    const vocabulary = new Map<string, string>();
    for (const item of all) for (const [word, term] of documentOf(item).words) vocabulary.set(word, term);
    for (const typo of typos) {
      const prefix = typo.slice(0, SEARCH_LIMITS.typoPrefix);
      const close = [...vocabulary]
        .map(([word, term]) => ({ word, term, sim: similarity(word, typo) }))
        .filter(
          (w) =>
            (w.sim >= SEARCH_LIMITS.typoSimilarity || w.word.startsWith(prefix)) &&
            Math.abs(w.word.length - typo.length) <= SEARCH_LIMITS.typoLengthDelta &&
            hasVisible(w.term),
        )
        .sort((a, b) => b.sim - a.sim || byText(a.word, b.word))
        .slice(0, SEARCH_LIMITS.typoCandidates)
        .map((w) => ({ ...w, edits: editDistance(w.word, typo) }))
        .filter((w) => w.edits <= typoEdits(typo.length))
        .sort((a, b) => a.edits - b.edits || b.sim - a.sim || byText(a.word, b.word))
        .slice(0, SEARCH_LIMITS.typoCorrections);
      for (const { term } of close) wanted.set(term, Math.max(wanted.get(term) ?? 0, MATCH_FACTOR.typo));
    }
  }

  const scores = new Map<CatalogItem, number>();
  for (const [term, factor] of wanted) {
    const list = visible
      .filter((item) => documentOf(item).terms.has(term))
      .map((item) => ({ item, weight: documentOf(item).terms.get(term)! }))
      .sort((a, b) => b.weight - a.weight || b.item.usageCount - a.item.usageCount || byText(b.item.id, a.item.id))
      .slice(0, SEARCH_LIMITS.candidatesPerTerm);
    const mult = termMultiplier(list.length);
    for (const { item, weight } of list) scores.set(item, (scores.get(item) ?? 0) + weight * factor * mult);
  }
  return [...scores]
    .map(([item, score]) => ({ item, score }))
    .sort((a, b) => b.score - a.score || b.item.usageCount - a.item.usageCount || byText(b.item.id, a.item.id))
    .slice(0, SEARCH_LIMITS.candidates);
}

/** The filters but the query, the read rule and the status scope. */
interface Filters {
  kind(item: CatalogItem): boolean;
  team(item: CatalogItem): boolean;
  tag(item: CatalogItem): boolean;
  status(item: CatalogItem): boolean;
  narrow(item: CatalogItem): boolean;
}

function filtersOf(query: ItemFacetQuery): Filters {
  return {
    kind: (item) => !query.kind || item.kind === query.kind,
    team: (item) => !query.teamId || item.teamId === query.teamId,
    tag: (item) => !query.tag || item.tags.includes(lower(query.tag)),
    status: (item) => !query.status || item.status === query.status,
    narrow: (item) =>
      (!query.namespace || item.namespace === lower(query.namespace)) &&
      (!query.name || item.name === query.name) &&
      (!query.ownerUserId || item.ownerUserId === query.ownerUserId),
  };
}

type SortKey = (string | number)[];

interface Order {
  readonly tag: string;
  key(c: Candidate): SortKey;
  /** Whether key `a` comes after key `b`. */
  after(a: SortKey, b: SortKey): boolean;
}

/** Whether key `a` sorts before key `b`, comparing values in turn. */
function before(a: SortKey, b: SortKey): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < b[i]!) return true;
    if (a[i]! > b[i]!) return false;
  }
  return false;
}

function orderOf(sort: ItemSearch['sort'], searching: boolean): Order {
  const suffix = searching ? ':q' : '';
  const desc = before;
  switch (sort) {
    case 'relevance':
      return { tag: 'items:relevance', key: (c) => [c.score, c.item.usageCount, c.item.id], after: desc };
    case 'updated':
      return { tag: `items:updated${suffix}`, key: (c) => [c.item.updatedAt.toISOString(), c.item.id], after: desc };
    case 'installs':
      return { tag: `items:installs${suffix}`, key: (c) => [c.item.usageCount, c.item.id], after: desc };
    case 'name':
      return {
        tag: `items:name${suffix}`,
        key: (c) => [c.item.name, c.item.id],
        after: (a, b) => before(b, a),
      };
  }
}

export function searchItemsInMemory(s: InMemoryState, query: ItemSearch): Page<CatalogItem> {
  const q = query.q?.trim() ? query.q.trim() : undefined;
  const searching = q !== undefined;
  const order = orderOf(query.sort === 'relevance' && !searching ? 'updated' : query.sort, searching);
  const arity = order.tag === 'items:relevance' ? 3 : 2;
  const cursor = query.cursor === undefined ? undefined : (decodeCursor(order.tag, query.cursor, arity) as SortKey);
  const f = filtersOf(query);
  const scope = searchScope(query.status);
  const pool: Candidate[] = searching
    ? candidates(s, q, query.viewer, scope)
    : [...s.items.values()]
        .filter((item) => scope.includes(item.status) && readableBy(s, item, query.viewer))
        .map((item) => ({ item, score: 0 }));
  const sorted = pool
    .filter((c) => f.kind(c.item) && f.team(c.item) && f.tag(c.item) && f.status(c.item) && f.narrow(c.item))
    .filter((c) => cursor === undefined || order.after(order.key(c), cursor))
    .sort((a, b) => (order.after(order.key(a), order.key(b)) ? 1 : order.after(order.key(b), order.key(a)) ? -1 : 0));
  const page = pageOf(sorted, query.limit, (last) => encodeCursor(order.tag, order.key(last)));
  return { ...page, items: page.items.map((c) => c.item) };
}

function counted<T extends string>(values: T[], limit?: number): FacetCount<T>[] {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  const sorted = [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || byText(a.value, b.value));
  return limit === undefined ? sorted : sorted.slice(0, limit);
}

export function facetsInMemory(s: InMemoryState, query: ItemFacetQuery): ItemFacets {
  const q = query.q?.trim() ? query.q.trim() : undefined;
  const scope = searchScope(query.status);
  const f = filtersOf(query);
  const matches = (
    q !== undefined
      ? candidates(s, q, query.viewer, scope).map((c) => c.item)
      : [...s.items.values()].filter((item) => scope.includes(item.status) && readableBy(s, item, query.viewer))
  ).filter(f.narrow);
  const teamSlug = (item: CatalogItem) => (item.teamId ? s.teams.get(item.teamId)?.slug : undefined);
  return {
    kind: counted<ItemKind>(matches.filter((i) => f.team(i) && f.tag(i) && f.status(i)).map((i) => i.kind)),
    team: counted(
      matches.filter((i) => f.kind(i) && f.tag(i) && f.status(i)).flatMap((i) => teamSlug(i) ?? []),
      FACET_VALUES_LIMIT,
    ),
    tag: counted(
      matches.filter((i) => f.kind(i) && f.team(i) && f.status(i)).flatMap((i) => [...new Set(i.tags)]),
      FACET_VALUES_LIMIT,
    ),
    status: counted<ItemStatus>(matches.filter((i) => f.kind(i) && f.team(i) && f.tag(i)).map((i) => i.status)),
  };
}
