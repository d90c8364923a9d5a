import type { Actor } from '../../domain/accounts/actor.ts';
import type { ItemSummary } from '../../domain/catalog/item-repository.ts';
import type { Viewer } from '../../domain/catalog/viewer.ts';
import { NotFoundError, UnauthenticatedError } from '../../domain/errors.ts';
import { catalogRevision } from '../catalog/skill-index.ts';
import type { AtlasDeps } from '../deps.ts';
import type { StoredSkill } from './plugin-repository.ts';

/** Which skills a marketplace offers: the whole catalog or one team's, optionally only one namespace (a plugin). */
export interface MarketplaceScope {
  /** A team slug. */
  readonly team?: string;
  readonly namespace?: string;
}

const PAGE = 1000;

/**
 * The active skills of a scope that the actor may read, by namespace then name. The read rule is the REST API's
 * (pushed into the query): a team-only skill is there for the team's members and for nobody else; an anonymous
 * actor without public read is asked to sign in (UnauthenticatedError); an unknown team is NotFoundError.
 */
export async function listMarketplaceSkills(
  deps: Pick<AtlasDeps, 'db' | 'authorizer'>,
  scope: MarketplaceScope,
  actor: Actor,
): Promise<StoredSkill[]> {
  const { db, authorizer } = deps;
  if (!authorizer.canBrowse(actor)) throw new UnauthenticatedError('sign in to read the marketplaces');
  let teamId: string | undefined;
  if (scope.team !== undefined) {
    const team = await db.teams.findBySlug(scope.team.toLowerCase());
    if (!team) throw new NotFoundError(`no team ${scope.team}`);
    teamId = team.id;
  }
  return listSkillsAs(deps, authorizer.viewerOf(actor), { teamId, namespace: scope.namespace });
}

/**
 * Every active skill one viewer may see, for the marketplace branch: `{kind: 'anonymous'}` is the org-visible
 * skills only, whatever the public-read setting.
 */
export async function listSkillsAs(
  { db }: Pick<AtlasDeps, 'db'>,
  viewer: Viewer,
  filter: { readonly teamId?: string; readonly namespace?: string } = {},
): Promise<StoredSkill[]> {
  const skills: StoredSkill[] = [];
  let cursor: string | undefined;
  do {
    const page = await db.items.search({
      kind: 'skill',
      status: 'active',
      teamId: filter.teamId,
      namespace: filter.namespace,
      sort: 'name',
      limit: PAGE,
      cursor,
      viewer,
    });
    for (const item of page.items) skills.push(storedSkillOf(item));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return skills;
}

function storedSkillOf(item: ItemSummary): StoredSkill {
  return {
    namespace: item.namespace,
    name: item.name,
    description: item.description,
    treeSha: item.treeSha,
    updatedAt: item.updatedAt,
    gitPath: item.gitPath,
    commitSha: item.commitSha,
  };
}

/**
 * What decides the skills an actor sees in a marketplace, at the catalog's current revision: who they are, whether
 * they are an administrator, their teams, and the skill rows (the revision changes with any of them). Two requests
 * with the same view list the same skills, so a listing built for one serves the other. Costs the revision's three
 * one-row reads and, for a signed-in actor, one read of their teams.
 */
export async function marketplaceView(deps: Pick<AtlasDeps, 'db'>, actor: Actor): Promise<string> {
  const user = actor.user;
  const [revision, teams] = await Promise.all([
    catalogRevision(deps),
    user ? deps.db.teams.listTeamsOf(user.id) : Promise.resolve([]),
  ]);
  if (!user) return `anonymous@${revision}`;
  const ids = teams.map((membership) => membership.team.id).sort();
  return `${user.id}:${user.isAdmin ? 'admin' : 'user'}:${ids.join(',')}@${revision}`;
}
