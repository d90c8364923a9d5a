import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Repositories } from '../repositories.ts';
import { buildItem, buildTeam, buildToken, buildUser, tick } from '../testing/builders.ts';

/** The contract of UserRepository, TeamRepository, NamespaceRepository and TokenRepository. */
export function accountRepositoriesContract(name: string, open: () => Promise<Repositories>) {
  let db: Repositories;
  beforeEach(async () => {
    db = await open();
  });

  describe(`UserRepository contract: ${name}`, () => {
    it('returns undefined for an unknown id, email or username', async () => {
      expect(await db.users.findById('00000000-0000-7000-8000-000000000000')).toBeUndefined();
      expect(await db.users.findByEmail('nobody@example.com')).toBeUndefined();
      expect(await db.users.findByUsername('nobody')).toBeUndefined();
    });

    it('round-trips a user, unicode and dates included', async () => {
      const user = buildUser({
        username: 'zoe',
        displayName: 'Zoë Ångström 山田',
        isAdmin: true,
        passwordHash: '$argon2id$x',
      });
      await db.users.insert(user);
      expect(await db.users.findById(user.id)).toEqual(user);
      expect(await db.users.findByUsername('ZOE')).toEqual(user);
    });

    it('finds a user by email case-insensitively', async () => {
      const user = buildUser({ username: 'ann', email: 'Ann.Smith@example.com' });
      await db.users.insert(user);
      expect((await db.users.findByEmail('ann.smith@EXAMPLE.com'))?.id).toBe(user.id);
    });

    it('refuses a duplicate email, compared case-insensitively, with ConflictError', async () => {
      await db.users.insert(buildUser({ username: 'first', email: 'same@example.com' }));
      await expect(
        db.users.insert(buildUser({ username: 'second', email: 'SAME@example.com' })),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(await db.users.count()).toBe(1);
    });

    it('refuses a duplicate username with ConflictError', async () => {
      await db.users.insert(buildUser({ username: 'taken' }));
      await expect(db.users.insert(buildUser({ username: 'taken' }))).rejects.toBeInstanceOf(ConflictError);
    });

    it('refuses a username that a team holds, and a team slug that a user holds', async () => {
      await db.teams.insert(buildTeam({ slug: 'platform' }));
      await expect(db.users.insert(buildUser({ username: 'platform' }))).rejects.toBeInstanceOf(ConflictError);
      await db.users.insert(buildUser({ username: 'alice' }));
      await expect(db.teams.insert(buildTeam({ slug: 'alice' }))).rejects.toBeInstanceOf(ConflictError);
      expect(await db.users.count()).toBe(1);
    });

    it('returns copies: changing a returned user changes nothing stored', async () => {
      const user = buildUser({ username: 'copy' });
      await db.users.insert(user);
      const found = (await db.users.findById(user.id)) as { displayName: string };
      found.displayName = 'changed';
      expect((await db.users.findById(user.id))?.displayName).toBe('copy');
    });

    it('updates a user and refuses to take another account email', async () => {
      const a = buildUser({ username: 'aaa' });
      const b = buildUser({ username: 'bbb' });
      await db.users.insert(a);
      await db.users.insert(b);
      await db.users.update({ ...a, displayName: 'A!', updatedAt: tick() });
      expect((await db.users.findById(a.id))?.displayName).toBe('A!');
      await expect(db.users.update({ ...a, email: b.email })).rejects.toBeInstanceOf(ConflictError);
      await expect(db.users.update(buildUser({ username: 'ghost' }))).rejects.toBeInstanceOf(NotFoundError);
    });

    it('lists users by username with a cursor that stays correct while users are added', async () => {
      for (const u of ['dave', 'bob', 'erin', 'carol', 'alice']) await db.users.insert(buildUser({ username: u }));
      const first = await db.users.list({ limit: 2 });
      expect(first.items.map((u) => u.username)).toEqual(['alice', 'bob']);
      await db.users.insert(buildUser({ username: 'aaron' }));
      await db.users.insert(buildUser({ username: 'cathy' }));
      const second = await db.users.list({ limit: 2, cursor: first.nextCursor });
      expect(second.items.map((u) => u.username)).toEqual(['carol', 'cathy']);
      const third = await db.users.list({ limit: 2, cursor: second.nextCursor });
      expect(third.items.map((u) => u.username)).toEqual(['dave', 'erin']);
      expect(third.nextCursor).toBeUndefined();
    });

    it('makes exactly one admin of concurrent first accounts (adminIfFirst)', async () => {
      const stored = await Promise.all(
        ['first-a', 'first-b', 'first-c'].map((u) =>
          db.users.insert(buildUser({ username: u }), { adminIfFirst: true }),
        ),
      );
      expect(stored.filter((u) => u.isAdmin)).toHaveLength(1);
      const admins = (await db.users.list({ limit: 10 })).items.filter((u) => u.isAdmin);
      expect(admins.map((u) => u.id)).toEqual(stored.filter((u) => u.isAdmin).map((u) => u.id));
      const later = await db.users.insert(buildUser({ username: 'later' }), { adminIfFirst: true });
      expect(later.isAdmin).toBe(false);
    });

    it('deleting a user removes memberships and tokens, frees the name, and orphans team items', async () => {
      const user = buildUser({ username: 'leaver' });
      const team = buildTeam({ slug: 'crew' });
      await db.users.insert(user);
      await db.teams.insert(team);
      await db.teams.putMember({ teamId: team.id, userId: user.id, role: 'member', createdAt: tick() });
      await db.tokens.insert(buildToken(user.id));
      const item = buildItem('skill/crew/thing', { ownerUserId: user.id, teamId: team.id });
      await db.items.insert(item);
      await db.users.delete(user.id);
      expect(await db.users.findById(user.id)).toBeUndefined();
      expect(await db.teams.listMembers(team.id)).toEqual([]);
      expect(await db.tokens.listByUser(user.id)).toEqual([]);
      expect(await db.namespaces.findByName('leaver')).toBeUndefined();
      expect((await db.items.findById(item.id))?.ownerUserId).toBeNull();
      await db.users.insert(buildUser({ username: 'leaver' }));
    });

    it('refuses to delete a user while items live in their own namespace', async () => {
      const user = buildUser({ username: 'keeper' });
      await db.users.insert(user);
      await db.items.insert(buildItem('skill/keeper/notes', { ownerUserId: user.id }));
      await expect(db.users.delete(user.id)).rejects.toBeInstanceOf(ConflictError);
      expect(await db.users.findById(user.id)).toBeDefined();
      await expect(db.users.delete('00000000-0000-7000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe(`TeamRepository contract: ${name}`, () => {
    it('returns undefined for an unknown team and membership', async () => {
      expect(await db.teams.findBySlug('nope')).toBeUndefined();
      expect(await db.teams.findById('00000000-0000-7000-8000-000000000000')).toBeUndefined();
      const team = buildTeam({ slug: 'empty' });
      await db.teams.insert(team);
      expect(await db.teams.findMembership(team.id, '00000000-0000-7000-8000-000000000000')).toBeUndefined();
    });

    it('round-trips a team and finds it by slug case-insensitively', async () => {
      const team = buildTeam({ slug: 'platform', name: 'Plattform-Team ✨', description: 'Wir bauen 🚀' });
      await db.teams.insert(team);
      expect(await db.teams.findBySlug('PLATFORM')).toEqual(team);
      expect(await db.namespaces.findByName('platform')).toEqual({ name: 'platform', kind: 'team', teamId: team.id });
    });

    it('refuses a duplicate slug with ConflictError', async () => {
      await db.teams.insert(buildTeam({ slug: 'dup' }));
      await expect(db.teams.insert(buildTeam({ slug: 'dup' }))).rejects.toBeInstanceOf(ConflictError);
    });

    it('adds members, changes roles, lists both ways and counts by role', async () => {
      const team = buildTeam({ slug: 'core' });
      const other = buildTeam({ slug: 'arch' });
      const [alice, bob] = [buildUser({ username: 'alice' }), buildUser({ username: 'bob' })];
      await db.teams.insert(team);
      await db.teams.insert(other);
      await db.users.insert(bob);
      await db.users.insert(alice);
      await db.teams.putMember({ teamId: team.id, userId: bob.id, role: 'member', createdAt: tick() });
      await db.teams.putMember({ teamId: team.id, userId: alice.id, role: 'owner', createdAt: tick() });
      await db.teams.putMember({ teamId: other.id, userId: alice.id, role: 'member', createdAt: tick() });
      await db.teams.putMember({ teamId: team.id, userId: bob.id, role: 'maintainer', createdAt: tick() });
      const members = await db.teams.listMembers(team.id);
      expect(members.map((m) => [m.username, m.role])).toEqual([
        ['alice', 'owner'],
        ['bob', 'maintainer'],
      ]);
      expect((await db.teams.listTeamsOf(alice.id)).map((t) => [t.team.slug, t.role])).toEqual([
        ['arch', 'member'],
        ['core', 'owner'],
      ]);
      expect(await db.teams.countMembers(team.id)).toBe(2);
      expect(await db.teams.countMembers(team.id, 'owner')).toBe(1);
      expect(await db.teams.removeMember(team.id, bob.id)).toBe(true);
      expect(await db.teams.removeMember(team.id, bob.id)).toBe(false);
    });

    it('keeps at least one owner: the last owner can be neither demoted nor removed', async () => {
      const team = buildTeam({ slug: 'owned' });
      const [a, b] = [buildUser({ username: 'owner-a' }), buildUser({ username: 'owner-b' })];
      await db.teams.insert(team);
      await db.users.insert(a);
      await db.users.insert(b);
      await db.teams.putMember({ teamId: team.id, userId: a.id, role: 'owner', createdAt: tick() });
      await expect(
        db.teams.putMember({ teamId: team.id, userId: a.id, role: 'member', createdAt: tick() }),
      ).rejects.toBeInstanceOf(ConflictError);
      await expect(db.teams.removeMember(team.id, a.id)).rejects.toBeInstanceOf(ConflictError);
      await db.teams.putMember({ teamId: team.id, userId: b.id, role: 'owner', createdAt: tick() });
      // Two owners demoting each other at once: one wins, the other is refused, one owner remains.
      const results = await Promise.allSettled([
        db.teams.putMember({ teamId: team.id, userId: a.id, role: 'member', createdAt: tick() }),
        db.teams.removeMember(team.id, b.id),
      ]);
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
      expect(await db.teams.countMembers(team.id, 'owner')).toBe(1);
    });

    it('refuses a membership for an unknown team or user with NotFoundError', async () => {
      const team = buildTeam({ slug: 'real' });
      const user = buildUser({ username: 'someone' });
      await db.teams.insert(team);
      await db.users.insert(user);
      await expect(
        db.teams.putMember({ teamId: team.id, userId: buildUser().id, role: 'member', createdAt: tick() }),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(
        db.teams.putMember({ teamId: buildTeam().id, userId: user.id, role: 'member', createdAt: tick() }),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it('pages teams by slug', async () => {
      for (const slug of ['zeta', 'alpha', 'mid']) await db.teams.insert(buildTeam({ slug }));
      const first = await db.teams.list({ limit: 2 });
      expect(first.items.map((t) => t.slug)).toEqual(['alpha', 'mid']);
      const second = await db.teams.list({ limit: 2, cursor: first.nextCursor });
      expect(second.items.map((t) => t.slug)).toEqual(['zeta']);
      expect(second.nextCursor).toBeUndefined();
    });

    it('deleting a team removes its memberships and frees its name; one that owns items is refused', async () => {
      const team = buildTeam({ slug: 'gone' });
      const user = buildUser({ username: 'member1' });
      await db.teams.insert(team);
      await db.users.insert(user);
      await db.teams.putMember({ teamId: team.id, userId: user.id, role: 'owner', createdAt: tick() });
      await db.teams.delete(team.id);
      expect(await db.teams.findById(team.id)).toBeUndefined();
      expect(await db.teams.listTeamsOf(user.id)).toEqual([]);
      expect(await db.namespaces.findByName('gone')).toBeUndefined();

      const busy = buildTeam({ slug: 'busy' });
      await db.teams.insert(busy);
      await db.items.insert(buildItem('mcp/busy/server', { teamId: busy.id }));
      await expect(db.teams.delete(busy.id)).rejects.toBeInstanceOf(ConflictError);
      expect(await db.teams.findById(busy.id)).toBeDefined();
    });
  });

  describe(`NamespaceRepository contract: ${name}`, () => {
    it('resolves a name to its user or team, and undefined when free', async () => {
      const user = buildUser({ username: 'nina' });
      await db.users.insert(user);
      expect(await db.namespaces.findByName('NINA')).toEqual({ name: 'nina', kind: 'user', userId: user.id });
      expect(await db.namespaces.findByName('free')).toBeUndefined();
    });
  });

  describe(`TokenRepository contract: ${name}`, () => {
    it('round-trips a token and finds it by hash; unknown hash is undefined', async () => {
      const user = buildUser({ username: 'tok' });
      await db.users.insert(user);
      const token = buildToken(user.id, {
        expiresAt: new Date('2027-03-01T12:00:00.123+02:00'),
        scopes: ['registry:read'],
      });
      await db.tokens.insert(token);
      expect(await db.tokens.findByHash(token.tokenHash)).toEqual(token);
      expect(await db.tokens.findById(token.id)).toEqual(token);
      expect(await db.tokens.findByHash('0'.repeat(64))).toBeUndefined();
      expect(await db.tokens.findWithUser(token.tokenHash)).toEqual({ token, user });
      expect(await db.tokens.findWithUser('0'.repeat(64))).toBeUndefined();
    });

    it('refuses a duplicate hash with ConflictError', async () => {
      const user = buildUser({ username: 'tok2' });
      await db.users.insert(user);
      const token = buildToken(user.id);
      await db.tokens.insert(token);
      await expect(db.tokens.insert(buildToken(user.id, { tokenHash: token.tokenHash }))).rejects.toBeInstanceOf(
        ConflictError,
      );
    });

    it('lists a user tokens newest first, by kind, and revokes once', async () => {
      const user = buildUser({ username: 'tok3' });
      await db.users.insert(user);
      const older = buildToken(user.id, { kind: 'session' });
      const newer = buildToken(user.id, { kind: 'personal' });
      await db.tokens.insert(older);
      await db.tokens.insert(newer);
      expect((await db.tokens.listByUser(user.id)).map((t) => t.id)).toEqual([newer.id, older.id]);
      expect((await db.tokens.listByUser(user.id, 'session')).map((t) => t.id)).toEqual([older.id]);
      const at = tick();
      expect(await db.tokens.revoke(newer.id, at)).toBe(true);
      expect(await db.tokens.revoke(newer.id, tick())).toBe(false);
      expect((await db.tokens.findById(newer.id))?.revokedAt).toEqual(at);
      const used = tick();
      await db.tokens.touch(older.id, used);
      expect((await db.tokens.findById(older.id))?.lastUsedAt).toEqual(used);
    });
  });
}
