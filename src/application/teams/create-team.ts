import type { Actor } from '../../domain/accounts/actor.ts';
import type { Team } from '../../domain/accounts/team.ts';
import { toTeamSlug } from '../../domain/accounts/team-slug.ts';
import { collectProblems, UnauthenticatedError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { requireStorableText } from '../../domain/manifests/json-safe.ts';
import { invalid } from '../../domain/value.ts';
import { auditEntry } from '../audit.ts';
import type { AtlasDeps } from '../deps.ts';
import { revisitNamespace } from '../sync/revisit-namespace.ts';

export interface CreateTeamInput {
  readonly slug: unknown;
  readonly name: unknown;
  readonly description?: unknown;
}

const text = (value: unknown, where: string, min: number, max: number): string => {
  if (typeof value !== 'string') invalid(where, 'must be a string');
  requireStorableText(value, where);
  const trimmed = value.trim().normalize('NFC');
  if (trimmed.length < min || trimmed.length > max) invalid(where, `must be ${min}-${max} characters`);
  return trimmed;
};

/**
 * Creates a team; its creator becomes its owner.
 * - name and description are text PostgreSQL can store (no NUL, no lone surrogate);
 * - the slug takes a name in the space shared with usernames: a taken one is ConflictError;
 * - team, membership and audit entry are written in one transaction;
 * - folders already in git under that name, recorded as invalid for want of an owner, are queued for sync.
 */
export async function createTeam(
  deps: Pick<AtlasDeps, 'db' | 'clock' | 'jobSignal' | 'syncSettings'>,
  input: CreateTeamInput,
  actor: Actor,
): Promise<Team> {
  const { db, clock } = deps;
  if (!actor.user) throw new UnauthenticatedError('sign in first');
  const fields = collectProblems({
    slug: () => toTeamSlug(input.slug),
    name: () => text(input.name, 'name', 1, 100),
    description: () => (input.description === undefined ? '' : text(input.description, 'description', 0, 1000)),
  });
  const now = clock.now();
  const team: Team = { id: newId(now.getTime()), ...fields, createdAt: now, updatedAt: now };
  const owner = actor.user;
  const revisit = await db.transaction(async (tx) => {
    await tx.teams.insert(team);
    await tx.teams.putMember({ teamId: team.id, userId: owner.id, role: 'owner', createdAt: now });
    await tx.audit.append(auditEntry(actor, now, 'team.create', `team/${team.slug}`, { name: team.name }));
    return revisitNamespace(tx, deps, team.slug);
  });
  if (revisit) deps.jobSignal.notify();
  return team;
}
