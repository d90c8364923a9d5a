import type { Team } from '../../domain/accounts/team.ts';
import type { TeamRepository } from '../../domain/accounts/team-repository.ts';
import { NotFoundError } from '../../domain/errors.ts';

export async function findTeamOrThrow(teams: TeamRepository, slug: string): Promise<Team> {
  const team = await teams.findBySlug(slug);
  if (!team) throw new NotFoundError(`no team "${slug}"`);
  return team;
}
