import type { Page, PageRequest } from '../page.ts';
import type { AuditEntry } from './audit-entry.ts';

export interface AuditFilter {
  readonly actorId?: string;
  /** Exact action, or a prefix ending in `.` (e.g. `team.`). */
  readonly action?: string;
  readonly target?: string;
  readonly since?: Date;
  readonly until?: Date;
}

/** Append-only record of writes. Entries are copies. */
export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  /** Newest first, with a keyset cursor. */
  list(filter: AuditFilter, page: PageRequest): Promise<Page<AuditEntry>>;
}
