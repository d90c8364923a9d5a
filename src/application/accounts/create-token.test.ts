import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import { UnauthenticatedError, ValidationError } from '../../domain/errors.ts';
import { createInMemoryDeps } from '../../testing/in-memory-deps.ts';
import { atlasState, auditTrail, ManualClock, signUp } from '../testing/use-case-helpers.ts';
import { authenticate } from './authenticate.ts';
import { createToken } from './create-token.ts';
import { hashTokenSecret } from './token-secrets.ts';

const DAY = 24 * 3600 * 1000;

async function setUp() {
  const clock = new ManualClock();
  const deps = createInMemoryDeps({}, { clock });
  const alice = await signUp(deps, 'alice');
  return { clock, deps, alice };
}

async function problemsOf(promise: Promise<unknown>) {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).problems;
}

describe('createToken', () => {
  it('creates a personal token whose secret is returned once and stored only as its hash', async () => {
    const { clock, deps, alice } = await setUp();
    const { token, secret } = await createToken(deps, { name: '  ci  ' }, alice);

    expect(secret).toMatch(/^atlas_pat_/);
    const stored = await deps.db.tokens.findById(token.id);
    expect(stored).toEqual(token);
    expect(stored).toMatchObject({
      userId: alice.user.id,
      kind: 'personal',
      name: 'ci',
      expiresAt: new Date(clock.now().getTime() + 90 * DAY),
      createdAt: clock.now(),
    });
    expect(stored?.tokenHash).toBe(hashTokenSecret(secret));
    expect(JSON.stringify(await atlasState(deps))).not.toContain(secret);
    expect((await authenticate(deps, secret, null)).tokenId).toBe(token.id);
    const [entry] = await auditTrail(deps, 'token.create');
    expect(entry).toMatchObject({
      actorName: 'alice',
      target: `token/${token.id}`,
      details: { name: 'ci', expiresAt: new Date(clock.now().getTime() + 90 * DAY).toISOString() },
    });
  });

  it('gives a token created without an expiry 90 days, after which it no longer signs in', async () => {
    const { clock, deps, alice } = await setUp();
    const { secret } = await createToken(deps, { name: 'forgotten' }, alice);
    clock.advance(90 * DAY - 1000);
    expect((await authenticate(deps, secret, null)).user?.id).toBe(alice.user.id);
    clock.advance(1000);
    await expect(authenticate(deps, secret, null)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('accepts an expiry in the future within a year and records it', async () => {
    const { clock, deps, alice } = await setUp();
    const expiresAt = new Date(clock.now().getTime() + 366 * DAY);
    const { token } = await createToken(deps, { name: 'ci', expiresAt: expiresAt.toISOString() }, alice);
    expect((await deps.db.tokens.findById(token.id))?.expiresAt).toEqual(expiresAt);
    expect((await auditTrail(deps, 'token.create'))[0]?.details).toEqual({
      name: 'ci',
      expiresAt: expiresAt.toISOString(),
      scopes: ['full'],
    });
  });

  it('refuses a name that is empty or over 100 characters with ValidationError at name', async () => {
    const { deps, alice } = await setUp();
    expect(await problemsOf(createToken(deps, { name: '   ' }, alice))).toEqual([
      { path: 'name', message: 'must be 1-100 characters' },
    ]);
    expect((await problemsOf(createToken(deps, { name: 'x'.repeat(101) }, alice))).map((p) => p.path)).toEqual([
      'name',
    ]);
    const longest = await createToken(deps, { name: 'x'.repeat(100) }, alice);
    expect((await deps.db.tokens.listByUser(alice.user.id)).map((t) => t.id)).toContain(longest.token.id);
  });

  it('refuses an expiry that is not a date, is past, or is more than a year away, with ValidationError at expiresAt', async () => {
    const { clock, deps, alice } = await setUp();
    const at = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();
    const messages = [];
    for (const expiresAt of ['tomorrow', '31/01/2031', at(0), at(-DAY), at(366 * DAY + 1)]) {
      const problems = await problemsOf(createToken(deps, { name: 'ci', expiresAt }, alice));
      expect(problems.map((p) => p.path)).toEqual(['expiresAt']);
      messages.push(problems[0]?.message);
    }
    expect(messages).toEqual([
      'must be an ISO 8601 date-time, e.g. 2027-01-31T00:00:00Z',
      'must be an ISO 8601 date-time, e.g. 2027-01-31T00:00:00Z',
      'must be in the future',
      'must be in the future',
      'must be within a year',
    ]);
  });

  it('reports a bad name and a bad expiry together and writes nothing', async () => {
    const { deps, alice } = await setUp();
    const before = await atlasState(deps);
    const problems = await problemsOf(createToken(deps, { name: '', expiresAt: 'never' }, alice));
    expect(problems.map((p) => p.path)).toEqual(['name', 'expiresAt']);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('gives a token the full scope by default, and registry:read when asked, which the actor then carries', async () => {
    const { deps, alice } = await setUp();
    const full = await createToken(deps, { name: 'ci' }, alice);
    expect(full.token.scopes).toEqual(['full']);
    expect((await authenticate(deps, full.secret, null)).scopes).toEqual(['full']);
    const reader = await createToken(deps, { name: 'vscode', scopes: ['registry:read'] }, alice);
    expect((await deps.db.tokens.findById(reader.token.id))?.scopes).toEqual(['registry:read']);
    expect((await authenticate(deps, reader.secret, null)).scopes).toEqual(['registry:read']);
    const entries = await auditTrail(deps, 'token.create');
    expect(entries.map((e) => e.details.scopes)).toEqual(expect.arrayContaining([['full'], ['registry:read']]));
  });

  it('refuses an empty, unknown or repeated scope, naming each, and writes nothing', async () => {
    const { deps, alice } = await setUp();
    const before = await atlasState(deps);
    expect(await problemsOf(createToken(deps, { name: 'ci', scopes: [] }, alice))).toEqual([
      { path: 'scopes', message: 'must list at least one of full, registry:read' },
    ]);
    const problems = await problemsOf(
      createToken(deps, { name: 'ci', scopes: ['registry:read', 'admin', 'registry:read'] }, alice),
    );
    expect(problems.map((p) => p.path)).toEqual(['scopes/1', 'scopes/2']);
    expect(problems[0]?.message).toBe('"admin" is not a scope; the scopes are full, registry:read');
    expect(await atlasState(deps)).toEqual(before);
  });

  it('refuses an anonymous caller with UnauthenticatedError', async () => {
    const { deps } = await setUp();
    const before = await atlasState(deps);
    await expect(createToken(deps, { name: 'ci' }, anonymous())).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(await atlasState(deps)).toEqual(before);
  });
});
