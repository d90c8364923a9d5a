import type { Actor } from '../../domain/accounts/actor.ts';
import type { User } from '../../domain/accounts/user.ts';
import type { CatalogItem } from '../../domain/catalog/catalog-item.ts';
import { formatItemRef, type ItemRef } from '../../domain/catalog/item-ref.ts';
import type { VersionAccess } from '../../domain/catalog/item-version.ts';
import type { ContentAuthor } from '../../domain/content/content-store.ts';
import { NotFoundError, UnauthenticatedError } from '../../domain/errors.ts';
import type { AtlasDeps } from '../deps.ts';

export function requireUser(actor: Actor): User {
  if (!actor.user) throw new UnauthenticatedError('sign in first: send Authorization: Bearer <token>');
  return actor.user;
}

/**
 * The item at `ref` if the actor may read it. An item they may not read is NotFoundError, exactly
 * like a missing one, so that its existence does not leak. Anonymous readers without public read
 * are asked to sign in.
 */
export async function findReadableItem(
  { db, authorizer }: Pick<AtlasDeps, 'db' | 'authorizer'>,
  ref: ItemRef,
  actor: Actor,
  options: { includeDeleted?: boolean } = {},
): Promise<CatalogItem> {
  if (!authorizer.canBrowse(actor)) throw new UnauthenticatedError('sign in to read the catalog');
  return requireReadable({ authorizer }, ref, await db.items.findByRef(ref), actor, options);
}

/** The read rule on an item already looked up (see findReadableItem). */
export async function requireReadable(
  { authorizer }: Pick<AtlasDeps, 'authorizer'>,
  ref: ItemRef,
  item: CatalogItem | undefined,
  actor: Actor,
  options: { includeDeleted?: boolean } = {},
): Promise<CatalogItem> {
  if (!authorizer.canBrowse(actor)) throw new UnauthenticatedError('sign in to read the catalog');
  const visible =
    item !== undefined &&
    (options.includeDeleted || item.status !== 'deleted') &&
    (await authorizer.canReadItem(actor, item));
  if (!visible) throw new NotFoundError(`no item ${formatItemRef(ref)}`);
  return item;
}

/**
 * Whether the actor could read a version of an item under the read rule recorded with it (its
 * visibility, team and owner when it was written). Without a recorded rule, the item's own applies.
 */
export async function canReadVersion(
  { authorizer }: Pick<AtlasDeps, 'authorizer'>,
  item: CatalogItem,
  access: VersionAccess | null,
  actor: Actor,
): Promise<boolean> {
  return authorizer.canReadItem(
    actor,
    access ? { ...item, visibility: access.visibility, teamId: access.teamId, ownerUserId: access.ownerUserId } : item,
  );
}

/** Who a commit names as its author. */
export function authorOf(user: User): ContentAuthor {
  return { name: user.displayName || user.username, email: user.email };
}
