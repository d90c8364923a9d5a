/** A published state of an item: the commit that wrote it, its tree, and the manifest's own version. */
export interface ItemVersion {
  readonly id: string;
  readonly itemId: string;
  readonly commitSha: string;
  readonly treeSha: string;
  /** The manifest's declared version, when it declares one. */
  readonly version: string | null;
  readonly publishedBy: string | null;
  readonly createdAt: Date;
}

/** One install of an item by a client, counted in the item's usage. */
export interface InstallEvent {
  readonly id: string;
  readonly itemId: string;
  readonly userId: string | null;
  readonly client: string;
  readonly createdAt: Date;
}
