import { beforeEach, describe, expect, it } from 'vitest';
import type { Repositories } from '../repositories.ts';
import { buildAuditEntry, buildUser } from '../testing/builders.ts';

export function auditLogContract(name: string, open: () => Promise<Repositories>) {
  describe(`AuditLog contract: ${name}`, () => {
    let db: Repositories;
    beforeEach(async () => {
      db = await open();
    });

    it('lists entries newest first with a cursor, details round-tripped', async () => {
      const entries = [0, 1, 2, 3, 4].map((i) =>
        buildAuditEntry({ target: `team/t${i}`, details: { i, note: 'ü ✓' } }),
      );
      for (const e of entries) await db.audit.append(e);
      const first = await db.audit.list({}, { limit: 3 });
      expect(first.items).toEqual([entries[4], entries[3], entries[2]]);
      const second = await db.audit.list({}, { limit: 3, cursor: first.nextCursor });
      expect(second.items).toEqual([entries[1], entries[0]]);
      expect(second.nextCursor).toBeUndefined();
    });

    it('filters by actor, exact action, action prefix, target and time', async () => {
      const actor = buildUser({ username: 'auditor' });
      const a = buildAuditEntry({ actorId: actor.id, action: 'team.create', target: 'team/x' });
      const b = buildAuditEntry({ action: 'team.member.put', target: 'team/x' });
      const c = buildAuditEntry({ action: 'token.create', target: 'token/1' });
      for (const e of [a, b, c]) await db.audit.append(e);
      const ids = async (filter: Parameters<typeof db.audit.list>[0]) =>
        (await db.audit.list(filter, { limit: 10 })).items.map((e) => e.id);
      expect(await ids({ actorId: actor.id })).toEqual([a.id]);
      expect(await ids({ action: 'team.create' })).toEqual([a.id]);
      expect(await ids({ action: 'team.' })).toEqual([b.id, a.id]);
      expect(await ids({ target: 'token/1' })).toEqual([c.id]);
      expect(await ids({ since: b.at })).toEqual([c.id, b.id]);
      expect(await ids({ until: b.at })).toEqual([a.id]);
      expect(await ids({ action: 'te%' })).toEqual([]);
    });
  });
}
