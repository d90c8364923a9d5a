import type { Actor } from '../../domain/accounts/actor.ts';
import { KIND_LAYOUT } from '../../domain/catalog/item-kind.ts';
import { formatItemRef, type ItemRef } from '../../domain/catalog/item-ref.ts';
import type { ItemListing } from '../../domain/content/content-store.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { parseManifest } from '../../domain/manifests/parse-manifest.ts';
import type { Page } from '../../domain/page.ts';
import type { AtlasDeps } from '../deps.ts';
import { findReadableItem } from './item-access.ts';

export interface ItemVersionEntry {
  readonly commitSha: string;
  /** Null for the commit that deleted the item. */
  readonly treeSha: string | null;
  /** The manifest's own version at that commit, when it declared one. */
  readonly version: string | null;
  readonly message: string;
  readonly author: { name: string; email: string };
  readonly date: Date;
}

type Deps = Pick<AtlasDeps, 'db' | 'content' | 'authorizer'>;

/** The manifest version an item declared at a commit: recorded ones from the database, others read from git. */
async function versionAt(deps: Deps, ref: ItemRef, folder: string, commitSha: string): Promise<string | null> {
  const bytes = await deps.content.readFile(`${folder}/${KIND_LAYOUT[ref.kind].manifest}`, commitSha);
  if (!bytes) return null;
  try {
    return parseManifest(ref.kind, bytes).version ?? null;
  } catch {
    return null;
  }
}

/** The commits that changed an item, newest first, each with the manifest version it declared. Deleted items keep their history. */
export async function listItemVersions(
  deps: Deps,
  input: { ref: ItemRef; limit: number; cursor?: string },
  actor: Actor,
): Promise<Page<ItemVersionEntry>> {
  const item = await findReadableItem(deps, input.ref, actor, { includeDeleted: true });
  if (input.cursor !== undefined && !/^[0-9a-f]{40}$/.test(input.cursor)) {
    throw new ValidationError({ path: 'cursor', message: 'is not a cursor this list issued' });
  }
  const { entries, nextCursor } = await deps.content.history(item.gitPath, {
    limit: input.limit,
    cursor: input.cursor,
  });
  const recorded = new Map(
    (
      await deps.db.items.listVersions(
        item.id,
        entries.map((e) => e.commitSha),
      )
    ).map((v) => [v.commitSha, v.version]),
  );
  const items = await Promise.all(
    entries.map(async (entry) => ({
      ...entry,
      version:
        entry.treeSha === null
          ? null
          : recorded.has(entry.commitSha)
            ? (recorded.get(entry.commitSha) ?? null)
            : await versionAt(deps, input.ref, item.gitPath, entry.commitSha),
    })),
  );
  return nextCursor ? { items, nextCursor } : { items };
}

/** An item as it was at one commit: its manifest and file list. */
export async function getItemVersion(
  deps: Deps,
  input: { ref: ItemRef; commitSha: string },
  actor: Actor,
): Promise<{
  commitSha: string;
  treeSha: string;
  version: string | null;
  manifest: unknown;
  files: ItemListing['files'];
}> {
  const item = await findReadableItem(deps, input.ref, actor, { includeDeleted: true });
  if (!/^[0-9a-f]{40}$/.test(input.commitSha)) {
    throw new ValidationError({ path: 'commit', message: 'must be a full 40-character commit SHA' });
  }
  const listing = await deps.content.listItemFiles(item.gitPath, input.commitSha);
  if (!listing) throw new NotFoundError(`${formatItemRef(input.ref)} did not exist at ${input.commitSha}`);
  const bytes = await deps.content.readFile(`${item.gitPath}/${KIND_LAYOUT[input.ref.kind].manifest}`, input.commitSha);
  let manifest: unknown = null;
  let version: string | null = null;
  try {
    const parsed = bytes ? parseManifest(input.ref.kind, bytes) : undefined;
    manifest = parsed?.manifest ?? null;
    version = parsed?.version ?? null;
  } catch {
    // An invalid manifest at that commit (pushed by hand): the files are still listed.
  }
  return { commitSha: input.commitSha, treeSha: listing.treeSha, version, manifest, files: listing.files };
}
