import type { Actor } from '../../domain/accounts/actor.ts';
import type { User } from '../../domain/accounts/user.ts';
import { UnauthenticatedError, ValidationError } from '../../domain/errors.ts';
import { auditEntry } from '../audit.ts';
import type { AtlasDeps } from '../deps.ts';
import { issueToken } from './issue-token.ts';

export interface LoginUserInput {
  /** Email or username. */
  readonly login: string;
  readonly password: string;
}

/**
 * Signs in with email or username and password, and returns a session token.
 * - an unknown account and a wrong password get the same answer, after the same work: an unknown
 *   account is checked against a dummy hash;
 * - failures count against the account, whichever of its email or username was typed, and against
 *   the account from this address: first they slow every attempt on the account down (RateLimitedError
 *   until the wait is over, before any password is checked), then they lock this address out of it
 *   for a while; an address the account signed in from lately is spared the account's wait (see
 *   LoginThrottle);
 * - failures are audited without the password.
 */
export async function loginUser(
  {
    db,
    clock,
    passwords,
    accounts,
    loginThrottle,
  }: Pick<AtlasDeps, 'db' | 'clock' | 'passwords' | 'accounts' | 'loginThrottle'>,
  input: LoginUserInput,
  actor: Actor,
): Promise<{ user: User; token: string }> {
  if (typeof input.login !== 'string' || input.login.trim() === '' || typeof input.password !== 'string') {
    throw new ValidationError({ path: 'login', message: 'login and password are required' });
  }
  const login = input.login.trim();
  const user = login.includes('@') ? await db.users.findByEmail(login) : await db.users.findByUsername(login);
  // An unknown login is throttled like an account, so that throttling does not tell the two apart.
  const account = user ? `user:${user.id}` : `login:${login.toLowerCase()}`;
  loginThrottle.check(account, actor.ip, clock.now());
  const ok = await passwords.verify(user?.passwordHash ?? (await passwords.dummyHash), input.password);
  const now = clock.now();
  if (!user?.passwordHash || !ok) {
    loginThrottle.failed(account, actor.ip, now);
    await db.audit.append(auditEntry(actor, now, 'auth.login_failed', `login/${login.slice(0, 100)}`));
    throw new UnauthenticatedError('wrong login or password');
  }
  loginThrottle.succeeded(account, actor.ip, now);
  return db.transaction(async (tx) => {
    const { token, secret } = issueToken(
      user.id,
      'session',
      'login',
      now,
      new Date(now.getTime() + accounts.sessionTtlMs),
    );
    await tx.tokens.insert(token);
    await tx.audit.append(
      auditEntry({ ...actor, user }, now, 'auth.login', `user/${user.username}`, { tokenId: token.id }),
    );
    return { user, token: secret };
  });
}
