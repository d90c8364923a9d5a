import type { Actor } from '../../domain/accounts/actor.ts';
import type { CatalogItem } from '../../domain/catalog/catalog-item.ts';
import type { ItemRef } from '../../domain/catalog/item-ref.ts';
import { type ItemBundle, prepareBundle } from '../../domain/catalog/prepare-bundle.ts';
import { toTags } from '../../domain/catalog/tag.ts';
import { collectProblems, NotFoundError } from '../../domain/errors.ts';
import type { AtlasDeps } from '../deps.ts';
import { authorizePublish } from './authorize-upload.ts';
import { findReadableItem } from './item-access.ts';
import { fieldsOfBundle } from './item-record.ts';
import type { PublishItemInput } from './publish-item.ts';

export interface PublishPreview {
  readonly ref: ItemRef;
  readonly bundle: ItemBundle;
  readonly version: string | null;
  readonly tags: string[];
  /** The live item of that name the actor can read: these files would be an update of it (PUT with If-Match). */
  readonly existing: CatalogItem | undefined;
}

/**
 * A publish's dry run: the checks publishItem makes before it writes, and nothing written (git, database, audit).
 * - the actor must be allowed to publish into the namespace (UnauthenticatedError, ForbiddenError);
 * - files, manifest and tags are validated as publishItem validates them: every problem at once, in one
 *   ValidationError (TooLargeError when only a limit is broken);
 * - the item the files would replace is returned when the actor may read it, so a caller can show the change first.
 * The checks that need the write itself (a name taken meanwhile, a reused explicit version) are left to publishItem.
 */
export async function previewPublish(
  deps: Pick<AtlasDeps, 'db' | 'authorizer' | 'limits'>,
  input: PublishItemInput,
  actor: Actor,
): Promise<PublishPreview> {
  const namespace = await authorizePublish(deps, input.namespace, actor);
  const { tags, bundle } = collectProblems({
    tags: () => (input.tags === undefined ? [] : toTags(input.tags)),
    bundle: () => prepareBundle(input.files, deps.limits, { requestedName: input.name }),
  });
  const ref = { kind: bundle.kind, namespace: namespace.name, name: bundle.name } as ItemRef;
  let existing: CatalogItem | undefined;
  try {
    existing = await findReadableItem(deps, ref, actor);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  // publishItem takes an invalid item's place as a new publish, not an update.
  if (existing?.status === 'invalid') existing = undefined;
  return { ref, bundle, version: fieldsOfBundle(bundle).version, tags, existing };
}
