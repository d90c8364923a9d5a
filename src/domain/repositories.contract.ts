import { beforeEach, describe, expect, it } from 'vitest';
import { accountRepositoriesContract } from './accounts/account-repositories.contract.ts';
import { auditLogContract } from './audit/audit-log.contract.ts';
import { parseItemRef } from './catalog/item-ref.ts';
import { itemRepositoryContract } from './catalog/item-repository.contract.ts';
import { itemRepositoryRegistryContract } from './catalog/item-repository-registry.contract.ts';
import { skillArtifactRepositoryContract } from './catalog/skill-artifact-repository.contract.ts';
import { ConflictError, ServerNameTakenError } from './errors.ts';
import type { Database } from './repositories.ts';
import { syncRepositoryContract } from './sync/sync-repository.contract.ts';
import { buildItem, buildTeam, buildUser } from './testing/builders.ts';

/** Every repository contract plus transactions, for one Database implementation. */
export function databaseContract(name: string, open: () => Promise<Database>) {
  accountRepositoriesContract(name, open);
  itemRepositoryContract(name, open);
  itemRepositoryRegistryContract(name, open);
  auditLogContract(name, open);
  syncRepositoryContract(name, open);
  skillArtifactRepositoryContract(name, open);

  describe(`Transactor contract: ${name}`, () => {
    let db: Database;
    beforeEach(async () => {
      db = await open();
    });

    it('commits every write of a transaction together', async () => {
      await db.transaction(async (tx) => {
        await tx.users.insert(buildUser({ username: 'in-tx' }));
        await tx.teams.insert(buildTeam({ slug: 'tx-team' }));
      });
      expect(await db.users.findByUsername('in-tx')).toBeDefined();
      expect(await db.teams.findBySlug('tx-team')).toBeDefined();
    });

    it('rolls every write back when the work throws', async () => {
      await db.users.insert(buildUser({ username: 'exists' }));
      await expect(
        db.transaction(async (tx) => {
          await tx.teams.insert(buildTeam({ slug: 'half' }));
          await tx.users.insert(buildUser({ username: 'exists' }));
        }),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(await db.teams.findBySlug('half')).toBeUndefined();
      expect(await db.namespaces.findByName('half')).toBeUndefined();
    });

    it('rolls every write back when a write takes a server name another item holds', async () => {
      const serverName = 'io.github.acme/weather';
      await db.items.insert(buildItem('mcp/x/weather', { serverName }));
      await expect(
        db.transaction(async (tx) => {
          await tx.items.insert(buildItem('skill/y/helper'));
          await tx.items.insert(buildItem('mcp/y/weather', { serverName }));
        }),
      ).rejects.toBeInstanceOf(ServerNameTakenError);
      expect(await db.items.findByGitPath('skills/y/helper')).toBeUndefined();
      expect(await db.items.findByGitPath('mcp/y/weather')).toBeUndefined();
    });

    it('reads its own writes through the lookups every request makes (prepared per transaction by a database)', async () => {
      const owner = buildUser({ username: 'looker' });
      await db.users.insert(owner);
      const ref = parseItemRef('skill/looker/seen');
      expect(await db.items.findByRef(ref)).toBeUndefined();
      expect(await db.items.findWithNamesByRef(ref)).toBeUndefined();
      await db.transaction(async (tx) => {
        await tx.items.insert(buildItem('skill/looker/seen', { ownerUserId: owner.id }));
        expect((await tx.items.findByRef(ref))?.name).toBe('seen');
        expect((await tx.items.findWithNamesByRef(ref))?.owner).toBe('looker');
        expect(await tx.namespaces.findByName('LOOKER')).toEqual({ name: 'looker', kind: 'user', userId: owner.id });
      });
      expect((await db.items.findWithNamesByRef(ref))?.owner).toBe('looker');
      expect((await db.items.findByRef(ref))?.name).toBe('seen');
    });

    it('answers ping', async () => {
      await expect(db.ping()).resolves.toBeUndefined();
    });
  });
}
