import type { Actor } from '../../domain/accounts/actor.ts';
import type { Team, TeamMember } from '../../domain/accounts/team.ts';
import { UnauthenticatedError } from '../../domain/errors.ts';
import type { AtlasDeps } from '../deps.ts';
import { findTeamOrThrow } from './find-team.ts';

/** A team with its members and their roles. */
export async function getTeam(
  { db }: Pick<AtlasDeps, 'db'>,
  slug: string,
  actor: Actor,
): Promise<{ team: Team; members: TeamMember[] }> {
  if (!actor.user) throw new UnauthenticatedError('sign in first');
  const team = await findTeamOrThrow(db.teams, slug);
  return { team, members: await db.teams.listMembers(team.id) };
}
