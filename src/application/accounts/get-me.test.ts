import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import { UnauthenticatedError } from '../../domain/errors.ts';
import { createInMemoryDeps } from '../../testing/in-memory-deps.ts';
import { setUpTeam, signUp } from '../testing/use-case-helpers.ts';
import { getMe } from './get-me.ts';

describe('getMe', () => {
  it('returns the signed-in user with their teams and roles, by slug', async () => {
    const deps = createInMemoryDeps();
    const admin = await signUp(deps, 'ada');
    const alice = await signUp(deps, 'alice');
    await setUpTeam(deps, 'platform', admin, { alice: 'maintainer' });
    await setUpTeam(deps, 'data', alice);
    await setUpTeam(deps, 'other', admin);

    const me = await getMe(deps, alice);
    expect(me.user.id).toBe(alice.user.id);
    expect(me.teams.map((t) => [t.team.slug, t.role])).toEqual([
      ['data', 'owner'],
      ['platform', 'maintainer'],
    ]);
  });

  it('refuses an anonymous caller with UnauthenticatedError', async () => {
    const deps = createInMemoryDeps();
    await expect(getMe(deps, anonymous())).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});
