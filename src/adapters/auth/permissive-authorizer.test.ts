import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import { authorizerContract } from '../../domain/accounts/authorizer.contract.ts';
import type { Authorizer } from '../../domain/accounts/authorizer.ts';
import { buildActor, buildItem, buildTeam, buildUser } from '../../domain/testing/builders.ts';
import { PermissiveAuthorizer } from './permissive-authorizer.ts';

authorizerContract('permissive', async () => new PermissiveAuthorizer());

describe('PermissiveAuthorizer', () => {
  const authorizer: Authorizer = new PermissiveAuthorizer();
  const someone = buildActor(buildUser({ username: 'someone' }));
  const other = buildUser({ username: 'other' });
  const othersPrivate = buildItem('skill/other/diary', { ownerUserId: other.id, visibility: 'team' });
  const teamPrivate = buildItem('skill/platform/internal', { teamId: buildTeam().id, visibility: 'team' });

  it('lets any signed-in user change anything, as an admin would', async () => {
    expect(authorizer.isAdmin(someone)).toBe(true);
    expect(authorizer.canManageUser(someone, other.id)).toBe(true);
    expect(await authorizer.canManageTeam(someone, buildTeam())).toBe(true);
    expect(await authorizer.canPublish(someone, { name: 'other', kind: 'user', userId: other.id })).toBe(true);
    for (const item of [othersPrivate, teamPrivate]) {
      expect(await authorizer.canEditItem(someone, item)).toBe(true);
      expect(await authorizer.canDeleteItem(someone, item)).toBe(true);
    }
  });

  it('lets anyone, anonymous included, browse and read every item', async () => {
    const nobody = anonymous();
    expect(authorizer.canBrowse(nobody)).toBe(true);
    expect(authorizer.viewerOf(nobody)).toEqual({ kind: 'admin' });
    expect(await authorizer.canReadItem(nobody, othersPrivate)).toBe(true);
    expect(await authorizer.canReadItem(nobody, teamPrivate)).toBe(true);
  });
});
