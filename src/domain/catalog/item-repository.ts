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

export interface ItemSearch {
  /** Words to find: full-text over name (weighted highest), title and description, tags; typos in the name still match. */
  readonly q?: string;
  readonly kind?: ItemKind;
  readonly namespace?: string;
  readonly teamId?: string;
  readonly tag?: string;
  readonly ownerUserId?: string;
  /** Defaults to active and deprecated items. */
  readonly status?: ItemStatus;
  /** `relevance` without `q` orders as `updated`. */
  readonly sort: ItemSort;
  readonly limit: number;
  readonly cursor?: string;
  /** The read rule, applied in the query. */
  readonly viewer: Viewer;
}

/** Catalog rows. Returned items are copies. */
export interface ItemRepository {
  /** @throws ConflictError when the reference or git path is taken. */
  insert(item: CatalogItem): Promise<void>;
  /** Replaces the row with the same id. @throws NotFoundError when absent; ConflictError on a taken reference. */
  update(item: CatalogItem): Promise<void>;
  findById(id: string): Promise<CatalogItem | undefined>;
  findByRef(ref: ItemRef): Promise<CatalogItem | undefined>;
  findByGitPath(gitPath: string): Promise<CatalogItem | undefined>;
  /** The item with its owner's username and its team's slug, in one lookup (an item page needs all three). */
  findWithNamesByRef(
    ref: ItemRef,
  ): Promise<{ item: CatalogItem; owner: string | null; team: string | null } | undefined>;
  /**
   * Search and browse with keyset cursors: the cost of a page does not grow with its depth, and rows
   * inserted between pages neither repeat nor hide rows of later pages.
   * @throws ValidationError for a cursor that is malformed or was issued for another sort.
   */
  search(query: ItemSearch): Promise<Page<CatalogItem>>;

  /**
   * Where every item that should have a folder in git points: active, deprecated and invalid items,
   * not deleted ones. For the verifier; sorted by git path.
   */
  listPointers(): Promise<ItemPointer[]>;

  /** Records a version; recording the same commit of the same item again changes nothing. */
  recordVersion(version: ItemVersion): Promise<void>;
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
}
