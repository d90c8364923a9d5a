import type { AuditEntry } from '../../domain/audit/audit-entry.ts';
import type { AuditFilter, AuditLog } from '../../domain/audit/audit-log.ts';
import { decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import { ConflictError } from '../../domain/errors.ts';
import type { Page, PageRequest } from '../../domain/page.ts';
import { copy, type InMemoryState, pageOf } from './in-memory-state.ts';

export class InMemoryAuditLog implements AuditLog {
  constructor(private readonly state: InMemoryState) {}

  async append(entry: AuditEntry): Promise<void> {
    if (this.state.audit.has(entry.id)) throw new ConflictError(`audit entry ${entry.id} already exists`);
    this.state.audit.set(entry.id, copy(entry));
  }

  async list(filter: AuditFilter, { limit, cursor }: PageRequest): Promise<Page<AuditEntry>> {
    const before = cursor === undefined ? undefined : String(decodeCursor('audit', cursor, 1)[0]);
    const matches = (e: AuditEntry) =>
      (filter.actorId === undefined || e.actorId === filter.actorId) &&
      (filter.action === undefined ||
        (filter.action.endsWith('.') ? e.action.startsWith(filter.action) : e.action === filter.action)) &&
      (filter.target === undefined || e.target === filter.target) &&
      (filter.since === undefined || e.at >= filter.since) &&
      (filter.until === undefined || e.at < filter.until) &&
      (before === undefined || e.id < before);
    const sorted = this.state.audit
      .values()
      .filter(matches)
      .sort((a, b) => (a.id < b.id ? 1 : -1))
      .map(copy);
    return pageOf(sorted, limit, (last) => encodeCursor('audit', [last.id]));
  }
}
