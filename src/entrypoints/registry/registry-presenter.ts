import type { RegistryServerVersion } from '../../domain/catalog/item-repository.ts';
import type { Page } from '../../domain/page.ts';
import { ATLAS_META, OFFICIAL_META, type ServerList, type ServerResponse } from '../http/schemas/registry.ts';

/** The longest status message the registry API carries. */
const STATUS_MESSAGE_MAX = 500;

/**
 * One server version as the registry API answers it: the server.json of that version unchanged, the registry's
 * status and dates, and Atlas's data about the item. `updatedAt` is the item's last change (a publish, a status
 * change), which is what `updated_since` compares.
 */
export function presentServer(entry: RegistryServerVersion, origin: string): ServerResponse {
  const { item } = entry;
  const status = item.status === 'deprecated' || item.status === 'deleted' ? item.status : 'active';
  const message = item.statusMessage ? item.statusMessage.slice(0, STATUS_MESSAGE_MAX) : undefined;
  return {
    server: entry.manifest as ServerResponse['server'],
    _meta: {
      [OFFICIAL_META]: {
        status,
        ...(message ? { statusMessage: message } : {}),
        publishedAt: entry.publishedAt.toISOString(),
        updatedAt: item.updatedAt.toISOString(),
        isLatest: entry.isLatest,
      },
      [ATLAS_META]: {
        ref: `mcp/${item.namespace}/${item.name}`,
        team: entry.team,
        installs: item.usageCount,
        url: `${origin}/mcp/${encodeURIComponent(item.namespace)}/${encodeURIComponent(item.name)}`,
      },
    },
  };
}

export function presentServerList(
  entries: readonly RegistryServerVersion[],
  origin: string,
  nextCursor?: string,
): ServerList {
  return {
    servers: entries.map((e) => presentServer(e, origin)),
    metadata: nextCursor === undefined ? { count: entries.length } : { count: entries.length, nextCursor },
  };
}

export const presentServerPage = (page: Page<RegistryServerVersion>, origin: string) =>
  presentServerList(page.items, origin, page.nextCursor);
