import type { Actor } from '../../domain/accounts/actor.ts';
import { formatItemRef, type ItemRef } from '../../domain/catalog/item-ref.ts';
import type { ItemFile } from '../../domain/content/content-store.ts';
import { gitPathProblem } from '../../domain/content/git-path.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { AtlasDeps } from '../deps.ts';
import { findReadableItem } from './item-access.ts';
import { requireReadableCommit } from './list-item-versions.ts';

const COMMIT = /^[0-9a-f]{40}$/;

function commitOrThrow(at: string | undefined): string | undefined {
  if (at !== undefined && !COMMIT.test(at)) {
    throw new ValidationError({ path: 'at', message: 'must be a full 40-character commit SHA' });
  }
  return at;
}

/**
 * One file of an item, at its current commit or at any commit (`at`) of its history.
 * - a path that could lead outside the item (absolute, `..`, not git-safe) is a ValidationError at `path`;
 * - a file that does not exist there, or an unknown commit, is NotFoundError;
 * - `at` reaches only the item's own history that the actor could read when it was written, as
 *   listItemVersions lists it: a commit of an earlier item of the same name, or of a version the actor
 *   could not read then, is NotFoundError too.
 */
export async function readItemFile(
  deps: Pick<AtlasDeps, 'db' | 'content' | 'authorizer'>,
  input: { ref: ItemRef; path: string; at?: string },
  actor: Actor,
): Promise<Uint8Array> {
  const at = commitOrThrow(input.at);
  const item = await findReadableItem(deps, input.ref, actor, { includeDeleted: at !== undefined });
  const problem = gitPathProblem(input.path);
  if (problem) throw new ValidationError({ path: 'path', message: `"${input.path}" ${problem}` });
  if (at !== undefined) await requireReadableCommit(deps, item, at, actor);
  const bytes = await deps.content.readFile(`${item.gitPath}/${input.path}`, at ?? item.commitSha);
  if (!bytes) throw new NotFoundError(`${formatItemRef(input.ref)} has no file ${input.path}${at ? ` at ${at}` : ''}`);
  return bytes;
}

/** Every file of an item at its current commit or at `at`: what the archive zips. `at` follows readItemFile's rules. */
export async function readItemFiles(
  deps: Pick<AtlasDeps, 'db' | 'content' | 'authorizer'>,
  input: { ref: ItemRef; at?: string },
  actor: Actor,
): Promise<{ name: string; commitSha: string; treeSha: string; files: ItemFile[] }> {
  const at = commitOrThrow(input.at);
  const item = await findReadableItem(deps, input.ref, actor, { includeDeleted: at !== undefined });
  if (at !== undefined) await requireReadableCommit(deps, item, at, actor);
  const snapshot = await deps.content.readItem(item.gitPath, at ?? item.commitSha);
  if (!snapshot) throw new NotFoundError(`${formatItemRef(input.ref)} has no files${at ? ` at ${at}` : ''}`);
  return { name: item.name, commitSha: snapshot.commitSha, treeSha: snapshot.treeSha, files: snapshot.files };
}
