import type { Actor } from '../../domain/accounts/actor.ts';
import type { Namespace } from '../../domain/accounts/namespace.ts';
import type { CatalogItem } from '../../domain/catalog/catalog-item.ts';
import { formatItemRef, type ItemRef } from '../../domain/catalog/item-ref.ts';
import { ForbiddenError, ValidationError } from '../../domain/errors.ts';
import type { AtlasDeps } from '../deps.ts';
import { findReadableItem, requireUser } from './item-access.ts';

/**
 * The checks of publishItem that need no files: run before an upload is read, so that a stranger's upload is
 * refused without reading, inflating or parsing it. publishItem runs them too, as its first step.
 * - the actor must be signed in (UnauthenticatedError);
 * - the namespace must exist (ValidationError) and the actor may publish into it (ForbiddenError).
 */
export async function authorizePublish(
  { db, authorizer }: Pick<AtlasDeps, 'db' | 'authorizer'>,
  namespaceName: string,
  actor: Actor,
): Promise<Namespace> {
  const user = requireUser(actor);
  const namespace = await db.namespaces.findByName(namespaceName);
  if (!namespace) {
    throw new ValidationError({ path: 'namespace', message: `no user or team is named "${namespaceName}"` });
  }
  if (!(await authorizer.canPublish(actor, namespace))) {
    throw new ForbiddenError(
      namespace.kind === 'team'
        ? `you are not a member of team "${namespace.name}"; ask one of its owners to add you`
        : `"${namespace.name}" is another user's namespace; publish into your own ("${user.username}") or a team's`,
    );
  }
  return namespace;
}

/**
 * The checks of updateItem that need no files, run before an upload is read (updateItem runs them too, as its first step):
 * signed in, the item readable (NotFoundError otherwise) and editable by the actor (ForbiddenError).
 */
export async function authorizeUpdate(
  deps: Pick<AtlasDeps, 'db' | 'authorizer'>,
  ref: ItemRef,
  actor: Actor,
): Promise<CatalogItem> {
  requireUser(actor);
  const item = await findReadableItem(deps, ref, actor);
  if (!(await deps.authorizer.canEditItem(actor, item))) {
    throw new ForbiddenError(
      `you may not change ${formatItemRef(ref)}: only its publisher and the team's maintainers may`,
    );
  }
  return item;
}
