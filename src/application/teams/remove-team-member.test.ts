import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import { ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError } from '../../domain/errors.ts';
import { createInMemoryDeps } from '../../testing/in-memory-deps.ts';
import { atlasState, auditTrail, setUpTeam, signUp } from '../testing/use-case-helpers.ts';
import { putTeamMember } from './put-team-member.ts';
import { removeTeamMember } from './remove-team-member.ts';

async function setUp() {
  const deps = createInMemoryDeps();
  const admin = await signUp(deps, 'ada');
  const owner = await signUp(deps, 'olga');
  const maintainer = await signUp(deps, 'mark');
  const member = await signUp(deps, 'mia');
  const outsider = await signUp(deps, 'otto');
  const team = await setUpTeam(deps, 'platform', owner, { mark: 'maintainer', mia: 'member' });
  const members = async () => (await deps.db.teams.listMembers(team.id)).map((m) => m.username);
  return { deps, admin, owner, maintainer, member, outsider, team, members };
}

describe('removeTeamMember', () => {
  it('lets an owner remove anyone, and audits it', async () => {
    const { deps, owner, members } = await setUp();
    await removeTeamMember(deps, { slug: 'platform', username: 'mark' }, owner);
    expect(await members()).toEqual(['mia', 'olga']);
    const [entry] = await auditTrail(deps, 'team.member.remove');
    expect(entry).toMatchObject({ actorName: 'olga', target: 'team/platform', details: { username: 'mark' } });
  });

  it('lets a site admin remove a member of any team', async () => {
    const { deps, admin, members } = await setUp();
    await removeTeamMember(deps, { slug: 'platform', username: 'mia' }, admin);
    expect(await members()).toEqual(['mark', 'olga']);
  });

  it('lets any member leave', async () => {
    const { deps, member, maintainer, members } = await setUp();
    await removeTeamMember(deps, { slug: 'platform', username: 'mia' }, member);
    await removeTeamMember(deps, { slug: 'PLATFORM', username: 'mark' }, maintainer);
    expect(await members()).toEqual(['olga']);
    expect((await auditTrail(deps, 'team.member.remove')).map((e) => e.actorName)).toEqual(['mia', 'mark']);
  });

  it('refuses maintainers, members and outsiders removing someone else with ForbiddenError, changing nothing', async () => {
    const { deps, maintainer, member, outsider, members } = await setUp();
    const before = await atlasState(deps);
    for (const [actor, username] of [
      [maintainer, 'mia'],
      [member, 'mark'],
      [outsider, 'mia'],
      [outsider, 'ghost'],
    ] as const) {
      await expect(removeTeamMember(deps, { slug: 'platform', username }, actor)).rejects.toBeInstanceOf(
        ForbiddenError,
      );
    }
    expect(await atlasState(deps)).toEqual(before);
    expect(await members()).toEqual(['mark', 'mia', 'olga']);
  });

  it('refuses to let the last owner leave or be removed with ConflictError, changing nothing', async () => {
    const { deps, admin, owner, members } = await setUp();
    const before = await atlasState(deps);
    await expect(removeTeamMember(deps, { slug: 'platform', username: 'olga' }, owner)).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(removeTeamMember(deps, { slug: 'platform', username: 'olga' }, admin)).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(await atlasState(deps)).toEqual(before);
    expect(await members()).toContain('olga');
  });

  it('lets an owner leave once another owner exists', async () => {
    const { deps, owner, members } = await setUp();
    await putTeamMember(deps, { slug: 'platform', username: 'mark', role: 'owner' }, owner);
    await removeTeamMember(deps, { slug: 'platform', username: 'olga' }, owner);
    expect(await members()).toEqual(['mark', 'mia']);
  });

  it('refuses an unknown team, an unknown user or a non-member with NotFoundError, writing nothing', async () => {
    const { deps, owner, outsider } = await setUp();
    const before = await atlasState(deps);
    await expect(removeTeamMember(deps, { slug: 'nowhere', username: 'mia' }, owner)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(removeTeamMember(deps, { slug: 'platform', username: 'ghost' }, owner)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(removeTeamMember(deps, { slug: 'platform', username: 'otto' }, owner)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(removeTeamMember(deps, { slug: 'platform', username: 'otto' }, outsider)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await atlasState(deps)).toEqual(before);
  });

  it('refuses an anonymous caller with UnauthenticatedError', async () => {
    const { deps, members } = await setUp();
    await expect(removeTeamMember(deps, { slug: 'platform', username: 'mia' }, anonymous())).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
    expect(await members()).toHaveLength(3);
  });
});
