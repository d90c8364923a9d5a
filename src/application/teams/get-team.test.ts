import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import { NotFoundError, UnauthenticatedError } from '../../domain/errors.ts';
import { createInMemoryDeps } from '../../testing/in-memory-deps.ts';
import { setUpTeam, signUp } from '../testing/use-case-helpers.ts';
import { getTeam } from './get-team.ts';

describe('getTeam', () => {
  it('returns a team with its members and their roles, by username, to any signed-in user', async () => {
    const deps = createInMemoryDeps();
    const admin = await signUp(deps, 'ada');
    const bob = await signUp(deps, 'bob');
    const carol = await signUp(deps, 'carol');
    const team = await setUpTeam(deps, 'platform', admin, { carol: 'member', bob: 'maintainer' });

    const found = await getTeam(deps, 'PLATFORM', carol);
    expect(found.team).toEqual(team);
    expect(found.members.map((m) => [m.username, m.role])).toEqual([
      ['ada', 'owner'],
      ['bob', 'maintainer'],
      ['carol', 'member'],
    ]);
    expect((await getTeam(deps, 'platform', bob)).members).toHaveLength(3);
  });

  it('refuses an unknown team with NotFoundError', async () => {
    const deps = createInMemoryDeps();
    const admin = await signUp(deps, 'ada');
    await expect(getTeam(deps, 'nowhere', admin)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses an anonymous caller with UnauthenticatedError', async () => {
    const deps = createInMemoryDeps();
    const admin = await signUp(deps, 'ada');
    await setUpTeam(deps, 'platform', admin);
    await expect(getTeam(deps, 'platform', anonymous())).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});
