import type { Page, PageRequest } from '../page.ts';
import type { Team, TeamMember, TeamMembership, TeamRole, UserTeam } from './team.ts';

/** Teams and their memberships. Returned objects are copies. */
export interface TeamRepository {
  /** Claims the slug in the shared namespace space. @throws ConflictError when a team or user holds it. */
  insert(team: Team): Promise<void>;
  /** @throws NotFoundError when no such team. */
  update(team: Team): Promise<void>;
  findById(id: string): Promise<Team | undefined>;
  /** Case-insensitive. */
  findBySlug(slug: string): Promise<Team | undefined>;
  /** Ordered by slug. */
  list(page: PageRequest): Promise<Page<Team>>;
  /**
   * Removes the team, its memberships and its namespace.
   * @throws NotFoundError when no such team; ConflictError while the team still owns items.
   */
  delete(id: string): Promise<void>;

  /**
   * Adds a member or changes their role. A team that has an owner keeps one: demoting its last
   * owner is refused, atomically, even against a concurrent change.
   * @throws NotFoundError when the team or user does not exist; ConflictError for the last owner.
   */
  putMember(membership: TeamMembership): Promise<void>;
  /**
   * @returns false when the user was not a member.
   * @throws ConflictError when they are the team's last owner.
   */
  removeMember(teamId: string, userId: string): Promise<boolean>;
  findMembership(teamId: string, userId: string): Promise<TeamMembership | undefined>;
  /** Ordered by username. */
  listMembers(teamId: string): Promise<TeamMember[]>;
  /** Ordered by team slug. */
  listTeamsOf(userId: string): Promise<UserTeam[]>;
  countMembers(teamId: string, role?: TeamRole): Promise<number>;
}
