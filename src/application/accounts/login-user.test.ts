import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import { UnauthenticatedError, ValidationError } from '../../domain/errors.ts';
import { buildUser } from '../../domain/testing/builders.ts';
import { createInMemoryDeps } from '../../testing/in-memory-deps.ts';
import { auditTrail, IP, ManualClock, PASSWORD, signUp } from '../testing/use-case-helpers.ts';
import { authenticate } from './authenticate.ts';
import { loginUser } from './login-user.ts';

async function setUp() {
  const clock = new ManualClock();
  const deps = createInMemoryDeps({}, { clock });
  await signUp(deps, 'ada');
  const alice = await signUp(deps, 'alice');
  return { clock, deps, alice };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UnauthenticatedError);
  return (error as Error).message;
}

describe('loginUser', () => {
  it('signs in with a username and returns a new session token that lasts the session lifetime', async () => {
    const { clock, deps, alice } = await setUp();
    const { user, token } = await loginUser(deps, { login: 'alice', password: PASSWORD }, anonymous(IP));
    expect(user.id).toBe(alice.user.id);

    const actor = await authenticate(deps, token, IP);
    expect(actor.user?.id).toBe(alice.user.id);
    const session = await deps.db.tokens.findById(actor.tokenId!);
    expect(session).toMatchObject({
      kind: 'session',
      name: 'login',
      expiresAt: new Date(clock.now().getTime() + deps.accounts.sessionTtlMs),
    });
    const [entry] = await auditTrail(deps, 'auth.login');
    expect(entry).toMatchObject({
      actorId: alice.user.id,
      target: 'user/alice',
      ip: IP,
      details: { tokenId: session?.id },
    });
  });

  it('signs in with an email address, in any case', async () => {
    const { deps, alice } = await setUp();
    const { user } = await loginUser(deps, { login: ' ALICE@example.com ', password: PASSWORD }, anonymous());
    expect(user.id).toBe(alice.user.id);
  });

  it('answers an unknown account and a wrong password alike, with UnauthenticatedError and no token', async () => {
    const { deps, alice } = await setUp();
    const tokensBefore = await deps.db.tokens.listByUser(alice.user.id);
    const unknown = await refusal(loginUser(deps, { login: 'nobody', password: PASSWORD }, anonymous()));
    const wrong = await refusal(loginUser(deps, { login: 'alice', password: 'not the password' }, anonymous()));
    expect(unknown).toBe(wrong);
    expect(await deps.db.tokens.listByUser(alice.user.id)).toEqual(tokensBefore);
  });

  it('audits each failure with the login tried and never the password', async () => {
    const { deps } = await setUp();
    await refusal(loginUser(deps, { login: 'alice', password: 'wrong horse battery' }, anonymous(IP)));
    const failures = await auditTrail(deps, 'auth.login_failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ actorId: null, target: 'login/alice', ip: IP });
    expect(JSON.stringify(failures)).not.toContain('wrong horse battery');
    expect(await auditTrail(deps, 'auth.login')).toHaveLength(0);
  });

  it('refuses an account that has no password with UnauthenticatedError', async () => {
    const { deps } = await setUp();
    await deps.db.users.insert(buildUser({ username: 'robot', passwordHash: null }));
    await refusal(loginUser(deps, { login: 'robot', password: PASSWORD }, anonymous()));
    expect(await auditTrail(deps, 'auth.login_failed')).toHaveLength(1);
  });

  it('refuses a missing login or password with ValidationError and audits nothing', async () => {
    const { deps } = await setUp();
    const before = await auditTrail(deps);
    for (const input of [
      { login: '  ', password: PASSWORD },
      { login: 'alice', password: undefined as unknown as string },
    ]) {
      const error = await loginUser(deps, input, anonymous()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).problems[0]?.path).toBe('login');
    }
    expect(await auditTrail(deps)).toEqual(before);
  });
});
