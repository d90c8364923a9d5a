import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import { UnauthenticatedError } from '../../domain/errors.ts';
import { createInMemoryDeps } from '../../testing/in-memory-deps.ts';
import { ManualClock, signUp } from '../testing/use-case-helpers.ts';
import { createToken } from './create-token.ts';
import { listTokens } from './list-tokens.ts';
import { revokeToken } from './revoke-token.ts';

describe('listTokens', () => {
  it("lists the signed-in user's tokens, sessions and revoked ones included, newest first, and no one else's", async () => {
    const clock = new ManualClock();
    const deps = createInMemoryDeps({}, { clock });
    const alice = await signUp(deps, 'alice');
    const bob = await signUp(deps, 'bob');
    clock.advance(1000);
    const ci = await createToken(deps, { name: 'ci' }, alice);
    clock.advance(1000);
    const laptop = await createToken(deps, { name: 'laptop' }, alice);
    await createToken(deps, { name: 'bobs' }, bob);
    await revokeToken(deps, ci.token.id, alice);

    const tokens = await listTokens(deps, alice);
    expect(tokens.map((t) => t.id)).toEqual([laptop.token.id, ci.token.id, alice.tokenId]);
    expect(tokens.map((t) => t.kind)).toEqual(['personal', 'personal', 'session']);
    expect(tokens[1]?.revokedAt).toEqual(clock.now());
  });

  it('refuses an anonymous caller with UnauthenticatedError', async () => {
    const deps = createInMemoryDeps();
    await expect(listTokens(deps, anonymous())).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});
