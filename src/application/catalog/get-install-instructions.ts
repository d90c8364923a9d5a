import type { Actor } from '../../domain/accounts/actor.ts';
import type { CatalogItem } from '../../domain/catalog/catalog-item.ts';
import type { InstallClient, InstallPathScope, McpInstall, SkillFolder } from '../../domain/catalog/install-clients.ts';
import type { ItemRef } from '../../domain/catalog/item-ref.ts';
import type { AtlasDeps } from '../deps.ts';
import { findReadableItem } from './item-access.ts';

export type InstallInstructions =
  | { kind: 'mcp'; config: McpInstall }
  | { kind: 'skill'; folder: SkillFolder | null; notes: string[] }
  | { kind: 'tool'; definition: Readonly<Record<string, unknown>> };

export interface GetInstallInstructionsInput {
  readonly ref: ItemRef;
  readonly client: InstallClient;
}

/**
 * What a client needs to use an item, read-only: nothing is counted or audited (installItem does that).
 * - the item must be readable by the actor (NotFoundError otherwise, as for any read);
 * - an MCP server gets its config entry for that client, secrets as placeholders, never values;
 *   ValidationError when nothing in it is installable there;
 * - a skill gets the folder the client reads it from (null: the client takes the zip by upload);
 * - a tool gets its definition as published.
 */
export async function getInstallInstructions(
  deps: Pick<AtlasDeps, 'db' | 'authorizer' | 'clients'>,
  input: GetInstallInstructionsInput,
  actor: Actor,
): Promise<{ item: CatalogItem; install: InstallInstructions }> {
  const item = await findReadableItem(deps, input.ref, actor);
  return { item, install: instructionsFor(deps, item, input.client) };
}

/** The config file (MCP servers) or folder (skills) an install in `scope` goes to; null when the client has none. */
export function installLocation(install: InstallInstructions, scope: InstallPathScope): string | null {
  switch (install.kind) {
    case 'mcp':
      return install.config.configPath[scope] ?? null;
    case 'skill':
      return install.folder?.[scope] ?? null;
    case 'tool':
      return null;
  }
}

function instructionsFor(
  { clients }: Pick<AtlasDeps, 'clients'>,
  item: CatalogItem,
  client: InstallClient,
): InstallInstructions {
  switch (item.kind) {
    case 'mcp':
      return { kind: 'mcp', config: clients.mcp(item.manifest, client, item.name) };
    case 'tool':
      return { kind: 'tool', definition: item.manifest };
    case 'skill': {
      const folder = clients.skillFolder(item.name, client) ?? null;
      const notes = folder
        ? [
            `unzip the archive into the folder that holds ${folder.project ?? folder.user}: the zip holds one folder, ${item.name}`,
          ]
        : ['upload the archive in the client (Settings, Capabilities, Skills); it takes the zip as it is'];
      return { kind: 'skill', folder, notes };
    }
  }
}
