import type { Actor } from '../../domain/accounts/actor.ts';
import type { RegistryServerVersion } from '../../domain/catalog/item-repository.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { type RegistryDeps, registryTeamId, registryViewer } from './registry-reader.ts';

export interface GetRegistryServerInput {
  readonly team?: string;
  readonly serverName: string;
  readonly includeDeleted: boolean;
}

/**
 * Every version of one MCP server, newest publish first, the latest first of all.
 * - the same reader rules as listRegistryServers; a server the reader may not read is NotFoundError, exactly like
 *   a name no item declares;
 * - the live item that declares the name answers; a deleted one only with `includeDeleted`.
 */
export async function listRegistryServerVersions(
  deps: RegistryDeps,
  input: GetRegistryServerInput,
  actor: Actor,
): Promise<RegistryServerVersion[]> {
  const viewer = registryViewer(deps, actor);
  const teamId = await registryTeamId(deps, input.team);
  const versions = await deps.db.items.listRegistryServerVersions({
    viewer,
    ...(teamId === undefined ? {} : { teamId }),
    includeDeleted: input.includeDeleted,
    serverName: input.serverName,
  });
  if (versions.length === 0) throw new NotFoundError(`no server ${input.serverName}`);
  return versions;
}

/** One version of an MCP server: `latest`, or the version that equals `version` exactly (NotFoundError otherwise). */
export async function getRegistryServerVersion(
  deps: RegistryDeps,
  input: GetRegistryServerInput & { readonly version: string },
  actor: Actor,
): Promise<RegistryServerVersion> {
  const versions = await listRegistryServerVersions(deps, input, actor);
  const found = versions.find((v) => (input.version === 'latest' ? v.isLatest : v.version === input.version));
  if (!found) throw new NotFoundError(`server ${input.serverName} has no version ${input.version}`);
  return found;
}
