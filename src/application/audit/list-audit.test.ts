import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import { ForbiddenError, UnauthenticatedError, ValidationError } from '../../domain/errors.ts';
import { createInMemoryDeps } from '../../testing/in-memory-deps.ts';
import { createToken } from '../accounts/create-token.ts';
import { ManualClock, setUpTeam, signUp } from '../testing/use-case-helpers.ts';
import { listAudit } from './list-audit.ts';

const MINUTE = 60_000;

/** ada registers at T, alice at T+1m, alice creates a team at T+2m and a token at T+3m. */
async function setUp() {
  const clock = new ManualClock();
  const start = clock.now();
  const deps = createInMemoryDeps({}, { clock });
  const admin = await signUp(deps, 'ada');
  clock.advance(MINUTE);
  const alice = await signUp(deps, 'alice');
  clock.advance(MINUTE);
  await setUpTeam(deps, 'platform', alice);
  clock.advance(MINUTE);
  await createToken(deps, { name: 'ci' }, alice);
  const at = (minutes: number) => new Date(start.getTime() + minutes * MINUTE).toISOString();
  return { deps, admin, alice, at };
}

const actions = (page: { items: { action: string }[] }) => page.items.map((e) => e.action);

describe('listAudit', () => {
  it('lists the whole log to an administrator, newest first, in pages', async () => {
    const { deps, admin } = await setUp();
    const all = await listAudit(deps, {}, { limit: 10 }, admin);
    expect(actions(all)).toEqual(['token.create', 'team.create', 'user.register', 'user.register']);

    const first = await listAudit(deps, {}, { limit: 3 }, admin);
    const second = await listAudit(deps, {}, { limit: 3, cursor: first.nextCursor }, admin);
    expect([...first.items, ...second.items]).toEqual(all.items);
    expect(second.nextCursor).toBeUndefined();
  });

  it('filters by the username of the actor, and an unknown username matches nothing', async () => {
    const { deps, admin } = await setUp();
    const byAlice = await listAudit(deps, { actor: 'alice' }, { limit: 10 }, admin);
    expect(actions(byAlice)).toEqual(['token.create', 'team.create', 'user.register']);
    expect(byAlice.items.every((e) => e.actorName === 'alice')).toBe(true);
    expect((await listAudit(deps, { actor: 'nobody' }, { limit: 10 }, admin)).items).toEqual([]);
  });

  it('filters by exact action, action prefix and target', async () => {
    const { deps, admin } = await setUp();
    expect(actions(await listAudit(deps, { action: 'user.register' }, { limit: 10 }, admin))).toEqual([
      'user.register',
      'user.register',
    ]);
    expect(actions(await listAudit(deps, { action: 'team.' }, { limit: 10 }, admin))).toEqual(['team.create']);
    const target = await listAudit(deps, { target: 'user/alice' }, { limit: 10 }, admin);
    expect(target.items.map((e) => e.target)).toEqual(['user/alice']);
  });

  it('filters by a time window that includes since and excludes until', async () => {
    const { deps, admin, at } = await setUp();
    const window = await listAudit(deps, { since: at(1), until: at(3) }, { limit: 10 }, admin);
    expect(actions(window)).toEqual(['team.create', 'user.register']);
    expect(window.items.map((e) => e.actorName)).toEqual(['alice', 'alice']);
  });

  it('refuses a date that does not parse with ValidationError naming the query parameter', async () => {
    const { deps, admin } = await setUp();
    for (const [input, path] of [
      [{ since: 'yesterday' }, 'query/since'],
      [{ until: 'soon' }, 'query/until'],
    ] as const) {
      const error = await listAudit(deps, input, { limit: 10 }, admin).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).problems.map((p) => p.path)).toEqual([path]);
    }
  });

  it('refuses anyone but an administrator with ForbiddenError, and an anonymous caller with UnauthenticatedError', async () => {
    const { deps, alice } = await setUp();
    await expect(listAudit(deps, {}, { limit: 10 }, alice)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listAudit(deps, { actor: 'alice' }, { limit: 10 }, alice)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listAudit(deps, {}, { limit: 10 }, anonymous())).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});
