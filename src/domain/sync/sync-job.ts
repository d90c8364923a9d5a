import type { SyncReason } from './sync-reason.ts';

export const SYNC_JOB_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type SyncJobStatus = (typeof SYNC_JOB_STATUSES)[number];

/** A request to bring the catalog up to the content branch's head: from a webhook, the poller or a person. */
export interface SyncJob {
  readonly id: string;
  readonly reason: SyncReason;
  readonly deliveryId: string | null;
  /** The commit the webhook announced, when it came from one. */
  readonly afterSha: string | null;
  readonly status: SyncJobStatus;
  readonly attempts: number;
  readonly maxAttempts: number;
  /** Not claimed before this time (backoff). */
  readonly runAfter: Date;
  readonly lockedBy: string | null;
  /** A running job whose lease passed is taken over: its worker died. */
  readonly lockedUntil: Date | null;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface WebhookDelivery {
  readonly deliveryId: string;
  readonly event: string;
  readonly outcome: 'queued' | 'ignored';
  readonly afterSha: string | null;
  readonly receivedAt: Date;
}

export interface SyncState {
  readonly lastSyncedSha: string | null;
  readonly lastSyncedAt: Date | null;
  readonly lastVerifiedAt: Date | null;
  readonly lastVerifyReport: Readonly<Record<string, unknown>> | null;
}
