import type { Actor } from '../../domain/accounts/actor.ts';
import type { User } from '../../domain/accounts/user.ts';
import { ForbiddenError, UnauthenticatedError, ValidationError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { auditEntry } from '../audit.ts';
import type { AtlasDeps } from '../deps.ts';
import { revisitNamespace } from '../sync/revisit-namespace.ts';
import { type AccountInput, parseAccountInput } from './account-input.ts';

export interface CreateUserInput extends AccountInput {
  readonly isAdmin?: unknown;
}

/** An administrator creates an account (how accounts are made when registration is closed). */
export async function createUser(
  deps: Pick<AtlasDeps, 'db' | 'clock' | 'passwords' | 'authorizer' | 'jobSignal' | 'syncSettings'>,
  input: CreateUserInput,
  actor: Actor,
): Promise<User> {
  const { db, clock, passwords, authorizer } = deps;
  if (!actor.user) throw new UnauthenticatedError('sign in first');
  if (!authorizer.isAdmin(actor)) throw new ForbiddenError('only administrators create accounts');
  const fields = parseAccountInput(input);
  if (input.isAdmin !== undefined && typeof input.isAdmin !== 'boolean') {
    throw new ValidationError({ path: 'isAdmin', message: 'must be true or false' });
  }
  const passwordHash = await passwords.hash(fields.password);
  const now = clock.now();
  const created = await db.transaction(async (tx) => {
    const user = await tx.users.insert({
      id: newId(now.getTime()),
      email: fields.email,
      username: fields.username,
      displayName: fields.displayName,
      passwordHash,
      isAdmin: input.isAdmin === true,
      createdAt: now,
      updatedAt: now,
    });
    await tx.audit.append(auditEntry(actor, now, 'user.create', `user/${user.username}`, { admin: user.isAdmin }));
    return { user, revisit: await revisitNamespace(tx, deps, user.username) };
  });
  if (created.revisit) deps.jobSignal.notify();
  return created.user;
}
