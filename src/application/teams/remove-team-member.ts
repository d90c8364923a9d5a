import type { Actor } from '../../domain/accounts/actor.ts';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../../domain/errors.ts';
import { auditEntry } from '../audit.ts';
import type { AtlasDeps } from '../deps.ts';
import { findTeamOrThrow } from './find-team.ts';

/**
 * Removes a user from a team.
 * - owners (and site admins) remove anyone; every member may leave;
 * - the last owner cannot leave or be removed (ConflictError).
 */
export async function removeTeamMember(
  { db, clock, authorizer }: Pick<AtlasDeps, 'db' | 'clock' | 'authorizer'>,
  input: { slug: string; username: string },
  actor: Actor,
): Promise<void> {
  if (!actor.user) throw new UnauthenticatedError('sign in first');
  const team = await findTeamOrThrow(db.teams, input.slug);
  const user = await db.users.findByUsername(input.username);
  const leaving = user?.id === actor.user.id;
  if (!leaving && !(await authorizer.canManageTeam(actor, team))) {
    throw new ForbiddenError(`only owners of team "${team.slug}" manage its members`);
  }
  if (!user) throw new NotFoundError(`no user "${input.username}"`);
  const now = clock.now();
  await db.transaction(async (tx) => {
    if (!(await tx.teams.removeMember(team.id, user.id))) {
      throw new NotFoundError(`"${user.username}" is not a member of team "${team.slug}"`);
    }
    await tx.audit.append(
      auditEntry(actor, now, 'team.member.remove', `team/${team.slug}`, { username: user.username }),
    );
  });
}
