import type { Actor } from '../../domain/accounts/actor.ts';
import type { CatalogItem, ItemStatus, Visibility } from '../../domain/catalog/catalog-item.ts';
import { formatItemRef, type ItemRef } from '../../domain/catalog/item-ref.ts';
import { toTags } from '../../domain/catalog/tag.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.ts';
import { auditEntry } from '../audit.ts';
import type { AtlasDeps } from '../deps.ts';
import { checkServerName, recordClaimingServerName } from './check-server-name.ts';
import { advanceOverOwnCommit, commitItemFolder, type FolderCommit } from './commit-item-folder.ts';
import { deleteItem } from './delete-item.ts';
import { authorOf, findReadableItem, requireUser } from './item-access.ts';

export interface PatchItemInput {
  readonly ref: ItemRef;
  readonly tags?: readonly string[];
  readonly visibility?: Visibility;
  readonly status?: Exclude<ItemStatus, 'invalid'>;
  /** Why an item is deprecated (required with `deprecated`), e.g. what to use instead. */
  readonly statusMessage?: string | null;
  /** The owning team's slug; null hands an item in a personal namespace back to its owner alone. */
  readonly team?: string | null;
}

/**
 * Changes what the database owns of an item: tags, visibility, status and team. Git is untouched,
 * except that `deleted` deletes the folder (as DELETE does) and `active` on a deleted item restores
 * the folder from its last version in history.
 * - the actor must be allowed to edit the item; deleting needs delete rights;
 * - `deprecated` needs a message;
 * - a deleted MCP server is restored only while no other live item declares its server name (ServerNameTakenError);
 * - an item in a team's namespace always belongs to that team: it is never moved to another team nor
 *   handed to a person (ValidationError);
 * - an item in a personal namespace is handed to a team only by its owner, who must be an owner or
 *   maintainer of that team; it moves between teams only for someone who is an owner or maintainer of
 *   both; it goes back to its owner alone by its owner or an owner or maintainer of its team
 *   (ForbiddenError otherwise); admins may do all of these.
 */
export async function patchItem(
  deps: Pick<AtlasDeps, 'db' | 'content' | 'authorizer' | 'clock'>,
  input: PatchItemInput,
  actor: Actor,
): Promise<CatalogItem> {
  const { db, authorizer, clock } = deps;
  const user = requireUser(actor);
  const item = await findReadableItem(deps, input.ref, actor, { includeDeleted: true });
  if (item.status === 'deleted' && input.status !== 'active')
    throw new NotFoundError(`no item ${formatItemRef(input.ref)}`);
  if (!(await authorizer.canEditItem(actor, item))) {
    throw new ForbiddenError(
      `you may not change ${formatItemRef(input.ref)}: only its publisher and the team's maintainers may`,
    );
  }
  if (input.status === 'deleted') {
    if (Object.keys(input).some((key) => !['ref', 'status', 'statusMessage'].includes(key))) {
      throw new ValidationError({ path: 'status', message: 'deleting cannot be combined with other changes' });
    }
    return deleteItem(deps, { ref: input.ref }, actor);
  }

  const problems: { path: string; message: string }[] = [];
  let tags = item.tags;
  if (input.tags !== undefined) {
    try {
      tags = toTags(input.tags);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      problems.push(...error.problems);
    }
  }
  const statusMessage = input.statusMessage === undefined ? item.statusMessage : input.statusMessage?.trim() || null;
  const status = input.status ?? item.status;
  if (status === 'deprecated' && !statusMessage) {
    problems.push({ path: 'statusMessage', message: 'say why it is deprecated, e.g. what to use instead' });
  }
  if (statusMessage && statusMessage.length > 500)
    problems.push({ path: 'statusMessage', message: 'must be at most 500 characters' });
  let teamId = item.teamId;
  if (input.team !== undefined) {
    const moved = await teamOfMove(deps, item, input.team, actor, user.id);
    if ('problem' in moved) problems.push({ path: 'team', message: moved.problem });
    else teamId = moved.teamId;
  }
  if (problems.length > 0) throw new ValidationError(problems);

  const now = clock.now();
  let patched: CatalogItem = {
    ...item,
    tags,
    visibility: input.visibility ?? item.visibility,
    status,
    statusMessage: status === 'active' ? null : statusMessage,
    teamId,
    updatedAt: now,
  };
  let restoredCommit: FolderCommit | undefined;
  if (item.status === 'deleted') {
    await checkServerName(deps, item.serverName, item.id, actor);
    const restored = await restoreFolder(deps, item, user);
    patched = { ...patched, commitSha: restored.commitSha, treeSha: restored.treeSha ?? item.treeSha };
    restoredCommit = restored;
  }
  const write = () =>
    db.transaction(async (tx) => {
      await tx.items.update(patched);
      if (restoredCommit) await advanceOverOwnCommit(tx, restoredCommit, now);
      await tx.audit.append(
        auditEntry(actor, now, item.status === 'deleted' ? 'item.restore' : 'item.patch', formatItemRef(input.ref), {
          tags: patched.tags,
          visibility: patched.visibility,
          status: patched.status,
          teamId: patched.teamId,
        }),
      );
    });
  if (!restoredCommit) await write();
  else {
    const what = `Restore ${formatItemRef(input.ref)}`;
    const claim = {
      serverName: item.serverName,
      folder: item.gitPath,
      written: restoredCommit,
      author: authorOf(user),
      what,
    };
    await recordClaimingServerName(deps, claim, actor, write);
  }
  return patched;
}

