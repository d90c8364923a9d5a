import type { Problem } from '../errors.ts';
import type { ItemKind } from './item-kind.ts';

export const ITEM_STATUSES = ['active', 'deprecated', 'deleted', 'invalid'] as const;
/** `invalid`: the folder arrived through git with problems; it is kept so admins can see why. */
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export const VISIBILITIES = ['org', 'team'] as const;
/** `org`: every signed-in user; `team`: members of the owning team (or the owner, in a personal namespace). */
export type Visibility = (typeof VISIBILITIES)[number];

/**
 * An item as the database records it. The content lives in git at `gitPath`; the row holds the
 * pointers (tree and commit SHA), the parsed manifest, and what git does not own.
 */
export interface CatalogItem {
  readonly id: string;
  readonly kind: ItemKind;
  readonly namespace: string;
  readonly name: string;
  readonly gitPath: string;
  readonly treeSha: string;
  readonly commitSha: string;
  readonly manifest: Readonly<Record<string, unknown>>;
  readonly title: string | null;
  readonly description: string;
  /** The manifest's own version, when it declares one. */
  readonly version: string | null;
  /**
   * An MCP server's `server.json` `name` (e.g. `io.github.acme/weather`), which the MCP Registry API keys servers
   * by: at most one live (not deleted) item declares a name, compared exactly as written (case-sensitive, as the
   * registry compares them). Null for skills and tools, and for an MCP item whose name another item holds.
   */
  readonly serverName: string | null;
  /**
   * What search reads beyond the manifest's fields: the start of SKILL.md's body (see `bodyExcerpt`). Absent when
   * there is none, or for a row written before Atlas kept it.
   */
  readonly searchText?: string;
  readonly ownerUserId: string | null;
  readonly teamId: string | null;
  readonly tags: readonly string[];
  readonly visibility: Visibility;
  readonly status: ItemStatus;
  readonly statusMessage: string | null;
  /** Why an `invalid` item is invalid; empty otherwise. */
  readonly problems: readonly Problem[];
  readonly usageCount: number;
  /** History before this moment belongs to an earlier item of the same name (deleted, then reused). */
  readonly historySince: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/**
 * Where the history of an item written now starts: a deleted item whose name is used again (published, or its
 * folder pushed back) is a new item, and the earlier one's history is not its history.
 */
export function historySinceOf(
  existing: Pick<CatalogItem, 'status' | 'historySince'> | undefined,
  now: Date,
): Date | null {
  if (existing === undefined) return null;
  return existing.status === 'deleted' ? now : existing.historySince;
}
