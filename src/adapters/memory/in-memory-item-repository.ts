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
import type { InstallEvent, ItemVersion, VersionAccess } from '../../domain/catalog/item-version.ts';
import type { Viewer } from '../../domain/catalog/viewer.ts';
import { decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import { ConflictError, NotFoundError, ServerNameTakenError } from '../../domain/errors.ts';
import type { Page } from '../../domain/page.ts';
import { facetsInMemory, readableBy, searchItemsInMemory } from './in-memory-item-search.ts';
import { copy, type InMemoryState } from './in-memory-state.ts';

export class InMemoryItemRepository implements ItemRepository {
  constructor(private readonly state: InMemoryState) {}

  #checkUnique(item: CatalogItem, rows: Iterable<CatalogItem> = this.state.items.values()) {
    for (const other of rows) {
      if (other.id === item.id) continue;
      if (other.kind === item.kind && other.namespace === item.namespace && other.name === item.name) {
        throw new ConflictError(`${item.kind}/${item.namespace}/${item.name} already exists`);
      }
      if (other.gitPath === item.gitPath) throw new ConflictError(`an item already lives at ${item.gitPath}`);
      // The partial unique index of the PostgreSQL adapter: live items only, names compared exactly.
      if (
        item.serverName !== null &&
        item.status !== 'deleted' &&
        other.status !== 'deleted' &&
        other.serverName === item.serverName
      ) {
        throw new ServerNameTakenError(`server name "${item.serverName}" is declared by another item`);
      }
    }
  }

  async insert(item: CatalogItem): Promise<void> {
    if (this.state.items.has(item.id)) throw new ConflictError(`item ${item.id} already exists`);
    this.#checkUnique(item);
    this.state.items.set(item.id, copy(item));
  }

  async insertMany(items: readonly CatalogItem[]): Promise<void> {
    // All or none: each is checked against the rows and the items before it, then all are stored.
    const staged = new Map(this.state.items.entries());
    for (const item of items) {
      if (staged.has(item.id)) throw new ConflictError(`item ${item.id} already exists`);
      this.#checkUnique(item, staged.values());
      staged.set(item.id, item);
    }
    for (const item of items) this.state.items.set(item.id, copy(item));
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

  async findByGitPaths(gitPaths: readonly string[]) {
    const wanted = new Set(gitPaths);
    return this.state.items
      .values()
      .filter((x) => wanted.has(x.gitPath))
      .map(copy);
  }

  async findByServerName(serverName: string) {
    const i = this.state.items.values().find((x) => x.serverName === serverName && x.status !== 'deleted');
    return i && copy(i);
  }

  search(query: ItemSearch & { readonly full: true }): Promise<Page<CatalogItem>>;
  search(query: ItemSearch): Promise<Page<ItemSummary>>;
  async search(query: ItemSearch): Promise<Page<ItemSummary>> {
    const page = searchItemsInMemory(this.state, query);
    return { ...page, items: page.items.map((item) => (query.full ? copy(item) : summaryOf(item))) };
  }

  async searchWithFacets(query: ItemSearch): Promise<Page<ItemSummary> & { facets: ItemFacets }> {
    return { ...(await this.search(query)), facets: facetsInMemory(this.state, query) };
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

  async recordVersions(versions: readonly ItemVersion[]): Promise<void> {
    for (const version of versions) await this.recordVersion(version);
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

  async listRegistryServers(query: RegistryServerQuery): Promise<Page<RegistryServerVersion>> {
    const after = query.cursor === undefined ? undefined : decodeCursor(REGISTRY_CURSOR, query.cursor, 3);
    const needle = query.search?.toLowerCase();
    const all = this.state.items
      .values()
      .filter((i) => this.#isServer(i, query))
      .filter((i) => query.updatedSince === undefined || i.updatedAt >= query.updatedSince)
      .filter(
        (i) =>
          needle === undefined ||
          [i.serverName, i.title, i.description].some((field) => field?.toLowerCase().includes(needle)),
      )
      .flatMap((i) => this.#serverVersions(i, query.viewer))
      .filter((v) =>
        query.version === undefined ? true : query.version === 'latest' ? v.isLatest : v.version === query.version,
      )
      .map((v) => ({ v, key: [v.serverName, v.version, v.item.id] }))
      .filter(({ key }) => after === undefined || compareKeys(key, after as string[]) > 0)
      .sort((a, b) => compareKeys(a.key, b.key));
    const page = all.slice(0, query.limit);
    const last = page.at(-1);
    const items = page.map(({ v }) => v);
    return all.length > query.limit && last
      ? { items, nextCursor: encodeCursor(REGISTRY_CURSOR, last.key) }
      : { items };
  }

  async listRegistryServerVersions(query: RegistryServerLookup): Promise<RegistryServerVersion[]> {
    const holders = this.state.items
      .values()
      .filter((i) => i.serverName === query.serverName && this.#isServer(i, query))
      .sort((a, b) => Number(a.status === 'deleted') - Number(b.status === 'deleted') || +b.updatedAt - +a.updatedAt);
    const holder = holders[0];
    if (!holder) return [];
    return this.#serverVersions(holder, query.viewer);
  }

  #isServer(item: CatalogItem, query: Omit<RegistryServerLookup, 'serverName'>): boolean {
    return (
      item.kind === 'mcp' &&
      item.serverName !== null &&
      item.version !== null &&
      (item.status === 'active' ||
        item.status === 'deprecated' ||
        (query.includeDeleted && item.status === 'deleted')) &&
      (query.teamId === undefined || item.teamId === query.teamId) &&
      readableBy(this.state, item, query.viewer)
    );
  }

  /** The item's versions as the registry lists them, newest publish first (see RegistryServerLookup). */
  #serverVersions(item: CatalogItem, viewer: Viewer): RegistryServerVersion[] {
    const s = this.state;
    const team = item.teamId ? (s.teams.get(item.teamId)?.slug ?? null) : null;
    const recorded = s.versions
      .values()
      .filter((v) => v.itemId === item.id && v.version !== null)
      .filter((v) => item.historySince === null || v.createdAt >= item.historySince)
      .sort((a, b) => +b.createdAt - +a.createdAt || (a.id < b.id ? 1 : -1));
    const firstOf = (version: string, fallback: Date) =>
      new Date(
        Math.min(
          fallback.getTime(),
          ...recorded.filter((v) => v.version === version).map((v) => v.createdAt.getTime()),
        ),
      );
    const serverName = item.serverName as string;
    const latest = item.version as string;
    const out: RegistryServerVersion[] = [
      {
        item: copy(item),
        team,
        serverName,
        version: latest,
        manifest: copy(item.manifest),
        publishedAt: firstOf(latest, recorded.find((v) => v.version === latest)?.createdAt ?? item.createdAt),
        isLatest: true,
      },
    ];
    const seen = new Set([latest]);
    for (const v of recorded) {
      const version = v.version as string;
      if (seen.has(version)) continue;
      seen.add(version);
      if (v.manifest === null) continue;
      const access = v.access ?? item;
      if (!readableBy(s, { ...item, ...pickAccess(access) }, viewer)) continue;
      out.push({
        item: copy(item),
        team,
        serverName,
        version,
        manifest: copy(v.manifest),
        publishedAt: firstOf(version, v.createdAt),
        isLatest: false,
      });
    }
    return out;
  }
}

const REGISTRY_CURSOR = 'registry';

const pickAccess = ({ visibility, teamId, ownerUserId }: VersionAccess) => ({ visibility, teamId, ownerUserId });

function compareKeys(a: readonly unknown[], b: readonly unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = String(a[i]);
    const y = String(b[i]);
    if (x !== y) return Buffer.compare(Buffer.from(x), Buffer.from(y));
  }
  return 0;
}

/** What a search page carries of an item without `full`, as the PostgreSQL adapter reads it. */
function summaryOf(item: CatalogItem): ItemSummary {
  const { manifest: _manifest, problems: _problems, searchText: _searchText, ...summary } = copy(item);
  return summary;
}
