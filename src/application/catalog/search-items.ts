import type { Actor } from '../../domain/accounts/actor.ts';
import type { ItemStatus } from '../../domain/catalog/catalog-item.ts';
import type { ItemKind } from '../../domain/catalog/item-kind.ts';
import type { ItemFacets, ItemSearch, ItemSort, ItemSummary } from '../../domain/catalog/item-repository.ts';
import { ForbiddenError, UnauthenticatedError, ValidationError } from '../../domain/errors.ts';
import type { Page } from '../../domain/page.ts';
import type { AtlasDeps } from '../deps.ts';

export interface SearchItemsInput {
  readonly q?: string;
  readonly kind?: ItemKind;
  readonly namespace?: string;
  /** A team slug. */
  readonly team?: string;
  readonly tag?: string;
  /** A username. */
  readonly owner?: string;
  readonly status?: ItemStatus;
  readonly sort?: ItemSort;
  readonly limit: number;
  readonly cursor?: string;
  /** Also count, for each value of each filter, what the search finds with it. */
  readonly facets?: boolean;
}

/** A page of results, and their facet counts when asked for. */
export type SearchItemsResult = Page<ItemSummary> & { readonly facets?: ItemFacets };

const NO_FACETS: ItemFacets = { kind: [], team: [], tag: [], status: [] };

/**
 * Searches and browses the catalog. The read rule is applied in the query, so a page is full of
 * items the actor may read. Deleted and invalid items are listed only for admins (invalid ones are
 * sync's findings); an unknown team or owner simply matches nothing.
 * - `q` finds items by any of its words, best first; a search draws from its best matches only
 *   (SEARCH_LIMITS.candidates), which the filters narrow (see ItemSearch);
 * - with `facets`, the answer also counts each kind, team, tag and status among what the search
 *   finds, each facet under every filter but its own, and only what the actor may read.
 */
export async function searchItems(
  { db, authorizer }: Pick<AtlasDeps, 'db' | 'authorizer'>,
  input: SearchItemsInput,
  actor: Actor,
): Promise<SearchItemsResult> {
  if (!authorizer.canBrowse(actor)) throw new UnauthenticatedError('sign in to search the catalog');
  if ((input.status === 'deleted' || input.status === 'invalid') && !authorizer.isAdmin(actor)) {
    throw new ForbiddenError(`only administrators list ${input.status} items`);
  }
  if (input.q !== undefined && input.q.length > 200) {
    throw new ValidationError({ path: 'q', message: 'must be at most 200 characters' });
  }
  const [team, owner] = await Promise.all([
    input.team ? db.teams.findBySlug(input.team) : undefined,
    input.owner ? db.users.findByUsername(input.owner) : undefined,
  ]);
  if ((input.team && !team) || (input.owner && !owner)) {
    return input.facets ? { items: [], facets: NO_FACETS } : { items: [] };
  }
  const query: ItemSearch = {
    q: input.q,
    kind: input.kind,
    namespace: input.namespace,
    teamId: team?.id,
    tag: input.tag,
    ownerUserId: owner?.id,
    status: input.status,
    sort: input.sort ?? 'relevance',
    limit: input.limit,
    cursor: input.cursor,
    viewer: authorizer.viewerOf(actor),
  };
  return input.facets ? db.items.searchWithFacets(query) : db.items.search(query);
}
