import type { ItemDetails } from '../../../src/entrypoints/http/schemas/items.ts';

/** What the item page shows: the current version, or the one `?at=` names. */
export interface ItemView {
  ref: string;
  details: ItemDetails;
  /** The commit shown: `?at=` or the item's current commit. */
  commit: string;
  /** True when `?at=` names a commit other than the current one. */
  historic: boolean;
  manifest: Record<string, unknown> | null;
  files: ItemDetails['files'];
}
