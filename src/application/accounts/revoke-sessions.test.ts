import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import { UnauthenticatedError } from '../../domain/errors.ts';
import { createInMemoryDeps } from '../../testing/in-memory-deps.ts';
import { atlasState, auditTrail, IP, ManualClock, PASSWORD, signUp } from '../testing/use-case-helpers.ts';
import { authenticate } from './authenticate.ts';
import { createToken } from './create-token.ts';
import { loginUser } from './login-user.ts';
import { revokeSessions } from './revoke-sessions.ts';

describe('revokeSessions', () => {
  it("revokes every one of the user's sessions at once, cached ones included, and keeps API tokens", async () => {
    const clock = new ManualClock();
    const deps = createInMemoryDeps({}, { clock });
    const alice = await signUp(deps, 'alice');
    const bob = await signUp(deps, 'bob');
    const laptop = await loginUser(deps, { login: 'alice', password: PASSWORD }, anonymous(IP));
    const pat = await createToken(deps, { name: 'ci' }, alice);
    // Resolved a moment ago, so the token cache holds them.
    const actor = await authenticate(deps, alice.secret, '192.0.2.1');
    await authenticate(deps, laptop.token, null);

    expect(await revokeSessions(deps, actor)).toBe(2);

    for (const secret of [alice.secret, laptop.token]) {
      await expect(authenticate(deps, secret, null)).rejects.toBeInstanceOf(UnauthenticatedError);
    }
    expect((await authenticate(deps, pat.secret, null)).user?.username).toBe('alice');
    expect((await authenticate(deps, bob.secret, null)).user?.username).toBe('bob');
    const [entry] = await auditTrail(deps, 'auth.logout_everywhere');
    expect(entry).toMatchObject({
      actorName: 'alice',
      target: 'user/alice',
      details: { sessions: 2 },
      ip: '192.0.2.1',
    });
  });

  it('refuses an anonymous caller with UnauthenticatedError and changes nothing', async () => {
    const deps = createInMemoryDeps();
    await signUp(deps, 'alice');
    const before = await atlasState(deps);
    await expect(revokeSessions(deps, anonymous())).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(await atlasState(deps)).toEqual(before);
  });
});
