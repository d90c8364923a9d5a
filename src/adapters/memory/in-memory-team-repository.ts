import type { Team, TeamMember, TeamMembership, TeamRole, UserTeam } from '../../domain/accounts/team.ts';
import type { TeamRepository } from '../../domain/accounts/team-repository.ts';
import { decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import { ConflictError, NotFoundError } from '../../domain/errors.ts';
import type { Page, PageRequest } from '../../domain/page.ts';
import { copy, type InMemoryState, lower, pageOf } from './in-memory-state.ts';

export class InMemoryTeamRepository implements TeamRepository {
  constructor(private readonly state: InMemoryState) {}

  async insert(team: Team): Promise<void> {
    const s = this.state;
    if (s.teams.has(team.id)) throw new ConflictError(`team ${team.id} already exists`);
    if (s.namespaces.has(lower(team.slug))) throw new ConflictError(`the name "${team.slug}" is taken`);
    s.teams.set(team.id, copy(team));
    s.namespaces.set(lower(team.slug), { name: lower(team.slug), kind: 'team', teamId: team.id });
  }

  async update(team: Team): Promise<void> {
    const existing = this.state.teams.get(team.id);
    if (!existing) throw new NotFoundError(`team ${team.id} not found`);
    if (lower(existing.slug) !== lower(team.slug)) throw new ConflictError('a team slug cannot be changed');
    this.state.teams.set(team.id, copy(team));
  }

  async findById(id: string) {
    const t = this.state.teams.get(id);
    return t && copy(t);
  }

  async findBySlug(slug: string) {
    const t = this.state.teams.values().find((x) => lower(x.slug) === lower(slug));
    return t && copy(t);
  }

  async list({ limit, cursor }: PageRequest): Promise<Page<Team>> {
    const after = cursor === undefined ? undefined : String(decodeCursor('teams', cursor, 1)[0]);
    const sorted = this.state.teams
      .values()
      .filter((t) => after === undefined || t.slug > after)
      .sort((a, b) => (a.slug < b.slug ? -1 : 1));
    return pageOf(sorted.map(copy), limit, (last) => encodeCursor('teams', [last.slug]));
  }

  async delete(id: string): Promise<void> {
    const s = this.state;
    const team = s.teams.get(id);
    if (!team) throw new NotFoundError(`team ${id} not found`);
    if (s.items.values().some((i) => i.teamId === id)) {
      throw new ConflictError(`team "${team.slug}" still owns items; move or remove them first`);
    }
    s.teams.delete(id);
    s.namespaces.delete(lower(team.slug));
    for (const [key, m] of s.memberships.entries()) if (m.teamId === id) s.memberships.delete(key);
  }

  async putMember(membership: TeamMembership): Promise<void> {
    const s = this.state;
    if (!s.teams.has(membership.teamId)) throw new NotFoundError(`team ${membership.teamId} not found`);
    if (!s.users.has(membership.userId)) throw new NotFoundError(`user ${membership.userId} not found`);
    const key = `${membership.teamId}/${membership.userId}`;
    const existing = s.memberships.get(key);
    if (existing?.role === 'owner' && membership.role !== 'owner') this.#keepAnOwner(membership.teamId);
    s.memberships.set(key, copy({ ...membership, createdAt: existing?.createdAt ?? membership.createdAt }));
  }

  async removeMember(teamId: string, userId: string): Promise<boolean> {
    const key = `${teamId}/${userId}`;
    if (this.state.memberships.get(key)?.role === 'owner') this.#keepAnOwner(teamId);
    return this.state.memberships.delete(key);
  }

  /** Called before an owner stops being one. */
  #keepAnOwner(teamId: string) {
    const owners = this.state.memberships.values().filter((m) => m.teamId === teamId && m.role === 'owner');
    if (owners.length <= 1)
      throw new ConflictError('a team must keep at least one owner; make someone else owner first');
  }

  async findMembership(teamId: string, userId: string) {
    const m = this.state.memberships.get(`${teamId}/${userId}`);
    return m && copy(m);
  }

  async listMembers(teamId: string): Promise<TeamMember[]> {
    const s = this.state;
    return s.memberships
      .values()
      .filter((m) => m.teamId === teamId)
      .map((m) => {
        const user = s.users.get(m.userId)!;
        return copy({ ...m, username: user.username, displayName: user.displayName });
      })
      .sort((a, b) => (a.username < b.username ? -1 : 1));
  }

  async listTeamsOf(userId: string): Promise<UserTeam[]> {
    const s = this.state;
    return s.memberships
      .values()
      .filter((m) => m.userId === userId)
      .map((m) => copy({ team: s.teams.get(m.teamId)!, role: m.role }))
      .sort((a, b) => (a.team.slug < b.team.slug ? -1 : 1));
  }

  async countMembers(teamId: string, role?: TeamRole): Promise<number> {
    return this.state.memberships.values().filter((m) => m.teamId === teamId && (role === undefined || m.role === role))
      .length;
  }
}
