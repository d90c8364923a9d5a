import { createHash } from 'node:crypto';
import type { Actor } from '../../domain/accounts/actor.ts';
import type { CatalogItem } from '../../domain/catalog/catalog-item.ts';
import type { InstallClient } from '../../domain/catalog/install-clients.ts';
import { formatItemRef, type ItemRef } from '../../domain/catalog/item-ref.ts';
import { newId } from '../../domain/ids.ts';
import { auditEntry } from '../audit.ts';
import type { AtlasDeps } from '../deps.ts';
import { getInstallInstructions, type InstallInstructions } from './get-install-instructions.ts';

/**
 * Records an install (the item's usage count, once per installer and UTC day: repeats do not move it) and
 * returns what the client needs, rendered by getInstallInstructions (which shows the same without counting):
 * an MCP server's config entry for that client (secrets as placeholders, never values), the target
 * folder of a skill (its archive is the item's files, zipped), or a tool's definition. Rendering comes
 * first, so an item that cannot be installed in that client is refused without being counted.
 */
export async function installItem(
  deps: Pick<AtlasDeps, 'db' | 'authorizer' | 'clock' | 'clients'>,
  input: { ref: ItemRef; client: InstallClient },
  actor: Actor,
): Promise<{ item: CatalogItem; usageCount: number; install: InstallInstructions }> {
  const { item, install } = await getInstallInstructions(deps, input, actor);
  const now = deps.clock.now();
  const usageCount = await deps.db.transaction(async (tx) => {
    const count = await tx.items.recordInstall({
      id: newId(now.getTime()),
      itemId: item.id,
      userId: actor.user?.id ?? null,
      installer: installerOf(actor),
      day: now.toISOString().slice(0, 10),
      client: input.client,
      createdAt: now,
    });
    await tx.audit.append(auditEntry(actor, now, 'item.install', formatItemRef(input.ref), { client: input.client }));
    return count;
  });
  return { item: { ...item, usageCount }, usageCount, install };
}

/** Who counts as one installer: the user, or an anonymous caller's address (as a digest, never stored raw). */
function installerOf(actor: Actor): string {
  if (actor.user) return actor.user.id;
  return `anonymous:${createHash('sha256')
    .update(actor.ip ?? 'unknown')
    .digest('hex')
    .slice(0, 32)}`;
}
