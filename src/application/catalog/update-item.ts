import type { Actor } from '../../domain/accounts/actor.ts';
import { formatItemRef, type ItemRef, itemFolder } from '../../domain/catalog/item-ref.ts';
import { prepareBundle } from '../../domain/catalog/prepare-bundle.ts';
import type { ItemFile } from '../../domain/content/content-store.ts';
import { PreconditionRequiredError, StaleRevisionError } from '../../domain/errors.ts';
import { auditEntry } from '../audit.ts';
import type { AtlasDeps } from '../deps.ts';
import { authorizeUpdate } from './authorize-upload.ts';
import { checkServerName, recordClaimingServerName } from './check-server-name.ts';
import { advanceOverOwnCommit, commitItemFolder, lastCommitOf, replaceFolder } from './commit-item-folder.ts';
import { authorOf, requireUser } from './item-access.ts';
import { fieldsOfBundle, versionOf } from './item-record.ts';
import type { PublishedItem } from './publish-item.ts';
import { checkVersionUnused } from './version-rule.ts';

export interface UpdateItemInput {
  readonly ref: ItemRef;
  readonly files: readonly ItemFile[];
  /** The tree SHA the caller read (the item's ETag); required. */
  readonly ifMatch: string | undefined;
  readonly message?: string;
}

/**
 * Replaces an item's files with a new version.
 * - without the tree SHA the caller read it is PreconditionRequiredError; a tree SHA that is not the current one (in the
 *   catalog or in git) is StaleRevisionError: someone changed the item since the caller read it;
 * - the actor must be allowed to edit the item (namespace owner, team maintainers and owners, the
 *   member who published it);
 * - the kind and name cannot change; other content under an already published version is a ConflictError;
 * - an MCP server may change its server.json `name`, but not to one another live item declares
 *   (ServerNameTakenError, before git is written; a race lost to another write takes the commit back);
 * - identical content is a no-op answering with the current commit;
 * - an item sync recorded as invalid is active again once its new content passes every check.
 */
export async function updateItem(
  deps: Pick<AtlasDeps, 'db' | 'content' | 'authorizer' | 'clock' | 'limits' | 'manifestOptions'>,
  input: UpdateItemInput,
  actor: Actor,
): Promise<PublishedItem> {
  const { db, content, clock, limits } = deps;
  const user = requireUser(actor);
  const item = await authorizeUpdate(deps, input.ref, actor);
  if (input.ifMatch === undefined) {
    throw new PreconditionRequiredError(
      `${formatItemRef(input.ref)} changes only from the version you read: give its tree SHA (now ${item.treeSha}) so that no one else's change is lost`,
      { currentRevision: item.treeSha },
    );
  }
  const bundle = prepareBundle(input.files, limits, {
    existing: { kind: item.kind, name: item.name },
    manifest: deps.manifestOptions,
  });
  if (input.ifMatch !== item.treeSha) {
    throw new StaleRevisionError(
      `${formatItemRef(input.ref)} changed since you read it (now ${item.treeSha}); read it again`,
      { currentRevision: item.treeSha },
    );
  }
  if (bundle.treeSha === item.treeSha) {
    return { item, commitSha: item.commitSha, treeSha: item.treeSha, warnings: bundle.warnings, unchanged: true };
  }
  await checkVersionUnused(db, item.id, bundle);
  const fields = fieldsOfBundle(bundle);
  await checkServerName(deps, fields.serverName, item.id, actor);

  const folder = itemFolder(input.ref);
  const written = await commitItemFolder(content, {
    folder,
    changes: replaceFolder(folder, bundle.files),
    message: `Update ${formatItemRef(input.ref)}${input.message ? `\n\n${input.message}` : ''}`,
    author: authorOf(user),
    decide: async (listing) => {
      // A retry after a crash between git and the database: git already holds exactly this update.
      if (listing?.treeSha === bundle.treeSha) return { commit: false, commitSha: await lastCommitOf(content, folder) };
      // Git is the truth: a change pushed there but not yet synced makes the caller's copy stale too.
      if (listing?.treeSha !== item.treeSha) {
        throw new StaleRevisionError(`${folder} changed in the content repository since you read it; read it again`);
      }
      return { commit: true };
    },
  });

  const now = clock.now();
  const revived = item.status === 'invalid' ? { status: 'active' as const, statusMessage: null, problems: [] } : {};
  const updated = { ...item, ...fields, ...revived, commitSha: written.commitSha, updatedAt: now };
  const what = `Update ${formatItemRef(input.ref)}`;
  const claim = { serverName: fields.serverName, folder, written, author: authorOf(user), what };
  await recordClaimingServerName(deps, claim, actor, () =>
    db.transaction(async (tx) => {
      const current = await tx.items.findById(item.id);
      if (current?.treeSha !== item.treeSha) {
        throw new StaleRevisionError(`${formatItemRef(input.ref)} changed meanwhile; read it again`);
      }
      await tx.items.update(updated);
      await tx.items.recordVersion(versionOf(updated, user.id, now));
      await advanceOverOwnCommit(tx, written, now);
      await tx.audit.append(
        auditEntry(actor, now, 'item.update', formatItemRef(input.ref), {
          commitSha: updated.commitSha,
          treeSha: updated.treeSha,
          previousTreeSha: item.treeSha,
          version: updated.version,
        }),
      );
    }),
  );
  return {
    item: updated,
    commitSha: updated.commitSha,
    treeSha: updated.treeSha,
    warnings: bundle.warnings,
    unchanged: false,
  };
}
