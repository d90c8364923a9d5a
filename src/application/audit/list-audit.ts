import type { Actor } from '../../domain/accounts/actor.ts';
import type { AuditEntry } from '../../domain/audit/audit-entry.ts';
import type { AuditFilter } from '../../domain/audit/audit-log.ts';
import { ForbiddenError, UnauthenticatedError, ValidationError } from '../../domain/errors.ts';
import type { Page, PageRequest } from '../../domain/page.ts';
import type { AtlasDeps } from '../deps.ts';

export interface ListAuditInput {
  readonly actor?: string;
  readonly action?: string;
  readonly target?: string;
  readonly since?: string;
  readonly until?: string;
}

/** The audit log, newest first; for site admins. `actor` is a username. */
export async function listAudit(
  { db, authorizer }: Pick<AtlasDeps, 'db' | 'authorizer'>,
  input: ListAuditInput,
  page: PageRequest,
  actor: Actor,
): Promise<Page<AuditEntry>> {
  if (!actor.user) throw new UnauthenticatedError('sign in first');
  if (!authorizer.isAdmin(actor)) throw new ForbiddenError('only administrators read the audit log');
  const date = (value: string | undefined, path: string) => {
    if (value === undefined) return undefined;
    const parsed = new Date(value);
    if (Number.isNaN(parsed.getTime())) throw new ValidationError({ path, message: 'must be an ISO 8601 date-time' });
    return parsed;
  };
  const filter: AuditFilter = {
    action: input.action,
    target: input.target,
    since: date(input.since, 'query/since'),
    until: date(input.until, 'query/until'),
  };
  if (input.actor !== undefined) {
    const user = await db.users.findByUsername(input.actor);
    if (!user) return { items: [] };
    return db.audit.list({ ...filter, actorId: user.id }, page);
  }
  return db.audit.list(filter, page);
}
