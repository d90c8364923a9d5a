import { describe, expect, it } from 'vitest';
import { UnauthenticatedError } from '../../domain/errors.ts';
import { createInMemoryDeps } from '../../testing/in-memory-deps.ts';
import { actorOf, ManualClock, signUp } from '../testing/use-case-helpers.ts';
import { authenticate } from './authenticate.ts';
import { createToken } from './create-token.ts';
import { revokeToken } from './revoke-token.ts';

async function setUp() {
  const clock = new ManualClock();
  const deps = createInMemoryDeps({}, { clock });
  await signUp(deps, 'ada');
  const alice = await signUp(deps, 'alice');
  return { clock, deps, alice };
}

/** The message every refused token gets, whatever the reason. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UnauthenticatedError);
  return (error as Error).message;
}

describe('authenticate', () => {
  it('resolves a session token to its user, token and address', async () => {
    const { deps, alice } = await setUp();
    const actor = await authenticate(deps, alice.secret, '198.51.100.1');
    expect(actor).toEqual({ user: alice.user, tokenId: alice.tokenId, scopes: ['full'], ip: '198.51.100.1' });
  });

  it('resolves a personal API token to its user', async () => {
    const { deps, alice } = await setUp();
    const { token, secret } = await createToken(deps, { name: 'ci' }, alice);
    const actor = await authenticate(deps, secret, null);
    expect(actor.user?.username).toBe('alice');
    expect(actor.tokenId).toBe(token.id);
  });

  it('refuses malformed, unknown, revoked and expired tokens with UnauthenticatedError, all with one message', async () => {
    const { clock, deps, alice } = await setUp();
    const expiring = await createToken(
      deps,
      { name: 'short', expiresAt: new Date(clock.now().getTime() + 60_000).toISOString() },
      alice,
    );
    const revoked = await createToken(deps, { name: 'gone' }, alice);
    await revokeToken(deps, revoked.token.id, alice);
    clock.advance(60_000);

    const messages = [
      await refusal(authenticate(deps, 'not-a-token', null)),
      await refusal(authenticate(deps, `atlas_pat_${'A'.repeat(43)}`, null)),
      await refusal(authenticate(deps, revoked.secret, null)),
      await refusal(authenticate(deps, expiring.secret, null)),
    ];
    expect(new Set(messages).size).toBe(1);
  });

  it('accepts a token until the moment it expires', async () => {
    const { clock, deps, alice } = await setUp();
    const { secret } = await createToken(
      deps,
      { name: 'short', expiresAt: new Date(clock.now().getTime() + 60_000).toISOString() },
      alice,
    );
    clock.advance(59_999);
    expect((await authenticate(deps, secret, null)).user?.username).toBe('alice');
    clock.advance(1);
    await refusal(authenticate(deps, secret, null));
  });

  it('treats a token whose user is gone as unknown', async () => {
    const { deps, alice } = await setUp();
    await deps.db.users.delete(alice.user.id);
    await refusal(authenticate(deps, alice.secret, null));
  });

  it('keeps a resolved token briefly, so a revocation that bypasses the cache shows only after it expires', async () => {
    const { clock, deps, alice } = await setUp();
    await authenticate(deps, alice.secret, null);
    // Revoked in the database only, as another process without a broadcast would see it.
    await deps.db.tokens.revoke(alice.tokenId, clock.now());
    expect((await authenticate(deps, alice.secret, null)).tokenId).toBe(alice.tokenId);
    clock.advance(10_000);
    await refusal(authenticate(deps, alice.secret, null));
  });

  it('drops a cached token the moment revokeToken revokes it', async () => {
    const { deps, alice } = await setUp();
    await authenticate(deps, alice.secret, null);
    await revokeToken(deps, alice.tokenId, actorOf(alice.user));
    await refusal(authenticate(deps, alice.secret, null));
  });

  it('records when a token was last used, at most once a minute', async () => {
    const { clock, deps, alice } = await setUp();
    const lastUsed = async () => (await deps.db.tokens.findById(alice.tokenId))?.lastUsedAt;
    const first = clock.now();
    await authenticate(deps, alice.secret, null);
    expect(await lastUsed()).toEqual(first);

    clock.advance(30_000); // past the cache, within the minute
    await authenticate(deps, alice.secret, null);
    expect(await lastUsed()).toEqual(first);

    clock.advance(31_000);
    await authenticate(deps, alice.secret, null);
    expect(await lastUsed()).toEqual(clock.now());
  });
});
