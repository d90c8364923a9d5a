import type { Visibility } from './catalog-item.ts';

/** A published state of an item: the commit that wrote it, its tree, and the manifest's own version. */
export interface ItemVersion {
  readonly id: string;
  readonly itemId: string;
  readonly commitSha: string;
  readonly treeSha: string;
  /** The manifest's declared version, when it declares one. */
  readonly version: string | null;
  readonly publishedBy: string | null;
  /** The manifest as parsed at this commit; null for versions recorded before Atlas kept it. */
  readonly manifest: Readonly<Record<string, unknown>> | null;
  /**
   * Who could read the item when this version was written (its visibility, team and owner then);
   * null for versions recorded before Atlas kept it, which are read by the item's current rule.
   */
  readonly access: VersionAccess | null;
  readonly createdAt: Date;
}

/** The read rule of an item at one version. */
export interface VersionAccess {
  readonly visibility: Visibility;
  readonly teamId: string | null;
  readonly ownerUserId: string | null;
}

/** One install of an item by a client, counted in the item's usage. */
export interface InstallEvent {
  readonly id: string;
  readonly itemId: string;
  readonly userId: string | null;
  /** Who installed: a user id, or a digest of an anonymous caller's address. Counted once a day each. */
  readonly installer: string;
  /** The UTC day, `YYYY-MM-DD`. */
  readonly day: string;
  readonly client: string;
  readonly createdAt: Date;
}
