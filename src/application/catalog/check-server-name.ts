import type { Actor } from '../../domain/accounts/actor.ts';
import type { CatalogItem } from '../../domain/catalog/catalog-item.ts';
import { formatItemRef, type ItemRef } from '../../domain/catalog/item-ref.ts';
import type { ContentAuthor } from '../../domain/content/content-store.ts';
import { ServerNameTakenError } from '../../domain/errors.ts';
import type { AtlasDeps } from '../deps.ts';
import { type FolderCommit, revertFolderCommit } from './commit-item-folder.ts';

type Deps = Pick<AtlasDeps, 'db' | 'authorizer'>;

/**
 * Refuses, before anything is written, an MCP server whose server.json `name` another live item declares.
 * - a server name belongs to one item: its versions are that server's versions, so the item that holds a name
 *   (`itemId`) may publish it again; any other item is refused with ServerNameTakenError;
 * - names compare exactly as written, as the MCP Registry compares them (`io.github.acme/Weather` is not
 *   `io.github.acme/weather`);
 * - the refusal names the item holding the name and its owner only to an actor who may read that item.
 * The database's unique index on live items' server names enforces the same rule for writes that race.
 */
export async function checkServerName(
  deps: Deps,
  serverName: string | null,
  itemId: string | undefined,
  actor: Actor,
): Promise<void> {
  if (serverName === null) return;
  const holder = await deps.db.items.findByServerName(serverName);
  if (holder && holder.id !== itemId) throw await serverNameTaken(deps, serverName, actor, holder);
}

/**
 * The refusal of `serverName` as `actor` may read it: the holding item's reference and owner (team or user) when
 * they may read that item, otherwise only that an item they cannot see holds it.
 */
export async function serverNameTaken(
  deps: Deps,
  serverName: string,
  actor: Actor,
  holder?: CatalogItem,
): Promise<ServerNameTakenError> {
  const found = holder ?? (await deps.db.items.findByServerName(serverName));
  const name = JSON.stringify(serverName);
  if (!found) return new ServerNameTakenError(`server name ${name} is already declared by another item`);
  if (!(await deps.authorizer.canReadItem(actor, found))) {
    return new ServerNameTakenError(
      `server name ${name} is already declared by an item you cannot see; give this server another name in server.json`,
    );
  }
  const ref = formatItemRef(found as unknown as ItemRef);
  const owner = await ownerOf(deps, found);
  return new ServerNameTakenError(
    `server name ${name} is already declared by ${ref}${owner ? ` (${owner})` : ''}; a server name belongs to one item: ` +
      `publish this as a new version of ${ref}, or give this server another name in server.json`,
  );
}

async function ownerOf({ db }: Pick<AtlasDeps, 'db'>, item: CatalogItem): Promise<string | undefined> {
  if (item.teamId !== null) {
    const team = await db.teams.findById(item.teamId);
    if (team) return `team "${team.slug}"`;
  }
  if (item.ownerUserId !== null) {
    const user = await db.users.findById(item.ownerUserId);
    if (user) return `user "${user.username}"`;
  }
  return undefined;
}

/**
 * Runs `write`, the database write that records Atlas's own commit of an item declaring `serverName`. When the
 * database refuses it because another write took the name after checkServerName (two publishes of different items
 * racing, or sync recording a folder pushed by hand), the commit is taken back (revertFolderCommit), so that git
 * keeps no second folder declaring the name, and the answer is ServerNameTakenError. Should git refuse the revert,
 * sync finds the folder and records it as invalid, naming the holder: never as a second holder.
 */
export async function recordClaimingServerName<T>(
  deps: Deps & Pick<AtlasDeps, 'content'>,
  /** `what`: the subject line of the commit, for the subject of the one that takes it back. */
  claim: { serverName: string | null; folder: string; written: FolderCommit; author: ContentAuthor; what: string },
  actor: Actor,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!(error instanceof ServerNameTakenError) || claim.serverName === null) throw error;
    await revertFolderCommit(deps.content, {
      folder: claim.folder,
      written: claim.written,
      message: `Revert "${claim.what}": server name ${claim.serverName} was taken meanwhile`,
      author: claim.author,
    });
    throw await serverNameTaken(deps, claim.serverName, actor);
  }
}
