import { and, asc, count, eq, gt, sql } from 'drizzle-orm';
import type { Team, TeamMember, TeamMembership, TeamRole, UserTeam } from '../../domain/accounts/team.ts';
import type { TeamRepository } from '../../domain/accounts/team-repository.ts';
import type { TeamSlug } from '../../domain/accounts/team-slug.ts';
import { decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import { ConflictError, NotFoundError } from '../../domain/errors.ts';
import type { Page, PageRequest } from '../../domain/page.ts';
import type { Db } from './connection.ts';
import { catalogItems, namespaces, teamMemberships, teams, users } from './schema.ts';
import { translated } from './translate-error.ts';

type Row = typeof teams.$inferSelect;

const toTeam = (row: Row): Team => ({ ...row, slug: row.slug as TeamSlug });

export class PostgresTeamRepository implements TeamRepository {
  constructor(private readonly db: Db) {}

  insert(team: Team): Promise<void> {
    return translated(() =>
      this.db.transaction(async (tx) => {
        await tx.insert(namespaces).values({ name: team.slug.toLowerCase(), kind: 'team', createdAt: team.createdAt });
        await tx.insert(teams).values({ ...team, slug: team.slug.toLowerCase() });
      }),
    );
  }

  update(team: Team): Promise<void> {
    return translated(async () => {
      const existing = await this.findById(team.id);
      if (!existing) throw new NotFoundError(`team ${team.id} not found`);
      if (existing.slug !== team.slug.toLowerCase()) throw new ConflictError('a team slug cannot be changed');
      await this.db
        .update(teams)
        .set({ name: team.name, description: team.description, updatedAt: team.updatedAt })
        .where(eq(teams.id, team.id));
    });
  }

  async findById(id: string) {
    const [row] = await translated(() => this.db.select().from(teams).where(eq(teams.id, id)));
    return row && toTeam(row);
  }

  async findBySlug(slug: string) {
    const [row] = await translated(() => this.db.select().from(teams).where(eq(teams.slug, slug.toLowerCase())));
    return row && toTeam(row);
  }

  async list({ limit, cursor }: PageRequest): Promise<Page<Team>> {
    const after = cursor === undefined ? undefined : String(decodeCursor('teams', cursor, 1)[0]);
    const rows = await translated(() =>
      this.db
        .select()
        .from(teams)
        .where(after === undefined ? undefined : gt(sql`${teams.slug} collate "C"`, after))
        .orderBy(asc(sql`${teams.slug} collate "C"`))
        .limit(limit + 1),
    );
    const items = rows.slice(0, limit).map(toTeam);
    const last = items.at(-1);
    return rows.length > limit && last ? { items, nextCursor: encodeCursor('teams', [last.slug]) } : { items };
  }

  delete(id: string): Promise<void> {
    return translated(() =>
      this.db.transaction(async (tx) => {
        const [team] = await tx.select().from(teams).where(eq(teams.id, id)).for('update');
        if (!team) throw new NotFoundError(`team ${id} not found`);
        const [owned] = await tx.select({ n: count() }).from(catalogItems).where(eq(catalogItems.teamId, id));
        if (Number(owned?.n ?? 0) > 0) {
          throw new ConflictError(`team "${team.slug}" still owns items; move or remove them first`);
        }
        await tx.delete(teams).where(eq(teams.id, id));
        await tx.delete(namespaces).where(eq(namespaces.name, team.slug));
      }),
    );
  }

  putMember(membership: TeamMembership): Promise<void> {
    return translated(() =>
      this.db.transaction(async (tx) => {
        await lockTeam(tx, membership.teamId);
        const current = await currentRole(tx, membership.teamId, membership.userId);
        if (current === 'owner' && membership.role !== 'owner') await keepAnOwner(tx, membership.teamId);
        await tx
          .insert(teamMemberships)
          .values(membership)
          .onConflictDoUpdate({
            target: [teamMemberships.teamId, teamMemberships.userId],
            set: { role: membership.role },
          });
      }),
    );
  }

  removeMember(teamId: string, userId: string): Promise<boolean> {
    return translated(() =>
      this.db.transaction(async (tx) => {
        await lockTeam(tx, teamId);
        if ((await currentRole(tx, teamId, userId)) === 'owner') await keepAnOwner(tx, teamId);
        const removed = await tx
          .delete(teamMemberships)
          .where(and(eq(teamMemberships.teamId, teamId), eq(teamMemberships.userId, userId)))
          .returning({ userId: teamMemberships.userId });
        return removed.length > 0;
      }),
    );
  }

  async findMembership(teamId: string, userId: string) {
    const [row] = await translated(() =>
      this.db
        .select()
        .from(teamMemberships)
        .where(and(eq(teamMemberships.teamId, teamId), eq(teamMemberships.userId, userId))),
    );
    return row;
  }

  listMembers(teamId: string): Promise<TeamMember[]> {
    return translated(() =>
      this.db
        .select({
          teamId: teamMemberships.teamId,
          userId: teamMemberships.userId,
          role: teamMemberships.role,
          createdAt: teamMemberships.createdAt,
          username: users.username,
          displayName: users.displayName,
        })
        .from(teamMemberships)
        .innerJoin(users, eq(users.id, teamMemberships.userId))
        .where(eq(teamMemberships.teamId, teamId))
        .orderBy(asc(sql`${users.username} collate "C"`)),
    );
  }

  async listTeamsOf(userId: string): Promise<UserTeam[]> {
    const rows = await translated(() =>
      this.db
        .select({ team: teams, role: teamMemberships.role })
        .from(teamMemberships)
        .innerJoin(teams, eq(teams.id, teamMemberships.teamId))
        .where(eq(teamMemberships.userId, userId))
        .orderBy(asc(sql`${teams.slug} collate "C"`)),
    );
    return rows.map((r) => ({ team: toTeam(r.team), role: r.role }));
  }

  async countMembers(teamId: string, role?: TeamRole): Promise<number> {
    const [row] = await translated(() =>
      this.db
        .select({ n: count() })
        .from(teamMemberships)
        .where(and(eq(teamMemberships.teamId, teamId), role ? eq(teamMemberships.role, role) : undefined)),
    );
    return Number(row?.n ?? 0);
  }
}

/**
 * Membership changes of one team serialise on the team's row, so two owners demoting each other
 * at once cannot both see the other still in place.
 */
async function lockTeam(tx: Db, teamId: string): Promise<void> {
  await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId)).for('update');
}

async function currentRole(tx: Db, teamId: string, userId: string): Promise<TeamRole | undefined> {
  const [row] = await tx
    .select({ role: teamMemberships.role })
    .from(teamMemberships)
    .where(and(eq(teamMemberships.teamId, teamId), eq(teamMemberships.userId, userId)));
  return row?.role;
}

async function keepAnOwner(tx: Db, teamId: string): Promise<void> {
  const [row] = await tx
    .select({ n: count() })
    .from(teamMemberships)
    .where(and(eq(teamMemberships.teamId, teamId), eq(teamMemberships.role, 'owner')));
  if (Number(row?.n ?? 0) <= 1) {
    throw new ConflictError('a team must keep at least one owner; make someone else owner first');
  }
}
