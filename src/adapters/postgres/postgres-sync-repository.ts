import { and, count, desc, eq, sql } from 'drizzle-orm';
import { storableText } from '../../domain/manifests/json-safe.ts';
import type { SyncJob, SyncState, WebhookDelivery } from '../../domain/sync/sync-job.ts';
import { SYNC_REASON_KINDS, type SyncReason, type SyncReasonKind } from '../../domain/sync/sync-reason.ts';
import type { SyncRepository } from '../../domain/sync/sync-repository.ts';
import type { Db } from './connection.ts';
import { syncJobs, syncState, webhookDeliveries } from './schema.ts';
import { translated } from './translate-error.ts';

const EMPTY_STATE: SyncState = {
  lastSyncedSha: null,
  lastSyncedAt: null,
  lastVerifiedAt: null,
  lastVerifyReport: null,
};

const NAMESPACE_PREFIX = 'namespace:';

/** The `reason` column: the kind, or `namespace:<name>` for a namespace revisit. */
function reasonText(reason: SyncReason): string {
  switch (reason.kind) {
    case 'namespace':
      return `${NAMESPACE_PREFIX}${reason.namespace}`;
    case 'unknown':
      return reason.recorded;
    default:
      return reason.kind;
  }
}

/** Text this version cannot read (a newer Atlas wrote it, or a person) comes back as `unknown`, never an error. */
function reasonOf(text: string): SyncReason {
  if (text.startsWith(NAMESPACE_PREFIX) && text.length > NAMESPACE_PREFIX.length) {
    return { kind: 'namespace', namespace: text.slice(NAMESPACE_PREFIX.length) };
  }
  const kind = SYNC_REASON_KINDS.find(
    (k): k is Exclude<SyncReasonKind, 'namespace'> => k !== 'namespace' && k === text,
  );
  if (kind) return { kind };
  return { kind: 'unknown', recorded: text };
}

type JobRow = typeof syncJobs.$inferSelect;
const rowOf = (job: SyncJob): JobRow => ({ ...job, reason: reasonText(job.reason) });
const jobOf = (row: JobRow): SyncJob => ({ ...row, reason: reasonOf(row.reason) });

export class PostgresSyncRepository implements SyncRepository {
  constructor(private readonly db: Db) {}

  recordDelivery(delivery: WebhookDelivery, job: SyncJob | undefined): Promise<boolean> {
    return translated(() =>
      this.db.transaction(async (tx) => {
        // The primary key decides: of two copies of a delivery arriving at once, one inserts, one does nothing.
        const inserted = await tx
          .insert(webhookDeliveries)
          .values(delivery)
          .onConflictDoNothing({ target: webhookDeliveries.deliveryId })
          .returning({ id: webhookDeliveries.deliveryId });
        if (inserted.length === 0) return false;
        if (job) await tx.insert(syncJobs).values(rowOf(job));
        return true;
      }),
    );
  }

  async findDelivery(deliveryId: string) {
    const [row] = await translated(() =>
      this.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.deliveryId, deliveryId)),
    );
    return row;
  }

  enqueue(job: SyncJob): Promise<void> {
    return translated(async () => {
      await this.db.insert(syncJobs).values(rowOf(job));
    });
  }

  async claim(worker: string, now: Date, leaseUntil: Date): Promise<SyncJob | undefined> {
    // SKIP LOCKED: concurrent workers each take a different due job instead of waiting on one another.
    const [row] = await translated(() =>
      this.db
        .update(syncJobs)
        .set({
          status: 'running',
          attempts: sql`${syncJobs.attempts} + 1`,
          lockedBy: worker,
          lockedUntil: leaseUntil,
          updatedAt: now,
        })
        .where(
          eq(
            syncJobs.id,
            sql`(select ${syncJobs.id} from ${syncJobs}
              where (${syncJobs.status} = 'queued' and ${syncJobs.runAfter} <= ${now})
                 or (${syncJobs.status} = 'running' and ${syncJobs.lockedUntil} <= ${now})
              order by ${syncJobs.runAfter}, ${syncJobs.id}
              limit 1 for update skip locked)`,
          ),
        )
        .returning(),
    );
    return row && jobOf(row);
  }

  async complete(id: string, now: Date): Promise<void> {
    await translated(() =>
      this.db
        .update(syncJobs)
        .set({ status: 'done', lockedBy: null, lockedUntil: null, updatedAt: now })
        .where(eq(syncJobs.id, id)),
    );
  }

  async fail(id: string, error: string, now: Date, retryAt: Date | null): Promise<void> {
    await translated(() =>
      this.db
        .update(syncJobs)
        .set({
          status: retryAt ? 'queued' : 'failed',
          ...(retryAt ? { runAfter: retryAt } : {}),
          // PostgreSQL refuses a NUL in text; a job whose error cannot be recorded would stay `running`.
          lastError: storableText(error, 2000),
          lockedBy: null,
          lockedUntil: null,
          updatedAt: now,
        })
        .where(eq(syncJobs.id, id)),
    );
  }

  async findJob(id: string) {
    const [row] = await translated(() => this.db.select().from(syncJobs).where(eq(syncJobs.id, id)));
    return row && jobOf(row);
  }

  async listJobs(status: SyncJob['status'], limit: number): Promise<SyncJob[]> {
    const rows = await translated(() =>
      this.db
        .select()
        .from(syncJobs)
        .where(eq(syncJobs.status, status))
        .orderBy(desc(syncJobs.updatedAt), desc(syncJobs.id))
        .limit(limit),
    );
    return rows.map(jobOf);
  }

  async countJobs(status: SyncJob['status']): Promise<number> {
    const [row] = await translated(() =>
      this.db.select({ n: count() }).from(syncJobs).where(eq(syncJobs.status, status)),
    );
    return Number(row?.n ?? 0);
  }

  async getState(): Promise<SyncState> {
    const [row] = await translated(() => this.db.select().from(syncState).where(eq(syncState.id, 1)));
    if (!row) return { ...EMPTY_STATE };
    const { id: _id, ...state } = row;
    return state;
  }

  advance(expected: string | null, next: string, at: Date): Promise<boolean> {
    return translated(async () => {
      if (expected === null) {
        // The first sync creates the row; a concurrent first sync loses on the primary key.
        const inserted = await this.db
          .insert(syncState)
          .values({ id: 1, lastSyncedSha: next, lastSyncedAt: at })
          .onConflictDoUpdate({
            target: syncState.id,
            set: { lastSyncedSha: next, lastSyncedAt: at },
            setWhere: sql`${syncState.lastSyncedSha} is null`,
          })
          .returning({ id: syncState.id });
        return inserted.length > 0;
      }
      const updated = await this.db
        .update(syncState)
        .set({ lastSyncedSha: next, lastSyncedAt: at })
        .where(and(eq(syncState.id, 1), eq(syncState.lastSyncedSha, expected)))
        .returning({ id: syncState.id });
      return updated.length > 0;
    });
  }

  recordVerify(report: Record<string, unknown>, at: Date): Promise<void> {
    return translated(async () => {
      await this.db
        .insert(syncState)
        .values({ id: 1, lastVerifiedAt: at, lastVerifyReport: report })
        .onConflictDoUpdate({ target: syncState.id, set: { lastVerifiedAt: at, lastVerifyReport: report } });
    });
  }
}
