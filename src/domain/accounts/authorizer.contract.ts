import { beforeEach, describe, expect, it } from 'vitest';
import type { CatalogItem } from '../catalog/catalog-item.ts';
import type { Viewer } from '../catalog/viewer.ts';
import { buildActor, buildItem, buildTeam, buildUser } from '../testing/builders.ts';
import { anonymous } from './actor.ts';
import type { Authorizer } from './authorizer.ts';
import type { Namespace } from './namespace.ts';
import type { TeamMembership, TeamRole } from './team.ts';
import type { TeamRepository } from './team-repository.ts';

/** The contract's world: one team with a user in each role, a user outside it, and a site admin. */
function world() {
  const team = buildTeam({ slug: 'platform' });
  const owner = buildUser({ username: 'olga' });
  const maintainer = buildUser({ username: 'max' });
  const member = buildUser({ username: 'mia' });
  const outsider = buildUser({ username: 'otto' });
  const admin = buildUser({ username: 'ada', isAdmin: true });
  const roles: [string, TeamRole][] = [
    [owner.id, 'owner'],
    [maintainer.id, 'maintainer'],
    [member.id, 'member'],
  ];
  const memberships: TeamMembership[] = roles.map(([userId, role]) => ({
    teamId: team.id,
    userId,
    role,
    createdAt: team.createdAt,
  }));
  const teams: Pick<TeamRepository, 'findMembership'> = {
    findMembership: async (teamId, userId) => memberships.find((m) => m.teamId === teamId && m.userId === userId),
  };
  const items = {
    teamOrg: buildItem('skill/platform/by-mia', { teamId: team.id, ownerUserId: member.id }),
    teamPrivate: buildItem('skill/platform/internal', {
      teamId: team.id,
      ownerUserId: maintainer.id,
      visibility: 'team',
    }),
    personalOrg: buildItem('skill/otto/notes', { ownerUserId: outsider.id }),
    personalPrivate: buildItem('skill/otto/diary', { ownerUserId: outsider.id, visibility: 'team' }),
  };
  const namespaces = {
    team: { name: 'platform', kind: 'team', teamId: team.id } satisfies Namespace,
    outsider: { name: 'otto', kind: 'user', userId: outsider.id } satisfies Namespace,
  };
  const actors = {
    anonymous: anonymous('127.0.0.1'),
    owner: buildActor(owner),
    maintainer: buildActor(maintainer),
    member: buildActor(member),
    outsider: buildActor(outsider),
    admin: buildActor(admin),
  };
  return { team, memberships, teams, items, namespaces, actors };
}

type World = ReturnType<typeof world>;

/** The read rule the item queries apply for a viewer (the SQL of the PostgreSQL adapter). */
function visibleTo(viewer: Viewer, item: CatalogItem, { memberships }: World): boolean {
  if (viewer.kind === 'admin' || item.visibility === 'org') return true;
  if (viewer.kind === 'anonymous') return false;
  if (item.teamId === null) return item.ownerUserId === viewer.userId;
  return memberships.some((m) => m.teamId === item.teamId && m.userId === viewer.userId);
}

/**
 * What every Authorizer must answer, whatever its rules: no anonymous writes, admins do anything,
 * everyone acts in their own namespace, a team's roles may do what the team is for, and the read
 * answer agrees with the read rule the queries apply. `open` gets the world's team memberships.
 */
