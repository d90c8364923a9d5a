import type { ItemRepository } from '../../domain/catalog/item-repository.ts';
import type { ItemBundle } from '../../domain/catalog/prepare-bundle.ts';
import { ConflictError } from '../../domain/errors.ts';

/**
 * An explicit manifest version names one content, as the MCP Registry rules it: publishing other
 * content under a version already published is a ConflictError. Items without a version are free.
 */
export async function checkVersionUnused(
  db: { items: Pick<ItemRepository, 'findVersionsByNumber'> },
  itemId: string,
  bundle: ItemBundle,
): Promise<void> {
  const version = bundle.manifest.version;
  if (version === undefined) return;
  const published = await db.items.findVersionsByNumber(itemId, version);
  const other = published.find((v) => v.treeSha !== bundle.treeSha);
  if (other) {
    throw new ConflictError(
      `version ${version} was already published with other content (commit ${other.commitSha.slice(0, 12)}); raise the version`,
    );
  }
}
