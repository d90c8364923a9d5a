import type { Actor } from '../../domain/accounts/actor.ts';
import type { CatalogItem, ItemStatus } from '../../domain/catalog/catalog-item.ts';
import type { ItemSearch } from '../../domain/catalog/item-repository.ts';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../../domain/errors.ts';
import type { AtlasDeps } from '../deps.ts';

export interface ListManagedServersInput {
  /** Only the servers of this team (its slug). */
  readonly team?: string;
  /** Only approved servers carrying this tag (`approved`, say); retired servers are listed whatever their tags. */
  readonly tag?: string;
}

/** What an organisation's managed settings are made of, each list ordered by namespace then name. */
export interface ManagedServers {
  /** Active MCP servers every member of the organisation may see: what clients may run. */
  readonly approved: readonly CatalogItem[];
  /** Deprecated and deleted MCP servers the organisation could see: what clients should refuse. */
  readonly retired: readonly CatalogItem[];
}

/** A catalog far larger than any allowlist a client reads; past it the export is refused rather than cut short. */
const MAX_SERVERS = 5000;
const PAGE = 100;

/**
 * The MCP servers an administrator distributes as managed settings (allowlists, a fixed server set, a registry
 * file).
 * - only site administrators export them: UnauthenticatedError without a user, ForbiddenError for anyone else;
 * - approved: active MCP items with visibility `org`, narrowed to a team and to a tag when asked;
 * - retired: deprecated and deleted MCP items with visibility `org`, narrowed to the team but not to the tag (a tag
 *   says what is approved, not what is known to be bad);
 * - an unknown team is NotFoundError; past MAX_SERVERS servers of one status the export stops with an Error rather
 *   than hand out a list cut short.
 */
export async function listManagedServers(
  { db, authorizer }: Pick<AtlasDeps, 'db' | 'authorizer'>,
  input: ListManagedServersInput,
  actor: Actor,
): Promise<ManagedServers> {
  if (!actor.user) throw new UnauthenticatedError('sign in as an administrator to export managed settings');
  if (!authorizer.isAdmin(actor)) throw new ForbiddenError('only administrators export managed settings');
  let teamId: string | undefined;
  if (input.team !== undefined) {
    const team = await db.teams.findBySlug(input.team);
    if (!team) throw new NotFoundError(`no team ${input.team}`);
    teamId = team.id;
  }
  const query = { kind: 'mcp' as const, ...(teamId === undefined ? {} : { teamId }) };
  const tag = input.tag?.trim();
  const approved = await allItems(db, { ...query, ...(tag ? { tag } : {}) }, 'active');
  const retired = [...(await allItems(db, query, 'deprecated')), ...(await allItems(db, query, 'deleted'))];
  return { approved, retired: retired.sort(byReference) };
}

async function allItems(
  db: AtlasDeps['db'],
  query: Pick<ItemSearch, 'kind' | 'teamId' | 'tag'>,
  status: ItemStatus,
): Promise<CatalogItem[]> {
  const items: CatalogItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await db.items.search({
      ...query,
      status,
      sort: 'name',
      limit: PAGE,
      viewer: { kind: 'admin' },
      full: true,
      ...(cursor === undefined ? {} : { cursor }),
    });
    // `org` only: these files go to every developer's machine, so they name nothing a team keeps to itself.
    items.push(...page.items.filter((item) => item.visibility === 'org'));
    cursor = page.nextCursor ?? undefined;
    if (items.length > MAX_SERVERS) throw new Error(`more than ${MAX_SERVERS} ${status} MCP servers`);
  } while (cursor !== undefined);
  return items.sort(byReference);
}

function byReference(a: CatalogItem, b: CatalogItem): number {
  const left = `${a.namespace}/${a.name}`;
  const right = `${b.namespace}/${b.name}`;
  return left < right ? -1 : left > right ? 1 : 0;
}
