import type { Actor } from '../../domain/accounts/actor.ts';
import type { CatalogItem } from '../../domain/catalog/catalog-item.ts';
import type { ItemRef } from '../../domain/catalog/item-ref.ts';
import type { ItemListing } from '../../domain/content/content-store.ts';
import type { AtlasDeps } from '../deps.ts';
import { requireReadable } from './item-access.ts';

export interface ItemDetails {
  readonly item: CatalogItem;
  /** The files at the item's current commit, without contents; empty for a deleted item. */
  readonly files: ItemListing['files'];
  readonly owner: string | null;
  readonly team: string | null;
}

/** An item the actor may read, with its file list and who owns it. Anything else is NotFoundError. */
export async function getItem(
  deps: Pick<AtlasDeps, 'db' | 'content' | 'authorizer'>,
  ref: ItemRef,
  actor: Actor,
): Promise<ItemDetails> {
  const found = await deps.db.items.findWithNamesByRef(ref);
  const item = await requireReadable(deps, ref, found?.item, actor);
  const listing = await deps.content.listItemFiles(item.gitPath, item.commitSha);
  return { item, files: listing?.files ?? [], owner: found?.owner ?? null, team: found?.team ?? null };
}
