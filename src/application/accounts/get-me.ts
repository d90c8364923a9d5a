import type { Actor } from '../../domain/accounts/actor.ts';
import type { UserTeam } from '../../domain/accounts/team.ts';
import type { User } from '../../domain/accounts/user.ts';
import { UnauthenticatedError } from '../../domain/errors.ts';
import type { AtlasDeps } from '../deps.ts';

/** The signed-in user with their teams and roles. */
export async function getMe({ db }: Pick<AtlasDeps, 'db'>, actor: Actor): Promise<{ user: User; teams: UserTeam[] }> {
  if (!actor.user) throw new UnauthenticatedError('sign in first');
  return { user: actor.user, teams: await db.teams.listTeamsOf(actor.user.id) };
}
