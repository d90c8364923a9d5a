import type { InstallInstructions as InstallResult } from '../../application/catalog/get-install-instructions.ts';
import type { ItemDetails as ItemDetailsResult } from '../../application/catalog/get-item.ts';
import type { getItemVersion, ItemVersionEntry } from '../../application/catalog/list-item-versions.ts';
import type { PublishedItem } from '../../application/catalog/publish-item.ts';
import { formatItemRef, type ItemRef } from '../../domain/catalog/item-ref.ts';
import type { ItemSummary } from '../../domain/catalog/item-repository.ts';
import type {
  InstallInstructions,
  Item,
  ItemAtVersion,
  ItemDetails,
  ItemVersion,
  Manifest,
  McpInstallConfig,
  Published,
} from './schemas/items.ts';

/** An item as lists show it. */
export const presentItem = (item: ItemSummary): Item => ({
  ref: formatItemRef(item as unknown as ItemRef),
  kind: item.kind,
  namespace: item.namespace,
  name: item.name,
  title: item.title,
  description: item.description,
  version: item.version,
  ...(item.serverName === null ? {} : { serverName: item.serverName }),
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

export const presentItemDetails = (details: ItemDetailsResult): ItemDetails => ({
  item: presentItem(details.item),
  manifest: { ...details.item.manifest },
  files: details.files,
  owner: details.owner,
  team: details.team,
});

export const presentPublished = (result: PublishedItem): Published => ({
  item: presentItem(result.item),
  commitSha: result.commitSha,
  treeSha: result.treeSha,
  unchanged: result.unchanged,
  warnings: result.warnings,
});

export const presentVersion = (version: ItemVersionEntry): ItemVersion => ({
  ...version,
  date: version.date.toISOString(),
});

const isManifest = (value: unknown): value is Manifest =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const presentItemAtVersion = (at: Awaited<ReturnType<typeof getItemVersion>>): ItemAtVersion => ({
  ...at,
  manifest: isManifest(at.manifest) ? at.manifest : null,
});

/** What a client needs to use an item; the edge adds the link to a skill's archive. */
export function presentInstall(install: InstallResult, archivePath: string): InstallInstructions {
  switch (install.kind) {
    case 'mcp':
      return { kind: 'mcp', config: install.config satisfies McpInstallConfig };
    case 'skill':
      return { ...install, archivePath };
    case 'tool':
      return { kind: 'tool', definition: { ...install.definition } };
  }
}

/** The ETag of an item: its tree SHA, which names its exact content. */
export const etagOf = (treeSha: string) => `"${treeSha}"`;

/** Reads an If-Match header: one quoted or bare tree SHA (a weak tag never matches a write). */
export function parseIfMatch(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*"?([0-9a-f]{40})"?\s*$/.exec(header);
  return match ? match[1] : header.trim();
}
