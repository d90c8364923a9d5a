import { ConflictError } from '../../domain/errors.ts';
import type { SyncJob, SyncState, WebhookDelivery } from '../../domain/sync/sync-job.ts';
import type { SyncRepository } from '../../domain/sync/sync-repository.ts';
import { copy, type InMemoryState } from './in-memory-state.ts';

/** The key of the one row of `state.syncState`. */
const SYNC_STATE = 'sync';
const EMPTY_STATE: SyncState = {
  lastSyncedSha: null,
  lastSyncedAt: null,
  lastVerifiedAt: null,
  lastVerifyReport: null,
};

export class InMemorySyncRepository implements SyncRepository {
  constructor(private readonly state: InMemoryState) {}

  async recordDelivery(delivery: WebhookDelivery, job: SyncJob | undefined): Promise<boolean> {
    const s = this.state;
    if (s.deliveries.has(delivery.deliveryId)) return false;
    if (job && s.jobs.has(job.id)) throw new ConflictError(`job ${job.id} already exists`);
    s.deliveries.set(delivery.deliveryId, copy(delivery));
    if (job) s.jobs.set(job.id, copy(job));
    return true;
  }

  async findDelivery(deliveryId: string) {
    const d = this.state.deliveries.get(deliveryId);
    return d && copy(d);
  }

  async enqueue(job: SyncJob): Promise<void> {
    if (this.state.jobs.has(job.id)) throw new ConflictError(`job ${job.id} already exists`);
    this.state.jobs.set(job.id, copy(job));
  }

  async claim(worker: string, now: Date, leaseUntil: Date): Promise<SyncJob | undefined> {
    const due = this.state.jobs
      .values()
      .filter(
        (j) =>
          (j.status === 'queued' && j.runAfter <= now) ||
          (j.status === 'running' && j.lockedUntil !== null && j.lockedUntil <= now),
      )
      .sort((a, b) => a.runAfter.getTime() - b.runAfter.getTime() || (a.id < b.id ? -1 : 1))[0];
    if (!due) return undefined;
    const claimed: SyncJob = {
      ...due,
      status: 'running',
      attempts: due.attempts + 1,
      lockedBy: worker,
      lockedUntil: leaseUntil,
      updatedAt: now,
    };
    this.state.jobs.set(due.id, claimed);
    return copy(claimed);
  }

  async complete(id: string, now: Date): Promise<void> {
    const job = this.state.jobs.get(id);
    if (job) this.state.jobs.set(id, { ...job, status: 'done', lockedBy: null, lockedUntil: null, updatedAt: now });
  }

  async fail(id: string, error: string, now: Date, retryAt: Date | null): Promise<void> {
    const job = this.state.jobs.get(id);
    if (!job) return;
    this.state.jobs.set(id, {
      ...job,
      status: retryAt ? 'queued' : 'failed',
      runAfter: retryAt ?? job.runAfter,
      lastError: error,
      lockedBy: null,
      lockedUntil: null,
      updatedAt: now,
    });
  }

  async findJob(id: string) {
    const j = this.state.jobs.get(id);
    return j && copy(j);
  }

  async listJobs(status: SyncJob['status'], limit: number) {
    return this.state.jobs
      .values()
      .filter((j) => j.status === status)
      .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || (a.id < b.id ? 1 : -1))
      .slice(0, limit)
      .map(copy);
  }

  async countJobs(status: SyncJob['status']) {
    return this.state.jobs.values().filter((j) => j.status === status).length;
  }

  async getState() {
    return copy(this.#current());
  }

  async advance(expected: string | null, next: string, at: Date): Promise<boolean> {
    const current = this.#current();
    if (current.lastSyncedSha !== expected) return false;
    this.state.syncState.set(SYNC_STATE, { ...current, lastSyncedSha: next, lastSyncedAt: at });
    return true;
  }

  async recordVerify(report: Record<string, unknown>, at: Date): Promise<void> {
    this.state.syncState.set(SYNC_STATE, { ...this.#current(), lastVerifiedAt: at, lastVerifyReport: copy(report) });
  }

  #current(): SyncState {
    return this.state.syncState.get(SYNC_STATE) ?? EMPTY_STATE;
  }
}
