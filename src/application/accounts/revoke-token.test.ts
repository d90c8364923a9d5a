import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import { NotFoundError, UnauthenticatedError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { createInMemoryDeps } from '../../testing/in-memory-deps.ts';
import { atlasState, auditTrail, ManualClock, signUp } from '../testing/use-case-helpers.ts';
import { authenticate } from './authenticate.ts';
import { createToken } from './create-token.ts';
import { revokeToken } from './revoke-token.ts';

async function setUp() {
  const clock = new ManualClock();
  const deps = createInMemoryDeps({}, { clock });
  const admin = await signUp(deps, 'ada');
  const alice = await signUp(deps, 'alice');
  const bob = await signUp(deps, 'bob');
  const ci = await createToken(deps, { name: 'ci' }, alice);
  return { clock, deps, admin, alice, bob, ci };
}

describe('revokeToken', () => {
  it('lets a user revoke their own token, which stops working at once and is audited', async () => {
    const { clock, deps, alice, ci } = await setUp();
    await authenticate(deps, ci.secret, null); // now cached
    await revokeToken(deps, ci.token.id, alice);

    expect((await deps.db.tokens.findById(ci.token.id))?.revokedAt).toEqual(clock.now());
    await expect(authenticate(deps, ci.secret, null)).rejects.toBeInstanceOf(UnauthenticatedError);
    const [entry] = await auditTrail(deps, 'token.revoke');
    expect(entry).toMatchObject({ actorName: 'alice', target: `token/${ci.token.id}`, details: { name: 'ci' } });
  });

  it("lets an administrator revoke anyone's token", async () => {
    const { deps, admin, ci } = await setUp();
    await revokeToken(deps, ci.token.id, admin);
    expect((await deps.db.tokens.findById(ci.token.id))?.revokedAt).not.toBeNull();
    await expect(authenticate(deps, ci.secret, null)).rejects.toBeInstanceOf(UnauthenticatedError);
    expect((await auditTrail(deps, 'token.revoke'))[0]?.actorName).toBe('ada');
  });

  it("answers someone else's token with NotFoundError, exactly like a missing one, and changes nothing", async () => {
    const { deps, bob, ci } = await setUp();
    const before = await atlasState(deps);
    const theirs = await revokeToken(deps, ci.token.id, bob).catch((e: unknown) => e);
    const missing = await revokeToken(deps, newId(), bob).catch((e: unknown) => e);
    const malformed = await revokeToken(deps, 'not-an-id', bob).catch((e: unknown) => e);
    for (const error of [theirs, missing, malformed]) expect(error).toBeInstanceOf(NotFoundError);
    expect(await atlasState(deps)).toEqual(before);
    expect((await authenticate(deps, ci.secret, null)).user?.username).toBe('alice');
  });

  it('treats revoking twice as a no-op: the first revocation time and one audit entry stay', async () => {
    const { clock, deps, alice, ci } = await setUp();
    await revokeToken(deps, ci.token.id, alice);
    const revokedAt = clock.now();
    clock.advance(5000);
    await revokeToken(deps, ci.token.id, alice);
    expect((await deps.db.tokens.findById(ci.token.id))?.revokedAt).toEqual(revokedAt);
    expect(await auditTrail(deps, 'token.revoke')).toHaveLength(1);
  });

  it('refuses an anonymous caller with UnauthenticatedError', async () => {
    const { deps, ci } = await setUp();
    await expect(revokeToken(deps, ci.token.id, anonymous())).rejects.toBeInstanceOf(UnauthenticatedError);
    expect((await deps.db.tokens.findById(ci.token.id))?.revokedAt).toBeNull();
  });
});
