import { beforeEach, describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import { authorizerContract } from '../../domain/accounts/authorizer.contract.ts';
import type { Namespace } from '../../domain/accounts/namespace.ts';
import type { Team, TeamRole } from '../../domain/accounts/team.ts';
import type { User } from '../../domain/accounts/user.ts';
import { buildActor, buildItem, buildTeam, buildUser, tick } from '../../domain/testing/builders.ts';
import { InMemoryDatabase } from '../memory/in-memory-database.ts';
import { RbacAuthorizer } from './rbac-authorizer.ts';

authorizerContract('rbac', async (teams) => new RbacAuthorizer(teams, { publicRead: false }));
authorizerContract('rbac with public read', async (teams) => new RbacAuthorizer(teams, { publicRead: true }));

describe('RbacAuthorizer', () => {
  let db: InMemoryDatabase;
  let authorizer: RbacAuthorizer;
  let team: Team;
  let teamNamespace: Namespace;

  const user = async (username: string, isAdmin = false) => {
    const stored = buildUser({ username, isAdmin });
    await db.users.insert(stored);
    return stored;
  };
  const join = (who: User, role: TeamRole, into: Team = team) =>
    db.teams.putMember({ teamId: into.id, userId: who.id, role, createdAt: tick() });
  const teamItem = (name: string, by: User, visibility: 'org' | 'team' = 'org') =>
    buildItem(`skill/platform/${name}`, { teamId: team.id, ownerUserId: by.id, visibility });

  beforeEach(async () => {
    db = new InMemoryDatabase();
    authorizer = new RbacAuthorizer(db.teams, { publicRead: false });
    team = buildTeam({ slug: 'platform' });
    await db.teams.insert(team);
    teamNamespace = { name: 'platform', kind: 'team', teamId: team.id };
  });

  it('lets a member publish into the team and edit what they published, but delete nothing', async () => {
    const mia = await user('mia');
    const max = await user('max');
    await join(mia, 'member');
    await join(max, 'maintainer');
    const actor = buildActor(mia);
    expect(await authorizer.canPublish(actor, teamNamespace)).toBe(true);
    expect(await authorizer.canEditItem(actor, teamItem('by-mia', mia))).toBe(true);
    expect(await authorizer.canEditItem(actor, teamItem('by-max', max))).toBe(false);
    expect(await authorizer.canDeleteItem(actor, teamItem('by-mia', mia))).toBe(false);
    expect(await authorizer.canMaintainTeam(actor, team.id)).toBe(false);
    expect(await authorizer.canManageTeam(actor, team)).toBe(false);
  });

  it('lets a maintainer edit and delete any item of the team, but not manage its members', async () => {
    const max = await user('max');
    const mia = await user('mia');
    await join(max, 'maintainer');
    await join(mia, 'member');
    const actor = buildActor(max);
    expect(await authorizer.canEditItem(actor, teamItem('by-mia', mia))).toBe(true);
    expect(await authorizer.canDeleteItem(actor, teamItem('by-mia', mia))).toBe(true);
    expect(await authorizer.canMaintainTeam(actor, team.id)).toBe(true);
    expect(await authorizer.canMaintainTeam(actor, buildTeam({ slug: 'elsewhere' }).id)).toBe(false);
    expect(await authorizer.canManageTeam(actor, team)).toBe(false);
  });

  it('lets an owner manage the team as well as edit and delete its items', async () => {
    const olga = await user('olga');
    const mia = await user('mia');
    await join(olga, 'owner');
    await join(mia, 'member');
    const actor = buildActor(olga);
    expect(await authorizer.canManageTeam(actor, team)).toBe(true);
    expect(await authorizer.canEditItem(actor, teamItem('by-mia', mia))).toBe(true);
    expect(await authorizer.canDeleteItem(actor, teamItem('by-mia', mia))).toBe(true);
  });

  it('gives someone outside the team no rights in it, and only org-visible items to read', async () => {
    const otto = await user('otto');
    const mia = await user('mia');
    await join(mia, 'member');
    const actor = buildActor(otto);
    expect(await authorizer.canPublish(actor, teamNamespace)).toBe(false);
    expect(await authorizer.canManageTeam(actor, team)).toBe(false);
    for (const item of [teamItem('open', mia), teamItem('internal', mia, 'team')]) {
      expect(await authorizer.canEditItem(actor, item)).toBe(false);
      expect(await authorizer.canDeleteItem(actor, item)).toBe(false);
    }
    expect(await authorizer.canReadItem(actor, teamItem('open', mia))).toBe(true);
    expect(await authorizer.canReadItem(actor, teamItem('internal', mia, 'team'))).toBe(false);
  });

  it('gives a role in one team no rights in another', async () => {
    const olga = await user('olga');
    const other = buildTeam({ slug: 'other' });
    await db.teams.insert(other);
    await join(olga, 'owner', other);
    const actor = buildActor(olga);
    expect(await authorizer.canPublish(actor, teamNamespace)).toBe(false);
    expect(await authorizer.canManageTeam(actor, team)).toBe(false);
    expect(await authorizer.canEditItem(actor, teamItem('by-olga', olga))).toBe(false);
    expect(await authorizer.canReadItem(actor, teamItem('internal', olga, 'team'))).toBe(false);
  });

  it('takes rights away as soon as a member leaves the team, even on what they published', async () => {
    const mia = await user('mia');
    const olga = await user('olga');
    await join(olga, 'owner');
    await join(mia, 'member');
    const actor = buildActor(mia);
    expect(await authorizer.canEditItem(actor, teamItem('by-mia', mia))).toBe(true);
    await db.teams.removeMember(team.id, mia.id);
    expect(await authorizer.canEditItem(actor, teamItem('by-mia', mia))).toBe(false);
    expect(await authorizer.canPublish(actor, teamNamespace)).toBe(false);
    expect(await authorizer.canReadItem(actor, teamItem('internal', olga, 'team'))).toBe(false);
  });

  it('keeps a personal namespace and its private items to their owner', async () => {
    const otto = await user('otto');
    const mia = await user('mia');
    const namespace: Namespace = { name: 'otto', kind: 'user', userId: otto.id };
    const notes = buildItem('skill/otto/notes', { ownerUserId: otto.id });
    const diary = buildItem('skill/otto/diary', { ownerUserId: otto.id, visibility: 'team' });
    const actor = buildActor(mia);
    expect(await authorizer.canPublish(actor, namespace)).toBe(false);
    expect(await authorizer.canEditItem(actor, notes)).toBe(false);
    expect(await authorizer.canDeleteItem(actor, notes)).toBe(false);
    expect(await authorizer.canReadItem(actor, notes)).toBe(true);
    expect(await authorizer.canReadItem(actor, diary)).toBe(false);
    expect(await authorizer.canReadItem(buildActor(otto), diary)).toBe(true);
  });

  it('lets users manage their own account only, and site admins any', async () => {
    const mia = await user('mia');
    const otto = await user('otto');
    const ada = await user('ada', true);
    expect(authorizer.canManageUser(buildActor(mia), mia.id)).toBe(true);
    expect(authorizer.canManageUser(buildActor(mia), otto.id)).toBe(false);
    expect(authorizer.canManageUser(buildActor(ada), otto.id)).toBe(true);
  });

  it('makes site admins admins, and nobody else, team owners included', async () => {
    const olga = await user('olga');
    await join(olga, 'owner');
    const ada = await user('ada', true);
    expect(authorizer.isAdmin(buildActor(olga))).toBe(false);
    expect(authorizer.isAdmin(anonymous())).toBe(false);
    expect(authorizer.isAdmin(buildActor(ada))).toBe(true);
  });

  it('describes each actor to the item queries as anonymous, a user or an admin', async () => {
    const mia = await user('mia');
    const ada = await user('ada', true);
    expect(authorizer.viewerOf(anonymous())).toEqual({ kind: 'anonymous' });
    expect(authorizer.viewerOf(buildActor(mia))).toEqual({ kind: 'user', userId: mia.id });
    expect(authorizer.viewerOf(buildActor(ada))).toEqual({ kind: 'admin', userId: ada.id });
  });

  it('keeps anonymous actors out of the catalog without public read', async () => {
    const otto = await user('otto');
    expect(authorizer.canBrowse(anonymous())).toBe(false);
    expect(await authorizer.canReadItem(anonymous(), buildItem('skill/otto/notes', { ownerUserId: otto.id }))).toBe(
      false,
    );
  });

  it('shows anonymous actors org-visible items only with public read', async () => {
    const open = new RbacAuthorizer(db.teams, { publicRead: true });
    const otto = await user('otto');
    expect(open.canBrowse(anonymous())).toBe(true);
    expect(await open.canReadItem(anonymous(), buildItem('skill/otto/notes', { ownerUserId: otto.id }))).toBe(true);
    expect(await open.canReadItem(anonymous(), teamItem('open', otto))).toBe(true);
    expect(
      await open.canReadItem(anonymous(), buildItem('skill/otto/diary', { ownerUserId: otto.id, visibility: 'team' })),
    ).toBe(false);
    expect(await open.canReadItem(anonymous(), teamItem('internal', otto, 'team'))).toBe(false);
    expect(await open.canPublish(anonymous(), { name: 'otto', kind: 'user', userId: otto.id })).toBe(false);
  });
});
