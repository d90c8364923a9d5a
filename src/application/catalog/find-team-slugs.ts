import type { AtlasDeps } from '../deps.ts';

/**
 * The slugs of the teams that own some items the caller already holds, by team id (one lookup per distinct
 * team). A team that no longer exists is absent from the map.
 */
export async function findTeamSlugs(
  { db }: Pick<AtlasDeps, 'db'>,
  teamIds: readonly (string | null)[],
): Promise<Map<string, string>> {
  const ids = [...new Set(teamIds.filter((id): id is string => id !== null))];
  const teams = await Promise.all(ids.map((id) => db.teams.findById(id)));
  return new Map(teams.flatMap((team) => (team ? [[team.id, team.slug] as const] : [])));
}
