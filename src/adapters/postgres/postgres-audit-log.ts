import { and, desc, eq, gte, like, lt } from 'drizzle-orm';
import type { AuditEntry } from '../../domain/audit/audit-entry.ts';
import type { AuditFilter, AuditLog } from '../../domain/audit/audit-log.ts';
import { decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import type { Page, PageRequest } from '../../domain/page.ts';
import type { Db } from './connection.ts';
import { auditLog } from './schema.ts';
import { translated } from './translate-error.ts';

export class PostgresAuditLog implements AuditLog {
  constructor(private readonly db: Db) {}

  append(entry: AuditEntry): Promise<void> {
    return translated(async () => {
      await this.db.insert(auditLog).values({ ...entry, details: { ...entry.details } });
    });
  }

  async list(filter: AuditFilter, { limit, cursor }: PageRequest): Promise<Page<AuditEntry>> {
    const before = cursor === undefined ? undefined : String(decodeCursor('audit', cursor, 1)[0]);
    const action =
      filter.action === undefined
        ? undefined
        : filter.action.endsWith('.')
          ? like(auditLog.action, `${filter.action.replace(/[\\%_]/g, '\\$&')}%`)
          : eq(auditLog.action, filter.action);
    // UUIDv7 ids sort by time, so the id alone is the keyset.
    const rows = await translated(() =>
      this.db
        .select()
        .from(auditLog)
        .where(
          and(
            filter.actorId ? eq(auditLog.actorId, filter.actorId) : undefined,
            action,
            filter.target ? eq(auditLog.target, filter.target) : undefined,
            filter.since ? gte(auditLog.at, filter.since) : undefined,
            filter.until ? lt(auditLog.at, filter.until) : undefined,
            before ? lt(auditLog.id, before) : undefined,
          ),
        )
        .orderBy(desc(auditLog.id))
        .limit(limit + 1),
    );
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return rows.length > limit && last ? { items, nextCursor: encodeCursor('audit', [last.id]) } : { items };
  }
}
