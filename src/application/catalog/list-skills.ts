import type { Actor } from '../../domain/accounts/actor.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { Page } from '../../domain/page.ts';
import type { AtlasDeps } from '../deps.ts';
import { type SkillFiles, skillFilesOf } from './list-skill-files.ts';
import { searchItems } from './search-items.ts';

export interface ListSkillsInput {
  readonly limit: number;
  readonly cursor?: string;
}

/**
 * The skills the actor may read, by name, each with its files, sizes and digests (see listSkillFiles).
 * - the read rule is the search's: a team-only skill is absent for an outsider, and anonymous callers
 *   without public read are asked to sign in;
 * - a skill whose folder is missing at its recorded commit (a row sync is about to repair) is left out, so a
 *   page may hold fewer than `limit` skills; `nextCursor` says whether more follow.
 */
export async function listSkills(
  deps: Pick<AtlasDeps, 'db' | 'content' | 'authorizer'>,
  input: ListSkillsInput,
  actor: Actor,
): Promise<Page<SkillFiles>> {
  const page = await searchItems(
    deps,
    { kind: 'skill', sort: 'name', limit: input.limit, cursor: input.cursor },
    actor,
  );
  const skills: SkillFiles[] = [];
  // One skill at a time: a page of large skills read at once would hold every one of them in memory.
  for (const item of page.items) {
    const files = await skillFilesOf(deps, item).catch((error: unknown) => {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    });
    if (files) skills.push(files);
  }
  return page.nextCursor ? { items: skills, nextCursor: page.nextCursor } : { items: skills };
}
