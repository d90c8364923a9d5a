import type { Page } from '../page.ts';
import type { CatalogItem, ItemStatus } from './catalog-item.ts';
import type { ItemKind } from './item-kind.ts';
import type { ItemRef } from './item-ref.ts';
import type { InstallEvent, ItemVersion } from './item-version.ts';
import type { Viewer } from './viewer.ts';

export const ITEM_SORTS = ['relevance', 'updated', 'installs', 'name'] as const;
export type ItemSort = (typeof ITEM_SORTS)[number];

export interface ItemPointer {
  readonly id: string;
  readonly gitPath: string;
  readonly treeSha: string;
  readonly status: CatalogItem['status'];
}

/**
 * A search (`q`) or a browse (no `q`) of the catalog.
 * - `q` is read as search-text.ts describes; an item matches when any term of the query does, and ranks by
 *   the weight of the fields its terms are in, rarer terms counting more, a typo correction half as much as
 *   an exact word; more installs, then the newer id, break ties. A search considers its
 *   `SEARCH_LIMITS.candidates` best matches among what the viewer may read in the asked statuses; the other
 *   filters narrow those, and `sort` orders them.
 * - A browse lists every item that passes the filters, in `sort` order (`relevance` orders as `updated`).
 */
export interface ItemSearch {
  readonly q?: string;
  readonly kind?: ItemKind;
  readonly namespace?: string;
  /** Only items of exactly this name (in any namespace, unless `namespace` narrows it too). */
  readonly name?: string;
  readonly teamId?: string;
  readonly tag?: string;
  readonly ownerUserId?: string;
  /** Defaults to active and deprecated items. */
  readonly status?: ItemStatus;
  readonly sort: ItemSort;
  readonly limit: number;
  readonly cursor?: string;
  /** The read rule, applied in the query. */
  readonly viewer: Viewer;
  /** Whole items (with manifest, problems and search text) instead of ItemSummary's. */
  readonly full?: boolean;
}

/**
 * An item as a search page carries it: everything but its manifest, its problems and its search text, which lists
 * never show and which are most of a row's bytes (a page of them cost a fifth of a search on the embedded engine).
 * A search with `full: true` returns whole items, for the callers that read those three.
 */
export type ItemSummary = Omit<CatalogItem, 'manifest' | 'problems' | 'searchText'>;

/** The filters and the viewer of a search, without its order and page: what facets count. */
export type ItemFacetQuery = Omit<ItemSearch, 'sort' | 'limit' | 'cursor'>;

export interface FacetCount<T extends string = string> {
  readonly value: T;
  readonly count: number;
}

/** Teams and tags beyond this many values are left out of their facet (the most frequent are kept). */
export const FACET_VALUES_LIMIT = 20;

/**
 * How many of the items a search or browse finds carry each value of each filter, counting each facet with
 * every filter but its own applied (so the other values of a chosen filter keep their counts), and only what
 * the viewer may read. Statuses are those of the asked scope: active and deprecated, or the one asked for when
 * it is deleted or invalid. Most frequent first, then by value; teams by slug (items in no team are not in the
 * team facet); at most `FACET_VALUES_LIMIT` teams and tags.
 */
export interface ItemFacets {
  readonly kind: FacetCount<ItemKind>[];
  readonly team: FacetCount[];
  readonly tag: FacetCount[];
  readonly status: FacetCount<ItemStatus>[];
}

/**
 * Catalog rows. Returned items are copies. A live (not deleted) item's `serverName` is unique among live items,
 * compared exactly: a deleted item keeps its name on record without holding it.
 */
