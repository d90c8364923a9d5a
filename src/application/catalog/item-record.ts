import type { CatalogItem } from '../../domain/catalog/catalog-item.ts';
import type { ItemVersion } from '../../domain/catalog/item-version.ts';
import type { ItemBundle } from '../../domain/catalog/prepare-bundle.ts';
import { bodyExcerpt } from '../../domain/catalog/search-text.ts';
import { newId } from '../../domain/ids.ts';

/** The item fields a bundle decides: what git owns, as the row mirrors it. */
export function fieldsOfBundle(bundle: ItemBundle) {
  const manifest = bundle.manifest.manifest as unknown as Record<string, unknown>;
  const title = bundle.kind === 'mcp' && typeof manifest.title === 'string' ? manifest.title : null;
  return {
    manifest,
    title,
    description: bundle.manifest.description,
    version: bundle.manifest.version ?? null,
    // An MCP server's reverse-DNS name, as written: the registry compares names exactly.
    serverName: bundle.kind === 'mcp' ? bundle.manifest.name : null,
    searchText: bundle.manifest.kind === 'skill' ? bodyExcerpt(bundle.manifest.body) : '',
    treeSha: bundle.treeSha,
  } satisfies Partial<CatalogItem>;
}

/** The version record of an item's current state: its commit, its parsed manifest and who may read it now. */
export function versionOf(item: CatalogItem, publishedBy: string | null, at: Date): ItemVersion {
  return {
    id: newId(at.getTime()),
    itemId: item.id,
    commitSha: item.commitSha,
    treeSha: item.treeSha,
    version: item.version,
    publishedBy,
    manifest: { ...item.manifest },
    access: { visibility: item.visibility, teamId: item.teamId, ownerUserId: item.ownerUserId },
    createdAt: at,
  };
}
