import type { Actor } from '../../domain/accounts/actor.ts';
import type { Authorizer } from '../../domain/accounts/authorizer.ts';
import type { Namespace } from '../../domain/accounts/namespace.ts';
import type { Team, TeamRole } from '../../domain/accounts/team.ts';
import type { TeamRepository } from '../../domain/accounts/team-repository.ts';
import type { CatalogItem } from '../../domain/catalog/catalog-item.ts';
import type { Viewer } from '../../domain/catalog/viewer.ts';

/**
 * Teams and roles (DESIGN.md section 7): everyone owns their personal namespace; team members
 * publish into the team and edit what they published; maintainers edit and delete any team item;
 * owners also manage members; site admins may do everything.
 */
export class RbacAuthorizer implements Authorizer {
  constructor(
    private readonly teams: Pick<TeamRepository, 'findMembership'>,
    private readonly options: { publicRead: boolean },
  ) {}

  isAdmin(actor: Actor): boolean {
    return actor.user?.isAdmin === true;
  }

  viewerOf(actor: Actor): Viewer {
    if (!actor.user) return { kind: 'anonymous' };
    return actor.user.isAdmin ? { kind: 'admin', userId: actor.user.id } : { kind: 'user', userId: actor.user.id };
  }

  canBrowse(actor: Actor): boolean {
    return actor.user !== null || this.options.publicRead;
  }

  async canReadItem(actor: Actor, item: CatalogItem): Promise<boolean> {
    if (!this.canBrowse(actor)) return false;
    if (this.isAdmin(actor) || item.visibility === 'org') return true;
    if (!actor.user) return false;
    if (item.teamId === null) return item.ownerUserId === actor.user.id;
    return (await this.#role(actor, item.teamId)) !== undefined;
  }

  async canPublish(actor: Actor, namespace: Namespace): Promise<boolean> {
    if (!actor.user) return false;
    if (this.isAdmin(actor)) return true;
    if (namespace.kind === 'user') return namespace.userId === actor.user.id;
    return (await this.#role(actor, namespace.teamId)) !== undefined;
  }

  async canEditItem(actor: Actor, item: CatalogItem): Promise<boolean> {
    if (!actor.user) return false;
    if (this.isAdmin(actor)) return true;
    if (item.teamId === null) return item.ownerUserId === actor.user.id;
    const role = await this.#role(actor, item.teamId);
    return role === 'owner' || role === 'maintainer' || (role === 'member' && item.ownerUserId === actor.user.id);
  }

  async canDeleteItem(actor: Actor, item: CatalogItem): Promise<boolean> {
    if (!actor.user) return false;
    if (this.isAdmin(actor)) return true;
    if (item.teamId === null) return item.ownerUserId === actor.user.id;
    const role = await this.#role(actor, item.teamId);
    return role === 'owner' || role === 'maintainer';
  }

  async canMaintainTeam(actor: Actor, teamId: string): Promise<boolean> {
    if (!actor.user) return false;
    if (this.isAdmin(actor)) return true;
    const role = await this.#role(actor, teamId);
    return role === 'owner' || role === 'maintainer';
  }

  async canManageTeam(actor: Actor, team: Team): Promise<boolean> {
    if (!actor.user) return false;
    return this.isAdmin(actor) || (await this.#role(actor, team.id)) === 'owner';
  }

  canManageUser(actor: Actor, userId: string): boolean {
    return actor.user !== null && (actor.user.id === userId || this.isAdmin(actor));
  }

  async #role(actor: Actor, teamId: string): Promise<TeamRole | undefined> {
    if (!actor.user) return undefined;
    return (await this.teams.findMembership(teamId, actor.user.id))?.role;
  }
}
