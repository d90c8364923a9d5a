import type { Actor } from '../domain/accounts/actor.ts';
import type { AuditEntry } from '../domain/audit/audit-entry.ts';
import { newId } from '../domain/ids.ts';

/** An audit entry for a write by `actor`. Never pass secrets or passwords in `details`. */
export function auditEntry(
  actor: Actor,
  at: Date,
  action: string,
  target: string,
  details: Record<string, unknown> = {},
): AuditEntry {
  return {
    id: newId(at.getTime()),
    at,
    actorId: actor.user?.id ?? null,
    actorName: actor.user?.username ?? null,
    action,
    target,
    details,
    ip: actor.ip,
  };
}
