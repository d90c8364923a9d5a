import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import { UnauthenticatedError } from '../../domain/errors.ts';
import { createInMemoryDeps } from '../../testing/in-memory-deps.ts';
import { setUpTeam, signUp } from '../testing/use-case-helpers.ts';
import { listTeams } from './list-teams.ts';

describe('listTeams', () => {
  it('lists every team by slug, in pages, to any signed-in user, members or not', async () => {
    const deps = createInMemoryDeps();
    const admin = await signUp(deps, 'ada');
    const bob = await signUp(deps, 'bob');
    for (const slug of ['web', 'data', 'platform']) await setUpTeam(deps, slug, admin);

    const first = await listTeams(deps, { limit: 2 }, bob);
    expect(first.items.map((t) => t.slug)).toEqual(['data', 'platform']);
    expect(first.nextCursor).toBeDefined();
    const second = await listTeams(deps, { limit: 2, cursor: first.nextCursor }, bob);
    expect(second.items.map((t) => t.slug)).toEqual(['web']);
    expect(second.nextCursor).toBeUndefined();
  });

  it('refuses an anonymous caller with UnauthenticatedError', async () => {
    const deps = createInMemoryDeps();
    await expect(listTeams(deps, { limit: 10 }, anonymous())).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});
