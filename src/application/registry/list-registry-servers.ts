import type { Actor } from '../../domain/accounts/actor.ts';
import type { RegistryServerVersion } from '../../domain/catalog/item-repository.ts';
import type { Page } from '../../domain/page.ts';
import { type RegistryDeps, registryTeamId, registryViewer } from './registry-reader.ts';

export interface ListRegistryServersInput {
  /** The slug of the team whose registry is read; the whole catalog when absent. */
  readonly team?: string;
  readonly limit: number;
  readonly cursor?: string;
  readonly search?: string;
  readonly updatedSince?: Date;
  /** `latest`, an exact version, or every version when absent. */
  readonly version?: string;
  readonly includeDeleted: boolean;
}

/**
 * The MCP servers of the catalog as the MCP Registry API lists them, by server name then version.
 * - a reader without a token is refused (UnauthenticatedError) unless the registry is public, and then reads only
 *   org-visible servers; everyone else reads what they may read in the catalog;
 * - a team's registry lists only that team's servers (NotFoundError for an unknown team);
 * - `updatedSince` includes deleted servers, so that a mirror learns of deletions;
 * - invalid items are never served.
 */
export async function listRegistryServers(
  deps: RegistryDeps,
  input: ListRegistryServersInput,
  actor: Actor,
): Promise<Page<RegistryServerVersion>> {
  const viewer = registryViewer(deps, actor);
  const teamId = await registryTeamId(deps, input.team);
  const search = input.search?.trim();
  return deps.db.items.listRegistryServers({
    viewer,
    ...(teamId === undefined ? {} : { teamId }),
    ...(search ? { search } : {}),
    ...(input.updatedSince === undefined ? {} : { updatedSince: input.updatedSince }),
    ...(input.version === undefined ? {} : { version: input.version }),
    ...(input.cursor === undefined ? {} : { cursor: input.cursor }),
    includeDeleted: input.includeDeleted || input.updatedSince !== undefined,
    limit: input.limit,
  });
}
