import type { CatalogItem } from '../../domain/catalog/catalog-item.ts';
import type { ItemRef } from '../../domain/catalog/item-ref.ts';
import type { ItemRepository, ItemSearch } from '../../domain/catalog/item-repository.ts';
import type { InstallEvent, ItemVersion } from '../../domain/catalog/item-version.ts';
import { decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import { ConflictError, NotFoundError } from '../../domain/errors.ts';
import type { Page } from '../../domain/page.ts';
import { copy, type InMemoryState, lower, pageOf } from './in-memory-state.ts';
import { similarity, terms } from './text-search.ts';

/** Rounds like the PostgreSQL adapter's `round(x::numeric, 6)`, so ranks compare exactly in cursors. */
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

interface Ranked {
  item: CatalogItem;
  rank: number;
}

type SortKey = (string | number)[];

/** For each sort: the key of a row, and whether a key comes after another in that order. */
const SORTS = {
  relevance: {
    key: (r: Ranked): SortKey => [r.rank, r.item.id],
    after: (a: SortKey, b: SortKey) => a[0]! < b[0]! || (a[0] === b[0] && a[1]! > b[1]!),
  },
  updated: {
    key: (r: Ranked): SortKey => [r.item.updatedAt.toISOString(), r.item.id],
    after: (a: SortKey, b: SortKey) => a[0]! < b[0]! || (a[0] === b[0] && a[1]! < b[1]!),
  },
  installs: {
    key: (r: Ranked): SortKey => [r.item.usageCount, r.item.id],
    after: (a: SortKey, b: SortKey) => a[0]! < b[0]! || (a[0] === b[0] && a[1]! < b[1]!),
  },
  name: {
    key: (r: Ranked): SortKey => [r.item.name, r.item.id],
    after: (a: SortKey, b: SortKey) => a[0]! > b[0]! || (a[0] === b[0] && a[1]! > b[1]!),
  },
} as const;

/** Words PostgreSQL's `english` configuration drops from documents and queries. */
const STOP_WORDS = new Set([
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'by',
  'for',
  'from',
  'in',
  'is',
  'it',
  'of',
  'on',
  'or',
  'the',
  'to',
  'with',
]);

/**
 * websearch_to_tsquery's shape: alternatives separated by `or`, each a conjunction of words;
 * `-word` excludes. Weights as ts_rank's default: A (name) 1.0, B (title, description) 0.4,
 * C (tags) 0.2, D (namespace) 0.1.
 */
function rankOf(item: CatalogItem, q: string): number | undefined {
  const fields: [Set<string>, number][] = [
    [terms(`${item.name} ${item.name.replaceAll('-', ' ')}`), 1.0],
    [terms(`${item.title ?? ''} ${item.description}`), 0.4],
    [terms(item.tags.join(' ')), 0.2],
    [terms(item.namespace), 0.1],
  ];
  const weightOf = (term: string) => Math.max(0, ...fields.filter(([set]) => set.has(term)).map(([, w]) => w));
  let best: number | undefined;
  for (const alternative of q.split(/\s+or\s+/i)) {
    const excluded = [...terms((alternative.match(/(?:^|\s)-\S+/g) ?? []).join(' '))];
    const wanted = [...terms(alternative.replace(/(?:^|\s)-\S+/g, ' '))].filter((t) => !STOP_WORDS.has(t));
    if (wanted.length === 0 || excluded.some((t) => weightOf(t) > 0)) continue;
    const weights = wanted.map(weightOf);
    if (weights.some((w) => w === 0)) continue;
    const score = weights.reduce((a, b) => a + b, 0) / (wanted.length * 10);
    best = Math.max(best ?? 0, score);
  }
  const trigram = similarity(item.name, q);
  if (best === undefined && trigram < 0.3) return undefined;
  return round6((best ?? 0) + trigram);
}

/** Whether the viewer may read the item: the same rule the PostgreSQL adapter writes into SQL. */
function readable(s: InMemoryState, item: CatalogItem, viewer: ItemSearch['viewer']): boolean {
  if (viewer.kind === 'admin') return true;
  if (item.visibility === 'org') return true;
  if (viewer.kind === 'anonymous') return false;
  if (item.teamId === null) return item.ownerUserId === viewer.userId;
  return s.memberships.has(`${item.teamId}/${viewer.userId}`);
}

export class InMemoryItemRepository implements ItemRepository {
  constructor(private readonly state: InMemoryState) {}

  #checkUnique(item: CatalogItem) {
    for (const other of this.state.items.values()) {
      if (other.id === item.id) continue;
      if (other.kind === item.kind && other.namespace === item.namespace && other.name === item.name) {
        throw new ConflictError(`${item.kind}/${item.namespace}/${item.name} already exists`);
      }
      if (other.gitPath === item.gitPath) throw new ConflictError(`an item already lives at ${item.gitPath}`);
    }
  }

  async insert(item: CatalogItem): Promise<void> {
    if (this.state.items.has(item.id)) throw new ConflictError(`item ${item.id} already exists`);
    this.#checkUnique(item);
    this.state.items.set(item.id, copy(item));
  }

  async update(item: CatalogItem): Promise<void> {
    if (!this.state.items.has(item.id)) throw new NotFoundError(`item ${item.id} not found`);
    this.#checkUnique(item);
    this.state.items.set(item.id, copy(item));
  }

  async findById(id: string) {
    const i = this.state.items.get(id);
    return i && copy(i);
  }

  async findByRef(ref: ItemRef) {
    const i = this.state.items
      .values()
      .find((x) => x.kind === ref.kind && x.namespace === ref.namespace && x.name === ref.name);
    return i && copy(i);
  }

  async findWithNamesByRef(ref: ItemRef) {
    const item = await this.findByRef(ref);
    if (!item) return undefined;
    const s = this.state;
    const owner = item.ownerUserId ? (s.users.get(item.ownerUserId)?.username ?? null) : null;
    const team = item.teamId ? (s.teams.get(item.teamId)?.slug ?? null) : null;
    return { item, owner, team };
  }

  async findByGitPath(gitPath: string) {
    const i = this.state.items.values().find((x) => x.gitPath === gitPath);
    return i && copy(i);
  }

  async search(query: ItemSearch): Promise<Page<CatalogItem>> {
    const s = this.state;
    const q = query.q?.trim() ? query.q.trim() : undefined;
    const sortName = query.sort === 'relevance' && q === undefined ? 'updated' : query.sort;
    const sort = SORTS[sortName];
    const tag = `items:${sortName}`;
    const cursor = query.cursor === undefined ? undefined : (decodeCursor(tag, query.cursor, 2) as SortKey);
    const statuses = query.status ? [query.status] : ['active', 'deprecated'];
    const rows: Ranked[] = [];
    for (const item of s.items.values()) {
      if (!statuses.includes(item.status)) continue;
      if (query.kind && item.kind !== query.kind) continue;
      if (query.namespace && item.namespace !== lower(query.namespace)) continue;
      if (query.teamId && item.teamId !== query.teamId) continue;
      if (query.tag && !item.tags.includes(lower(query.tag))) continue;
      if (query.ownerUserId && item.ownerUserId !== query.ownerUserId) continue;
      if (!readable(s, item, query.viewer)) continue;
      const rank = q === undefined ? 0 : rankOf(item, q);
      if (rank === undefined) continue;
      rows.push({ item, rank });
    }
    const sorted = rows
      .filter((r) => cursor === undefined || sort.after(sort.key(r), cursor))
      .sort((a, b) => (sort.after(sort.key(a), sort.key(b)) ? 1 : sort.after(sort.key(b), sort.key(a)) ? -1 : 0));
    const page = pageOf(sorted, query.limit, (last) => encodeCursor(tag, sort.key(last)));
    return { ...page, items: page.items.map((r) => copy(r.item)) };
  }

  async listPointers() {
    return this.state.items
      .values()
      .filter((i) => i.status !== 'deleted')
      .map((i) => ({ id: i.id, gitPath: i.gitPath, treeSha: i.treeSha, status: i.status }))
      .sort((a, b) => (a.gitPath < b.gitPath ? -1 : a.gitPath > b.gitPath ? 1 : 0));
  }

  async recordVersion(version: ItemVersion): Promise<void> {
    const s = this.state;
    if (!s.items.has(version.itemId)) throw new NotFoundError(`item ${version.itemId} not found`);
    if (s.versions.values().some((v) => v.itemId === version.itemId && v.commitSha === version.commitSha)) return;
    if (s.versions.has(version.id)) throw new ConflictError(`version ${version.id} already exists`);
    s.versions.set(version.id, copy(version));
  }

  async listVersions(itemId: string, commits?: readonly string[]): Promise<ItemVersion[]> {
    return this.state.versions
      .values()
      .filter((v) => v.itemId === itemId && (commits === undefined || commits.includes(v.commitSha)))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .map(copy);
  }

  async findVersionsByNumber(itemId: string, version: string): Promise<ItemVersion[]> {
    return (await this.listVersions(itemId)).filter((v) => v.version === version);
  }

  async recordInstall(event: InstallEvent): Promise<number> {
    const s = this.state;
    const item = s.items.get(event.itemId);
    if (!item) throw new NotFoundError(`item ${event.itemId} not found`);
    if (s.installs.has(event.id)) throw new ConflictError(`install ${event.id} already exists`);
    const repeat = s.installs
      .values()
      .some((e) => e.itemId === event.itemId && e.installer === event.installer && e.day === event.day);
    if (repeat) return item.usageCount;
    s.installs.set(event.id, copy(event));
    s.items.set(item.id, { ...item, usageCount: item.usageCount + 1 });
    return item.usageCount + 1;
  }
}
