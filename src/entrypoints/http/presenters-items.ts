import type { CatalogItem } from '../../domain/catalog/catalog-item.ts';
import { formatItemRef, type ItemRef } from '../../domain/catalog/item-ref.ts';

/** An item as lists show it. */
export const presentItem = (item: CatalogItem) => ({
  ref: formatItemRef(item as unknown as ItemRef),
  kind: item.kind,
  namespace: item.namespace,
  name: item.name,
  title: item.title,
  description: item.description,
  version: item.version,
  tags: [...item.tags],
  visibility: item.visibility,
  status: item.status,
  statusMessage: item.statusMessage,
  usageCount: item.usageCount,
  treeSha: item.treeSha,
  commitSha: item.commitSha,
  createdAt: item.createdAt.toISOString(),
  updatedAt: item.updatedAt.toISOString(),
});

/** The ETag of an item: its tree SHA, which names its exact content. */
export const etagOf = (treeSha: string) => `"${treeSha}"`;

/** Reads an If-Match header: one quoted or bare tree SHA (a weak tag never matches a write). */
export function parseIfMatch(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*"?([0-9a-f]{40})"?\s*$/.exec(header);
  return match ? match[1] : header.trim();
}
