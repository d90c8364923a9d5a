import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
} from '../../domain/errors.ts';
import { createInMemoryDeps } from '../../testing/in-memory-deps.ts';
import { atlasState, auditTrail, ManualClock, setUpTeam, signUp } from '../testing/use-case-helpers.ts';
import { putTeamMember } from './put-team-member.ts';

async function setUp() {
  const clock = new ManualClock();
  const deps = createInMemoryDeps({}, { clock });
  const admin = await signUp(deps, 'ada');
  const owner = await signUp(deps, 'olga');
  const maintainer = await signUp(deps, 'mark');
  const member = await signUp(deps, 'mia');
  await signUp(deps, 'newcomer');
  const team = await setUpTeam(deps, 'platform', owner, { mark: 'maintainer', mia: 'member' });
  const roles = async () =>
    Object.fromEntries((await deps.db.teams.listMembers(team.id)).map((m) => [m.username, m.role]));
  return { clock, deps, admin, owner, maintainer, member, team, roles };
}

describe('putTeamMember', () => {
  it('lets an owner add a user with a role, and audits it', async () => {
    const { clock, deps, owner, team, roles } = await setUp();
    const added = await putTeamMember(deps, { slug: 'platform', username: 'newcomer', role: 'member' }, owner);

    expect(added).toMatchObject({ teamId: team.id, username: 'newcomer', role: 'member', createdAt: clock.now() });
    expect(await roles()).toEqual({ olga: 'owner', mark: 'maintainer', mia: 'member', newcomer: 'member' });
    const entries = await auditTrail(deps, 'team.member.put');
    expect(entries.at(-1)).toMatchObject({
      actorName: 'olga',
      target: 'team/platform',
      details: { username: 'newcomer', role: 'member', previousRole: null },
    });
  });

  it("changes an existing member's role and keeps when they joined", async () => {
    const { clock, deps, owner, team, roles } = await setUp();
    const joined = (await deps.db.teams.findMembership(team.id, (await deps.db.users.findByUsername('mia'))!.id))
      ?.createdAt;
    clock.advance(60_000);
    const changed = await putTeamMember(deps, { slug: 'platform', username: 'mia', role: 'maintainer' }, owner);
    expect(changed.role).toBe('maintainer');
    expect(changed.createdAt).toEqual(joined);
    expect((await roles()).mia).toBe('maintainer');
    expect((await auditTrail(deps, 'team.member.put')).at(-1)?.details).toEqual({
      username: 'mia',
      role: 'maintainer',
      previousRole: 'member',
    });
  });

  it("lets a site admin manage any team's members", async () => {
    const { deps, admin, roles } = await setUp();
    await putTeamMember(deps, { slug: 'platform', username: 'newcomer', role: 'owner' }, admin);
    expect((await roles()).newcomer).toBe('owner');
  });

  it('refuses maintainers, members and outsiders with ForbiddenError and changes nothing', async () => {
    const { deps, maintainer, member, roles } = await setUp();
    const outsider = await signUp(deps, 'otto');
    const before = await atlasState(deps);
    for (const actor of [maintainer, member, outsider]) {
      await expect(
        putTeamMember(deps, { slug: 'platform', username: 'newcomer', role: 'member' }, actor),
      ).rejects.toBeInstanceOf(ForbiddenError);
    }
    await expect(
      putTeamMember(deps, { slug: 'platform', username: 'mia', role: 'owner' }, member),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(await atlasState(deps)).toEqual(before);
    expect((await roles()).newcomer).toBeUndefined();
  });

  it('refuses to demote the last owner with ConflictError and changes nothing', async () => {
    const { deps, owner, roles } = await setUp();
    const before = await atlasState(deps);
    await expect(
      putTeamMember(deps, { slug: 'platform', username: 'olga', role: 'maintainer' }, owner),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await atlasState(deps)).toEqual(before);
    expect((await roles()).olga).toBe('owner');
  });

  it('lets an owner step down once another owner exists', async () => {
    const { deps, owner, roles } = await setUp();
    await putTeamMember(deps, { slug: 'platform', username: 'mark', role: 'owner' }, owner);
    await putTeamMember(deps, { slug: 'platform', username: 'olga', role: 'member' }, owner);
    expect(await roles()).toMatchObject({ olga: 'member', mark: 'owner' });
  });

  it('refuses a role that does not exist with ValidationError at role', async () => {
    const { deps, owner } = await setUp();
    const before = await atlasState(deps);
    const error = await putTeamMember(deps, { slug: 'platform', username: 'newcomer', role: 'admin' }, owner).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((p) => p.path)).toEqual(['role']);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('refuses an unknown team or user with NotFoundError', async () => {
    const { deps, owner } = await setUp();
    const before = await atlasState(deps);
    await expect(
      putTeamMember(deps, { slug: 'nowhere', username: 'newcomer', role: 'member' }, owner),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      putTeamMember(deps, { slug: 'platform', username: 'ghost', role: 'member' }, owner),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('refuses an anonymous caller with UnauthenticatedError', async () => {
    const { deps } = await setUp();
    await expect(
      putTeamMember(deps, { slug: 'platform', username: 'newcomer', role: 'member' }, anonymous()),
    ).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});
