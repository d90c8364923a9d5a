import type { Actor } from '../../domain/accounts/actor.ts';
import type { Team } from '../../domain/accounts/team.ts';
import { UnauthenticatedError } from '../../domain/errors.ts';
import type { Page, PageRequest } from '../../domain/page.ts';
import type { AtlasDeps } from '../deps.ts';

/** Every team, by slug; teams are visible to every signed-in user. */
export async function listTeams({ db }: Pick<AtlasDeps, 'db'>, page: PageRequest, actor: Actor): Promise<Page<Team>> {
  if (!actor.user) throw new UnauthenticatedError('sign in first');
  return db.teams.list(page);
}