/**
 * The team an item may be given (see patchItem), a problem with the request, or ForbiddenError.
 * Naming the team it already has changes nothing and is always allowed.
 */
async function teamOfMove(
  { db, authorizer }: Pick<AtlasDeps, 'db' | 'authorizer'>,
  item: CatalogItem,
  slug: string | null,
  actor: Actor,
  userId: string,
): Promise<{ teamId: string | null } | { problem: string }> {
  const team = slug === null ? null : await db.teams.findBySlug(slug);
  if (team === undefined) return { problem: `no team "${slug}"` };
  const target = team?.id ?? null;
  if (target === item.teamId) return { teamId: target };
  const namespace = await db.namespaces.findByName(item.namespace);
  const admin = authorizer.isAdmin(actor);
  if (namespace?.kind === 'team') {
    // Only a way back for an item moved out before this rule held, and only for the namespace's team.
    if (target === namespace.teamId && (admin || (await authorizer.canMaintainTeam(actor, target)))) {
      return { teamId: target };
    }
    return {
      problem: `an item in a team's namespace belongs to that team ("${namespace.name}"); it cannot be moved to another team`,
    };
  }
  if (admin) return { teamId: target };
  const reclaimed = target === null && item.ownerUserId === userId;
  if (item.teamId !== null && !reclaimed && !(await authorizer.canMaintainTeam(actor, item.teamId))) {
    throw new ForbiddenError('only an owner or maintainer of the team an item belongs to may move it out of that team');
  }
  if (target !== null) {
    if (item.teamId === null && item.ownerUserId !== userId) {
      throw new ForbiddenError('only the owner of an item in a personal namespace may hand it to a team');
    }
    if (!(await authorizer.canMaintainTeam(actor, target))) {
      throw new ForbiddenError(`only an owner or maintainer of team "${team?.slug}" may move items into it`);
    }
  }
  return { teamId: target };
}

/** Writes a deleted item's folder back as it was at its last version. */
async function restoreFolder(
  { content }: Pick<AtlasDeps, 'content'>,
  item: CatalogItem,
  user: Parameters<typeof authorOf>[0],
) {
  const folder = item.gitPath;
  const ref = `${item.kind}/${item.namespace}/${item.name}`;
  const { entries } = await content.history(folder, { limit: 20 });
  const last = entries.find((entry) => entry.treeSha !== null);
  const snapshot = last && (await content.readItem(folder, last.commitSha));
  if (!snapshot) throw new ConflictError(`no earlier version of ${ref} is left in the history to restore`);
  const written = await commitItemFolder(content, {
    folder,
    changes: snapshot.files.map((f) => ({
      type: 'write',
      path: `${folder}/${f.path}`,
      content: f.content,
      executable: f.executable,
    })),
    message: `Restore ${ref}`,
    author: authorOf(user),
    decide: (listing) => {
      if (listing) throw new ConflictError(`${folder} exists in the content repository again; sync will record it`);
      return { commit: true };
    },
  });
  return written;
}
