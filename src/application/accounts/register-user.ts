import type { Actor } from '../../domain/accounts/actor.ts';
import type { User } from '../../domain/accounts/user.ts';
import { ForbiddenError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { auditEntry } from '../audit.ts';
import type { AtlasDeps } from '../deps.ts';
import { revisitNamespace } from '../sync/revisit-namespace.ts';
import { type AccountInput, parseAccountInput } from './account-input.ts';
import { issueToken } from './issue-token.ts';

export type RegisterUserInput = AccountInput;

/**
 * Creates an account and signs it in.
 * - with closed registration only the very first account may register this way;
 * - the first account on an empty instance becomes site admin (exactly one, even when two race);
 * - every problem of the input is reported at once; a taken email or username is ConflictError;
 * - the password is hashed with argon2id before anything is written; it is never logged or audited.
 */
export async function registerUser(
  deps: Pick<AtlasDeps, 'db' | 'clock' | 'passwords' | 'accounts' | 'jobSignal' | 'syncSettings'>,
  input: RegisterUserInput,
  actor: Actor,
): Promise<{ user: User; token: string }> {
  const { db, clock, passwords, accounts } = deps;
  const fields = parseAccountInput(input);
  if (accounts.registration === 'closed' && (await db.users.count()) > 0) {
    throw new ForbiddenError('registration is closed on this Atlas; ask an administrator to create your account');
  }
  const passwordHash = await passwords.hash(fields.password);
  const now = clock.now();
  const registered = await db.transaction(async (tx) => {
    const user = await tx.users.insert(
      {
        id: newId(now.getTime()),
        email: fields.email,
        username: fields.username,
        displayName: fields.displayName,
        passwordHash,
        isAdmin: false,
        createdAt: now,
        updatedAt: now,
      },
      { adminIfFirst: true },
    );
    // A race with another first registration on a closed instance: only the admin may stay.
    if (accounts.registration === 'closed' && !user.isAdmin) {
      throw new ForbiddenError('registration is closed on this Atlas; ask an administrator to create your account');
    }
    const { token, secret } = issueToken(
      user.id,
      'session',
      'registration',
      now,
      new Date(now.getTime() + accounts.sessionTtlMs),
    );
    await tx.tokens.insert(token);
    const self = { ...actor, user };
    await tx.audit.append(auditEntry(self, now, 'user.register', `user/${user.username}`, { admin: user.isAdmin }));
    return { user, token: secret, revisit: await revisitNamespace(tx, deps, user.username) };
  });
  if (registered.revisit) deps.jobSignal.notify();
  return { user: registered.user, token: registered.token };
}