export interface ItemRepository {
  /**
   * @throws ConflictError when the reference or git path is taken; ServerNameTakenError when another live item
   * declares its server name.
   */
  insert(item: CatalogItem): Promise<void>;
  /**
   * Inserts several items at once (what a sync of thousands of new folders writes), all or none: the same
   * refusals as `insert`, also between the items given.
   */
  insertMany(items: readonly CatalogItem[]): Promise<void>;
  /**
   * Replaces the row with the same id. @throws NotFoundError when absent; ConflictError on a taken reference;
   * ServerNameTakenError when the item is live and another live item declares its server name.
   */
  update(item: CatalogItem): Promise<void>;
  findById(id: string): Promise<CatalogItem | undefined>;
  findByRef(ref: ItemRef): Promise<CatalogItem | undefined>;
  findByGitPath(gitPath: string): Promise<CatalogItem | undefined>;
  /** The items at these git paths, in one lookup, in no particular order; paths with no item are left out. */
  findByGitPaths(gitPaths: readonly string[]): Promise<CatalogItem[]>;
  /** The live (not deleted) item that declares this server name, compared exactly; undefined when none does. */
  findByServerName(serverName: string): Promise<CatalogItem | undefined>;
  /** The item with its owner's username and its team's slug, in one lookup (an item page needs all three). */
  findWithNamesByRef(
    ref: ItemRef,
  ): Promise<{ item: CatalogItem; owner: string | null; team: string | null } | undefined>;
  /**
   * Search and browse with keyset cursors: the cost of a page does not grow with its depth, and rows
   * inserted between pages neither repeat nor hide rows of later pages.
   * @throws ValidationError for a cursor that is malformed or was issued for another sort.
   */
  search(query: ItemSearch & { readonly full: true }): Promise<Page<CatalogItem>>;
  search(query: ItemSearch): Promise<Page<ItemSummary>>;
  /** `search`'s page and the facet counts of what it finds, for the same query and viewer (see ItemFacets). */
  searchWithFacets(query: ItemSearch): Promise<Page<ItemSummary> & { readonly facets: ItemFacets }>;

  /**
   * Where every item that should have a folder in git points: active, deprecated and invalid items,
   * not deleted ones. For the verifier; sorted by git path.
   */
  listPointers(): Promise<ItemPointer[]>;

  /** Records a version; recording the same commit of the same item again changes nothing. */
  recordVersion(version: ItemVersion): Promise<void>;
  /** `recordVersion` of each, at once. */
  recordVersions(versions: readonly ItemVersion[]): Promise<void>;
  /** The item's recorded versions, newest first; with `commits`, only those commits. */
  listVersions(itemId: string, commits?: readonly string[]): Promise<ItemVersion[]>;
  /** The recorded versions that declared this manifest version, newest first. */
  findVersionsByNumber(itemId: string, version: string): Promise<ItemVersion[]>;
  /**
   * Counts an install: stores the event and adds one to the item's usage count, atomically, once per
   * installer, item and day; a repeat the same day stores and counts nothing.
   * @returns the usage count after it. @throws NotFoundError when the item does not exist.
   */
  recordInstall(event: InstallEvent): Promise<number>;

  /**
   * Server versions as the MCP Registry API lists them (see RegistryServerQuery), ordered by server name (in the
   * database's collation: code point order in a C or C.UTF-8 database, as the in-memory adapter orders), then version
   * (byte by byte), then item id; keyset cursors as `search` has them.
   * @throws ValidationError for a cursor that is malformed or was issued for another list.
   */
  listRegistryServers(query: RegistryServerQuery): Promise<Page<RegistryServerVersion>>;
  /**
   * The versions of the server named exactly `serverName` that the viewer may read, newest publish first: the
   * live item's; with `includeDeleted` and no live item, the most recently updated deleted one's. Empty when none.
   */
  listRegistryServerVersions(query: RegistryServerLookup): Promise<RegistryServerVersion[]>;
}

/**
 * Which MCP server versions a registry read lists. A server is a live or deleted (never invalid) MCP item with a
 * server name; its versions are its recorded versions with distinct manifest versions, the newest publish of each
 * winning, that the viewer could read when they were written; the item's current manifest is its latest version.
 * Versions recorded before Atlas kept their manifest, and history of an earlier item of the same name, are left out.
 */
export interface RegistryServerLookup {
  readonly viewer: Viewer;
  /** Only the servers of this team. */
  readonly teamId?: string;
  readonly includeDeleted: boolean;
  readonly serverName: string;
}

export interface RegistryServerQuery extends Omit<RegistryServerLookup, 'serverName'> {
  /** A case-insensitive substring of the server name, title or description (of the item as it is now). */
  readonly search?: string;
  /** Only servers whose item changed at or after this moment. */
  readonly updatedSince?: Date;
  /** `latest`: one entry per server; another value: the versions that equal it exactly; absent: every version. */
  readonly version?: string;
  readonly limit: number;
  readonly cursor?: string;
}

/** One version of an MCP server, with the item it belongs to. */
export interface RegistryServerVersion {
  readonly item: CatalogItem;
  /** The slug of the item's team, when it has one. */
  readonly team: string | null;
  readonly serverName: string;
  readonly version: string;
  /** The server.json of this version, as recorded. */
  readonly manifest: Readonly<Record<string, unknown>>;
  /** The first publish of this version. */
  readonly publishedAt: Date;
  readonly isLatest: boolean;
}
