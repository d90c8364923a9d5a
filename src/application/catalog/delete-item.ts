import type { Actor } from '../../domain/accounts/actor.ts';
import type { CatalogItem } from '../../domain/catalog/catalog-item.ts';
import { formatItemRef, type ItemRef, itemFolder } from '../../domain/catalog/item-ref.ts';
import { ForbiddenError, StaleRevisionError } from '../../domain/errors.ts';
import { auditEntry } from '../audit.ts';
import type { AtlasDeps } from '../deps.ts';
import { advanceOverOwnCommit, commitItemFolder } from './commit-item-folder.ts';
import { authorOf, findReadableItem, requireUser } from './item-access.ts';

/**
 * Deletes an item: removes its folder in git (its history stays readable) and marks it deleted.
 * - only the namespace owner, the team's maintainers and owners, and admins may delete;
 * - an If-Match, when given, must be the current tree SHA.
 */
export async function deleteItem(
  deps: Pick<AtlasDeps, 'db' | 'content' | 'authorizer' | 'clock'>,
  input: { ref: ItemRef; ifMatch?: string; message?: string },
  actor: Actor,
): Promise<CatalogItem> {
  const { db, content, authorizer, clock } = deps;
  const user = requireUser(actor);
  const item = await findReadableItem(deps, input.ref, actor);
  if (!(await authorizer.canDeleteItem(actor, item))) {
    throw new ForbiddenError(
      `you may not delete ${formatItemRef(input.ref)}: only the team's maintainers and owners may`,
    );
  }
  if (input.ifMatch !== undefined && input.ifMatch !== item.treeSha) {
    throw new StaleRevisionError(`${formatItemRef(input.ref)} changed since you read it; read it again`);
  }
  const folder = itemFolder(input.ref);
  const written = await commitItemFolder(content, {
    folder,
    changes: [{ type: 'delete', path: folder }],
    message: `Delete ${formatItemRef(input.ref)}${input.message ? `\n\n${input.message}` : ''}`,
    author: authorOf(user),
    decide: (listing, head) => (listing ? { commit: true } : { commit: false, commitSha: head }),
  });
  const now = clock.now();
  const deleted: CatalogItem = { ...item, status: 'deleted', commitSha: written.commitSha, updatedAt: now };
  await db.transaction(async (tx) => {
    await tx.items.update(deleted);
    await advanceOverOwnCommit(tx, written, now);
    await tx.audit.append(
      auditEntry(actor, now, 'item.delete', formatItemRef(input.ref), { commitSha: written.commitSha }),
    );
  });
  return deleted;
}
