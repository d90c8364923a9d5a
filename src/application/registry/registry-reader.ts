import type { Actor } from '../../domain/accounts/actor.ts';
import type { Viewer } from '../../domain/catalog/viewer.ts';
import { NotFoundError, UnauthenticatedError } from '../../domain/errors.ts';
import type { AtlasDeps } from '../deps.ts';

export type RegistryDeps = Pick<AtlasDeps, 'db' | 'authorizer' | 'registry'>;

/** Who reads the registry: anonymous readers only when the registry is public, and then only org-visible items. */
export function registryViewer(deps: RegistryDeps, actor: Actor): Viewer {
  if (actor.user !== null) return deps.authorizer.viewerOf(actor);
  if (deps.registry?.public) return { kind: 'anonymous' };
  throw new UnauthenticatedError('the MCP registry needs an API token: send Authorization: Bearer <token>');
}

/** The id of the team whose registry is read; NotFoundError for a team that does not exist. */
export async function registryTeamId(deps: RegistryDeps, team: string | undefined): Promise<string | undefined> {
  if (team === undefined) return undefined;
  const found = await deps.db.teams.findBySlug(team);
  if (!found) throw new NotFoundError(`no team ${team}`);
  return found.id;
}
