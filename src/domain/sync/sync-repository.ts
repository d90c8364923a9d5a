import type { SyncJob, SyncState, WebhookDelivery } from './sync-job.ts';

/** The sync queue, webhook deliveries and sync state. Returned objects are copies. */
export interface SyncRepository {
  /**
   * Stores a delivery and, when it asks for a sync, enqueues `job`, atomically.
   * @returns false when the delivery id was already stored: nothing is written, the caller answers 2xx.
   */
  recordDelivery(delivery: WebhookDelivery, job: SyncJob | undefined): Promise<boolean>;
  findDelivery(deliveryId: string): Promise<WebhookDelivery | undefined>;
  enqueue(job: SyncJob): Promise<void>;
  /**
   * Claims the oldest due job (queued and due, or running with an expired lease) for `worker` until
   * `leaseUntil`, counting an attempt. Concurrent claimers never get the same job (FOR UPDATE SKIP LOCKED).
   */
  claim(worker: string, now: Date, leaseUntil: Date): Promise<SyncJob | undefined>;
  /** Marks a claimed job done. */
  complete(id: string, now: Date): Promise<void>;
  /** Records a failure: queued again after `retryAt`, or parked as `failed` when `retryAt` is null. */
  fail(id: string, error: string, now: Date, retryAt: Date | null): Promise<void>;
  findJob(id: string): Promise<SyncJob | undefined>;
  /** Jobs of a status, newest first. */
  listJobs(status: SyncJob['status'], limit: number): Promise<SyncJob[]>;
  countJobs(status: SyncJob['status']): Promise<number>;

  getState(): Promise<SyncState>;
  /**
   * Advances `lastSyncedSha` from `expected` to `next`, compare-and-swap: false (and nothing
   * written) when another sync moved it first. Meant to run in the transaction that applies the sync.
   */
  advance(expected: string | null, next: string, at: Date): Promise<boolean>;
  recordVerify(report: Record<string, unknown>, at: Date): Promise<void>;
}
