import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import { UnauthenticatedError } from '../../domain/errors.ts';
import { createInMemoryDeps } from '../../testing/in-memory-deps.ts';
import { actorOf, atlasState, auditTrail, ManualClock, signUp } from '../testing/use-case-helpers.ts';
import { authenticate } from './authenticate.ts';
import { issueToken } from './issue-token.ts';
import { logoutUser } from './logout-user.ts';

describe('logoutUser', () => {
  it('revokes the token the request was made with at once, even one resolved a moment ago', async () => {
    const clock = new ManualClock();
    const deps = createInMemoryDeps({}, { clock });
    const alice = await signUp(deps, 'alice');
    const other = await signUp(deps, 'bob');
    const actor = await authenticate(deps, alice.secret, '192.0.2.1');

    await logoutUser(deps, actor);

    expect((await deps.db.tokens.findById(alice.tokenId))?.revokedAt).toEqual(clock.now());
    await expect(authenticate(deps, alice.secret, null)).rejects.toBeInstanceOf(UnauthenticatedError);
    expect((await authenticate(deps, other.secret, null)).user?.username).toBe('bob');
    const [entry] = await auditTrail(deps, 'auth.logout');
    expect(entry).toMatchObject({ actorName: 'alice', target: `token/${alice.tokenId}`, ip: '192.0.2.1' });
  });

  it('revokes only that token, not the user’s other sessions', async () => {
    const deps = createInMemoryDeps();
    const alice = await signUp(deps, 'alice');
    const second = issueToken(alice.user.id, 'session', 'login', new Date(), null);
    await deps.db.tokens.insert(second.token);

    await logoutUser(deps, alice);

    expect((await authenticate(deps, second.secret, null)).tokenId).toBe(second.token.id);
  });

  it('refuses a caller without a token with UnauthenticatedError and changes nothing', async () => {
    const deps = createInMemoryDeps();
    const alice = await signUp(deps, 'alice');
    const before = await atlasState(deps);
    await expect(logoutUser(deps, anonymous())).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(logoutUser(deps, actorOf(alice.user, null))).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(await atlasState(deps)).toEqual(before);
  });
});
