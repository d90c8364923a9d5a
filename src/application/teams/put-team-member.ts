import type { Actor } from '../../domain/accounts/actor.ts';
import { TEAM_ROLES, type TeamMember, type TeamRole } from '../../domain/accounts/team.ts';
import { ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError } from '../../domain/errors.ts';
import { auditEntry } from '../audit.ts';
import type { AtlasDeps } from '../deps.ts';
import { findTeamOrThrow } from './find-team.ts';

/**
 * Adds a user to a team or changes their role.
 * - only the team's owners (and site admins) manage members;
 * - demoting the last owner is ConflictError: a team always keeps one.
 */
export async function putTeamMember(
  { db, clock, authorizer }: Pick<AtlasDeps, 'db' | 'clock' | 'authorizer'>,
  input: { slug: string; username: string; role: string },
  actor: Actor,
): Promise<TeamMember> {
  if (!actor.user) throw new UnauthenticatedError('sign in first');
  if (!(TEAM_ROLES as readonly string[]).includes(input.role)) {
    throw new ValidationError({ path: 'role', message: `must be one of ${TEAM_ROLES.join(', ')}` });
  }
  const role = input.role as TeamRole;
  const team = await findTeamOrThrow(db.teams, input.slug);
  if (!(await authorizer.canManageTeam(actor, team))) {
    throw new ForbiddenError(`only owners of team "${team.slug}" manage its members`);
  }
  const user = await db.users.findByUsername(input.username);
  if (!user) throw new NotFoundError(`no user "${input.username}"`);
  const now = clock.now();
  await db.transaction(async (tx) => {
    const before = await tx.teams.findMembership(team.id, user.id);
    await tx.teams.putMember({ teamId: team.id, userId: user.id, role, createdAt: now });
    await tx.audit.append(
      auditEntry(actor, now, 'team.member.put', `team/${team.slug}`, {
        username: user.username,
        role,
        previousRole: before?.role ?? null,
      }),
    );
  });
  const member = (await db.teams.listMembers(team.id)).find((m) => m.userId === user.id);
  if (!member) throw new NotFoundError(`no user "${input.username}"`);
  return member;
}
