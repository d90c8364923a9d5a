import type { CatalogItem } from '../catalog/catalog-item.ts';
import type { Viewer } from '../catalog/viewer.ts';
import type { Actor } from './actor.ts';
import type { Namespace } from './namespace.ts';
import type { Team } from './team.ts';

/**
 * Who may do what. Every method answers for a signed-in or anonymous actor; use cases turn a
 * `false` into ForbiddenError (or NotFoundError for an item the actor may not read, so that its
 * existence does not leak).
 */
export interface Authorizer {
  /** Site administration: audit log, creating accounts when registration is closed, any token. */
  isAdmin(actor: Actor): boolean;
  /** The read rule as the item queries apply it. */
  viewerOf(actor: Actor): Viewer;
  /** May the actor list and read catalog items at all (anonymous only with public read)? */
  canBrowse(actor: Actor): boolean;
  canReadItem(actor: Actor, item: CatalogItem): Promise<boolean>;
  /** Publish a new item into a namespace: the user's own, or a team they belong to. */
  canPublish(actor: Actor, namespace: Namespace): Promise<boolean>;
  /** Replace files or change metadata: namespace owner, team maintainers and owners, members for their own items. */
  canEditItem(actor: Actor, item: CatalogItem): Promise<boolean>;
  /** Delete: namespace owner, team maintainers and owners. */
  canDeleteItem(actor: Actor, item: CatalogItem): Promise<boolean>;
  /** Maintain any item of a team, and move items into or out of it: the team's owners and maintainers. */
  canMaintainTeam(actor: Actor, teamId: string): Promise<boolean>;
  /** Add, change and remove members; team owners. */
  canManageTeam(actor: Actor, team: Team): Promise<boolean>;
  /** Revoke another user's token. */
  canManageUser(actor: Actor, userId: string): boolean;
}
