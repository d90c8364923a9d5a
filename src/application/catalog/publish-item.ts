import type { Actor } from '../../domain/accounts/actor.ts';
import { type CatalogItem, historySinceOf, type Visibility } from '../../domain/catalog/catalog-item.ts';
import { formatItemRef, type ItemRef, itemFolder } from '../../domain/catalog/item-ref.ts';
import { prepareBundle } from '../../domain/catalog/prepare-bundle.ts';
import { toTags } from '../../domain/catalog/tag.ts';
import type { ItemFile } from '../../domain/content/content-store.ts';
import { ConflictError, collectProblems } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import type { ManifestWarning } from '../../domain/manifests/manifest.ts';
import { auditEntry } from '../audit.ts';
import type { AtlasDeps } from '../deps.ts';
import { authorizePublish } from './authorize-upload.ts';
import { checkServerName, recordClaimingServerName } from './check-server-name.ts';
import { advanceOverOwnCommit, commitItemFolder, lastCommitOf, replaceFolder } from './commit-item-folder.ts';
import { authorOf, requireUser } from './item-access.ts';
import { fieldsOfBundle, versionOf } from './item-record.ts';
import { checkVersionUnused } from './version-rule.ts';

export interface PublishItemInput {
  readonly namespace: string;
  readonly files: readonly ItemFile[];
  /** The catalog name of an MCP server; skills and tools take theirs from the manifest. */
  readonly name?: string;
  readonly tags?: readonly string[];
  readonly visibility?: Visibility;
  /** A line for the commit message. */
  readonly message?: string;
}

export interface PublishedItem {
  readonly item: CatalogItem;
  readonly commitSha: string;
  readonly treeSha: string;
  readonly warnings: ManifestWarning[];
  /** True when identical content was already published: nothing was written. */
  readonly unchanged: boolean;
}

/**
 * Publishes a new item into a namespace.
 * - the actor must be allowed to publish there: their own namespace or a team they belong to;
 * - files and manifest are validated before anything is written, every problem at once;
 * - an item that exists is a ConflictError (update it with PUT), unless the content is identical
 *   (a no-op answering with the existing commit) or the item was deleted (publishing revives it);
 * - an MCP server whose server.json `name` another live item declares is a ServerNameTakenError (see
 *   checkServerName), checked before git is written;
 * - git is written first, then the database in one transaction, so a crash in between is healed by
 *   sync, or by publishing the same content again: the folder already in git is recorded once;
 * - the row sync may have made of the same commit meanwhile is taken over, not duplicated;
 * - a concurrent write that took the server name between the check and the transaction makes the database
 *   refuse this one: the commit is taken back (recordClaimingServerName) and the answer is ServerNameTakenError.
 */
export async function publishItem(
  deps: Pick<AtlasDeps, 'db' | 'content' | 'authorizer' | 'clock' | 'limits' | 'manifestOptions'>,
  input: PublishItemInput,
  actor: Actor,
): Promise<PublishedItem> {
  const { db, content, clock, limits } = deps;
  const user = requireUser(actor);
  const namespace = await authorizePublish(deps, input.namespace, actor);
  const { tags, bundle } = collectProblems({
    tags: () => (input.tags === undefined ? [] : toTags(input.tags)),
    bundle: () => prepareBundle(input.files, limits, { requestedName: input.name, manifest: deps.manifestOptions }),
  });
  const ref: ItemRef = { kind: bundle.kind, namespace: namespace.name, name: bundle.name } as ItemRef;
  const folder = itemFolder(ref);
  const existing = await db.items.findByRef(ref);

  if (existing && existing.status !== 'deleted' && existing.status !== 'invalid') {
    if (existing.treeSha === bundle.treeSha) {
      return {
        item: existing,
        commitSha: existing.commitSha,
        treeSha: existing.treeSha,
        warnings: bundle.warnings,
        unchanged: true,
      };
    }
    throw new ConflictError(
      `${formatItemRef(ref)} already exists; change it as an update of the version you read (tree SHA ${existing.treeSha})`,
      { currentRevision: existing.treeSha },
    );
  }
  if (existing) await checkVersionUnused(db, existing.id, bundle);
  const fields = fieldsOfBundle(bundle);
  await checkServerName(deps, fields.serverName, existing?.id, actor);

  const written = await commitItemFolder(content, {
    folder,
    changes: replaceFolder(folder, bundle.files),
    message: `Publish ${formatItemRef(ref)}${input.message ? `\n\n${input.message}` : ''}`,
    author: authorOf(user),
    decide: async (listing) => {
      if (listing?.treeSha === bundle.treeSha) return { commit: false, commitSha: await lastCommitOf(content, folder) };
      // A folder git has but the catalog does not know (pushed by hand, not yet synced) is not ours to overwrite.
      if (listing && !existing) {
        throw new ConflictError(`${folder} already exists in the content repository; sync will record it`);
      }
      return { commit: true };
    },
  });

  const now = clock.now();
  const item: CatalogItem = {
    id: existing?.id ?? newId(now.getTime()),
    kind: ref.kind,
    namespace: ref.namespace,
    name: ref.name,
    gitPath: folder,
    commitSha: written.commitSha,
    ...fields,
    ownerUserId: existing?.ownerUserId ?? user.id,
    teamId: existing?.teamId ?? (namespace.kind === 'team' ? namespace.teamId : null),
    tags: input.tags === undefined ? (existing?.tags ?? []) : tags,
    visibility: input.visibility ?? existing?.visibility ?? 'org',
    status: 'active',
    statusMessage: null,
    problems: [],
    usageCount: existing?.usageCount ?? 0,
    historySince: historySinceOf(existing, now),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  const claim = {
    serverName: fields.serverName,
    folder,
    written,
    author: authorOf(user),
    what: `Publish ${formatItemRef(ref)}`,
  };
  const recorded = await recordClaimingServerName(deps, claim, actor, () =>
    db.transaction(async (tx) => {
      // Sync may have recorded this very commit first (its poller saw the branch move): take that row over.
      const current = await tx.items.findByRef(ref);
      const row = current
        ? { ...item, id: current.id, usageCount: current.usageCount, createdAt: current.createdAt }
        : item;
      // The writes do not wait for each other's answers: sent together, they run one after the other in the
      // order sent, without a round trip between them while the transaction holds the embedded database. The
      // item's row goes first (its version refers to it).
      await allSettledFirstFailure([
        current ? tx.items.update(row) : tx.items.insert(row),
        tx.items.recordVersion(versionOf(row, user.id, now)),
        advanceOverOwnCommit(tx, written, now),
        tx.audit.append(
          auditEntry(actor, now, existing ? 'item.republish' : 'item.publish', formatItemRef(ref), {
            commitSha: row.commitSha,
            treeSha: row.treeSha,
            version: row.version,
          }),
        ),
      ]);
      return row;
    }),
  );
  return {
    item: recorded,
    commitSha: recorded.commitSha,
    treeSha: recorded.treeSha,
    warnings: bundle.warnings,
    unchanged: false,
  };
}

/**
 * Waits for every one of `writes` (so that none is left running when the transaction ends), then throws the
 * first failure in time: the cause, not a later statement the database refused because the transaction had
 * already failed.
 */
async function allSettledFirstFailure(writes: readonly Promise<unknown>[]): Promise<void> {
  let failure: { error: unknown } | undefined;
  await Promise.all(
    writes.map((write) =>
      write.catch((error: unknown) => {
        failure ??= { error };
      }),
    ),
  );
  if (failure) throw failure.error;
}
