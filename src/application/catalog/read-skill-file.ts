import type { Actor } from '../../domain/accounts/actor.ts';
import { formatItemRef, type ItemRef } from '../../domain/catalog/item-ref.ts';
import { gitPathProblem } from '../../domain/content/git-path.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { AtlasDeps } from '../deps.ts';
import { findReadableItem } from './item-access.ts';
import { type SkillFile, sha256Hex } from './list-skill-files.ts';

export interface ReadSkillFileInput {
  readonly ref: ItemRef;
  /** Relative to the skill folder, e.g. `references/forms.md`. */
  readonly path: string;
}

/** One file of a skill, its bytes, and the commit they were read at. */
export interface SkillFileContent {
  readonly ref: ItemRef;
  readonly commitSha: string;
  readonly file: SkillFile;
  readonly bytes: Uint8Array;
}

/**
 * One file of a skill, read at the commit the catalog records for the skill, with its size and SHA-256.
 * - the actor must be able to read the skill (NotFoundError otherwise, exactly like a missing one);
 * - another kind of item is a ValidationError at `ref`; a path git could not hold is one at `path`;
 * - only the files of the skill's own listing at that commit are read: any other path is NotFoundError.
 */
export async function readSkillFile(
  deps: Pick<AtlasDeps, 'db' | 'content' | 'authorizer'>,
  input: ReadSkillFileInput,
  actor: Actor,
): Promise<SkillFileContent> {
  if (input.ref.kind !== 'skill') {
    throw new ValidationError({ path: 'ref', message: `${formatItemRef(input.ref)} is not a skill` });
  }
  const problem = gitPathProblem(input.path);
  if (problem) throw new ValidationError({ path: 'path', message: `"${input.path}" ${problem}` });
  const item = await findReadableItem(deps, input.ref, actor);
  const notAFile = () => new NotFoundError(`${formatItemRef(input.ref)} has no file ${input.path}`);
  const listing = await deps.content.listItemFiles(item.gitPath, item.commitSha);
  const listed = listing?.files.find((file) => file.path === input.path);
  if (!listing || !listed) throw notAFile();
  const bytes = await deps.content.readFile(`${item.gitPath}/${input.path}`, listing.commitSha);
  if (!bytes) throw notAFile();
  return {
    ref: input.ref,
    commitSha: listing.commitSha,
    file: { path: listed.path, size: bytes.length, sha256: sha256Hex(bytes), executable: listed.executable },
    bytes,
  };
}
