import { describe, expect, it } from 'vitest';
import { anonymous } from '../domain/accounts/actor.ts';
import { buildUser } from '../domain/testing/builders.ts';
import { auditEntry } from './audit.ts';
import { actorOf } from './testing/use-case-helpers.ts';

describe('auditEntry', () => {
  it('records who acted, what on, when, from where, and the details given', () => {
    const user = buildUser({ username: 'alice' });
    const at = new Date(Date.UTC(2030, 0, 1));
    const entry = auditEntry(actorOf(user, 'token-1'), at, 'team.create', 'team/platform', { name: 'Platform' });
    expect(entry).toEqual({
      id: expect.any(String),
      at,
      actorId: user.id,
      actorName: 'alice',
      action: 'team.create',
      target: 'team/platform',
      details: { name: 'Platform' },
      ip: '203.0.113.7',
    });
  });

  it('records an anonymous actor as nobody, with empty details by default', () => {
    const entry = auditEntry(anonymous('192.0.2.9'), new Date(), 'auth.login_failed', 'login/alice');
    expect(entry).toMatchObject({ actorId: null, actorName: null, ip: '192.0.2.9', details: {} });
  });

  it('gives every entry its own id, ordered by time', () => {
    const actor = anonymous();
    const early = auditEntry(actor, new Date(Date.UTC(2030, 0, 1)), 'a.b', 'x');
    const late = auditEntry(actor, new Date(Date.UTC(2030, 0, 2)), 'a.b', 'x');
    const again = auditEntry(actor, new Date(Date.UTC(2030, 0, 2)), 'a.b', 'x');
    expect(new Set([early.id, late.id, again.id]).size).toBe(3);
    expect(early.id < late.id).toBe(true);
  });
});