export function authorizerContract(
  name: string,
  open: (teams: Pick<TeamRepository, 'findMembership'>) => Promise<Authorizer>,
) {
  describe(`Authorizer contract: ${name}`, () => {
    let w: World;
    let authorizer: Authorizer;
    beforeEach(async () => {
      w = world();
      authorizer = await open(w.teams);
    });
    const allItems = () => Object.values(w.items);
    const allActors = () => Object.values(w.actors);

    it('refuses every write and all administration to an anonymous actor', async () => {
      const nobody = w.actors.anonymous;
      expect(authorizer.isAdmin(nobody)).toBe(false);
      expect(authorizer.canManageUser(nobody, w.actors.outsider.user.id)).toBe(false);
      expect(await authorizer.canManageTeam(nobody, w.team)).toBe(false);
      expect(await authorizer.canMaintainTeam(nobody, w.team.id)).toBe(false);
      for (const namespace of Object.values(w.namespaces)) {
        expect(await authorizer.canPublish(nobody, namespace)).toBe(false);
      }
      for (const item of allItems()) {
        expect(await authorizer.canEditItem(nobody, item)).toBe(false);
        expect(await authorizer.canDeleteItem(nobody, item)).toBe(false);
      }
    });

    it('lets a site admin do everything, with the admin read rule', async () => {
      const { admin } = w.actors;
      expect(authorizer.isAdmin(admin)).toBe(true);
      expect(authorizer.viewerOf(admin).kind).toBe('admin');
      expect(authorizer.canBrowse(admin)).toBe(true);
      expect(authorizer.canManageUser(admin, w.actors.outsider.user.id)).toBe(true);
      expect(await authorizer.canManageTeam(admin, w.team)).toBe(true);
      expect(await authorizer.canMaintainTeam(admin, w.team.id)).toBe(true);
      for (const namespace of Object.values(w.namespaces)) {
        expect(await authorizer.canPublish(admin, namespace)).toBe(true);
      }
      for (const item of allItems()) {
        expect(await authorizer.canReadItem(admin, item)).toBe(true);
        expect(await authorizer.canEditItem(admin, item)).toBe(true);
        expect(await authorizer.canDeleteItem(admin, item)).toBe(true);
      }
    });

    it('lets a signed-in user browse, and act on their own namespace, items and account', async () => {
      const { outsider } = w.actors;
      expect(authorizer.canBrowse(outsider)).toBe(true);
      expect(authorizer.canManageUser(outsider, outsider.user.id)).toBe(true);
      expect(await authorizer.canPublish(outsider, w.namespaces.outsider)).toBe(true);
      for (const item of [w.items.personalOrg, w.items.personalPrivate]) {
        expect(await authorizer.canReadItem(outsider, item)).toBe(true);
        expect(await authorizer.canEditItem(outsider, item)).toBe(true);
        expect(await authorizer.canDeleteItem(outsider, item)).toBe(true);
      }
    });

    it('lets members publish into their team, maintainers edit and delete its items, owners manage it', async () => {
      const { owner, maintainer, member } = w.actors;
      for (const actor of [owner, maintainer, member]) {
        expect(await authorizer.canPublish(actor, w.namespaces.team)).toBe(true);
        expect(await authorizer.canReadItem(actor, w.items.teamPrivate)).toBe(true);
      }
      expect(await authorizer.canEditItem(member, w.items.teamOrg)).toBe(true);
      for (const actor of [owner, maintainer]) {
        for (const item of [w.items.teamOrg, w.items.teamPrivate]) {
          expect(await authorizer.canEditItem(actor, item)).toBe(true);
          expect(await authorizer.canDeleteItem(actor, item)).toBe(true);
        }
      }
      expect(await authorizer.canManageTeam(owner, w.team)).toBe(true);
      expect(await authorizer.canMaintainTeam(owner, w.team.id)).toBe(true);
      expect(await authorizer.canMaintainTeam(maintainer, w.team.id)).toBe(true);
    });

    it('answers canReadItem as the item queries read with viewerOf, for whoever may browse', async () => {
      for (const actor of allActors()) {
        if (!authorizer.canBrowse(actor)) continue;
        const viewer = authorizer.viewerOf(actor);
        for (const item of allItems()) {
          const who = `${actor.user?.username ?? 'anonymous'} reading ${item.name}`;
          expect(await authorizer.canReadItem(actor, item), who).toBe(visibleTo(viewer, item, w));
        }
      }
    });

    it('never lets anyone edit what they may not read, nor delete what they may not edit', async () => {
      for (const actor of allActors()) {
        for (const item of allItems()) {
          const read = await authorizer.canReadItem(actor, item);
          const edit = await authorizer.canEditItem(actor, item);
          const remove = await authorizer.canDeleteItem(actor, item);
          const who = `${actor.user?.username ?? 'anonymous'} on ${item.name}`;
          if (edit) expect(read, `${who}: edit without read`).toBe(true);
          if (remove) expect(edit, `${who}: delete without edit`).toBe(true);
        }
      }
    });
  });
}
