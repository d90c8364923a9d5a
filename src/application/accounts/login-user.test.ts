import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import { RateLimitedError, UnauthenticatedError, ValidationError } from '../../domain/errors.ts';
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

  describe('after failures', () => {
    const attempt = (deps: Awaited<ReturnType<typeof setUp>>['deps'], login: string, password: string, ip: string) =>
      loginUser(deps, { login, password }, anonymous(ip)).catch((e: unknown) => e);

    it('counts them against the account whether the username or the email was typed, and slows it down', async () => {
      const { clock, deps } = await setUp();
      for (const [login, ip] of [
        ['alice', '198.51.100.1'],
        ['ALICE@example.com', '198.51.100.2'],
        ['alice', '198.51.100.3'],
      ] as const) {
        expect(await attempt(deps, login, 'wrong horse battery', ip)).toBeInstanceOf(UnauthenticatedError);
      }
      // Three failures through either spelling: the next attempt on the account waits a second, even
      // with the right password and from a fresh address, and the password is not even checked.
      const early = await attempt(deps, 'alice@example.com', PASSWORD, '198.51.100.4');
      expect(early).toBeInstanceOf(RateLimitedError);
      expect((early as RateLimitedError).retryAt).toEqual(new Date(clock.now().getTime() + 1000));
      clock.advance(1000);
      expect(await attempt(deps, 'alice', 'wrong horse battery', '198.51.100.4')).toBeInstanceOf(UnauthenticatedError);
      clock.advance(1000);
      // Each failure doubles the wait.
      expect(await attempt(deps, 'alice', PASSWORD, '198.51.100.4')).toBeInstanceOf(RateLimitedError);
      clock.advance(1000);
      expect(
        (await loginUser(deps, { login: 'alice', password: PASSWORD }, anonymous('198.51.100.4'))).user.username,
      ).toBe('alice');
      // Another account is not slowed down by alice's failures.
      expect(await attempt(deps, 'ada', PASSWORD, '198.51.100.1')).not.toBeInstanceOf(Error);
    });

    it('locks out the address that keeps failing, never the real user elsewhere', async () => {
      const { clock, deps } = await setUp();
      // The real user signed in from home once.
      await loginUser(deps, { login: 'alice', password: PASSWORD }, anonymous(IP));
      const attacker = '192.0.2.66';
      let failures = 0;
      while (failures < 10) {
        const result = await attempt(deps, 'alice', `guess number ${failures}`, attacker);
        if (result instanceof RateLimitedError) clock.advance(result.retryAt.getTime() - clock.now().getTime());
        else {
          expect(result).toBeInstanceOf(UnauthenticatedError);
          failures++;
        }
        // From home, the user is never kept waiting by the attacker's failures.
        expect(await attempt(deps, 'alice', PASSWORD, IP)).not.toBeInstanceOf(Error);
      }
      clock.advance(60_000);
      // Slowed down and then locked: the attacker's address waits out the lock, right password or not.
      const locked = await attempt(deps, 'alice', PASSWORD, attacker);
      expect(locked).toBeInstanceOf(RateLimitedError);
      expect((locked as RateLimitedError).message).toMatch(/from this address/);
      // The real user on a new network waits at most the longest slow-down, then signs in.
      const traveller = '203.0.113.200';
      const slowed = await attempt(deps, 'alice', PASSWORD, traveller);
      if (slowed instanceof RateLimitedError) clock.advance(slowed.retryAt.getTime() - clock.now().getTime());
      expect((await loginUser(deps, { login: 'alice', password: PASSWORD }, anonymous(traveller))).user.username).toBe(
        'alice',
      );
      clock.advance(15 * 60_000);
      expect((await loginUser(deps, { login: 'alice', password: PASSWORD }, anonymous(attacker))).user.username).toBe(
        'alice',
      );
    });
  });
});
