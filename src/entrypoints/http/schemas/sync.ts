import { type Static, Type } from 'typebox';
import { DateTime, NullableDateTime, refTo } from './common.ts';
import { ItemSchema } from './items.ts';
import { FieldProblemSchema } from './problem.ts';

export const DriftSchema = Type.Object({
  gitOnly: Type.Array(Type.String(), { description: 'Item folders in git the catalog does not have.' }),
  dbOnly: Type.Array(Type.String(), { description: 'Catalog items whose folder is not in git.' }),
  stale: Type.Array(Type.String(), { description: 'Items whose tree SHA differs from git.' }),
});

/** What a verify found, and what a repair did. */
export const VerifyReportSchema = Type.Object({
  head: Type.String(),
  checkedAt: DateTime,
  folders: Type.Integer(),
  items: Type.Integer(),
  drift: DriftSchema,
  driftCount: Type.Integer(),
  repaired: Type.Optional(Type.Record(Type.String(), Type.Integer())),
});
export type VerifyReport = Static<typeof VerifyReportSchema>;

export const VerifyBodySchema = Type.Optional(
  Type.Object({ repair: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
);

export const FailedJobSchema = Type.Object({
  id: Type.String(),
  reason: Type.String({ description: '`webhook`, `poll`, `manual` or `namespace:<name>`' }),
  attempts: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  updatedAt: DateTime,
});
export type FailedJob = Static<typeof FailedJobSchema>;

export const SyncStatusSchema = Type.Object({
  head: Type.String(),
  lastSyncedSha: Type.Union([Type.String(), Type.Null()]),
  lastSyncedAt: NullableDateTime,
  behind: Type.Boolean(),
  lagSeconds: Type.Number(),
  queue: Type.Object({ queued: Type.Integer(), running: Type.Integer(), failed: Type.Integer() }),
  failedJobs: Type.Array(FailedJobSchema),
  invalidItems: Type.Array(Type.Object({ item: refTo(ItemSchema), problems: Type.Array(FieldProblemSchema) })),
  lastVerify: Type.Object({ at: NullableDateTime, report: Type.Union([Type.Unknown(), Type.Null()]) }),
});
export type SyncStatus = Static<typeof SyncStatusSchema>;

/** One job of the sync queue, as a request to sync now answers it. */
export const SyncJobSchema = Type.Object({
  id: Type.String(),
  reason: Type.String({ description: '`webhook`, `poll`, `manual` or `namespace:<name>`' }),
  status: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  afterSha: Type.Union([Type.String(), Type.Null()], { description: 'The commit it was queued for.' }),
  createdAt: DateTime,
});

/** `POST /sync/run`: what asking for a sync did. */
export const SyncRunSchema = Type.Object({
  outcome: Type.Union([Type.Literal('queued'), Type.Literal('already-queued'), Type.Literal('up-to-date')], {
    description:
      'queued: a job for the head is in the queue; already-queued: a waiting job will reach the head, nothing added; up-to-date: the catalog is at the head, nothing queued.',
  }),
  head: Type.String({ description: "The content branch's head when asked." }),
  job: Type.Optional(SyncJobSchema),
});
export type SyncRun = Static<typeof SyncRunSchema>;

/** The headers GitHub signs and names a delivery with. */
export const WebhookHeadersSchema = Type.Object({
  'x-github-event': Type.Optional(Type.String({ maxLength: 100 })),
  'x-github-delivery': Type.Optional(Type.String({ maxLength: 200 })),
  'x-hub-signature-256': Type.Optional(Type.String({ maxLength: 200 })),
});

export const WebhookReceiptSchema = Type.Object({ outcome: Type.String(), reason: Type.Optional(Type.String()) });
export type WebhookReceipt = Static<typeof WebhookReceiptSchema>;
