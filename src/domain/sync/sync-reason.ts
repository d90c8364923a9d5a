/** Why a sync job was queued, defined once: each kind Atlas queues. */
export const SYNC_REASON_KINDS = ['webhook', 'poll', 'manual', 'namespace'] as const;
export type SyncReasonKind = (typeof SYNC_REASON_KINDS)[number];

/**
 * Why a sync job was queued:
 * - `webhook`: GitHub announced a push (the job carries the delivery id and the commit);
 * - `poll`: the poller found the branch head past the last synced commit;
 * - `manual`: a person asked for it;
 * - `namespace`: a user or team was created, and the folders of its namespace recorded as invalid
 *   for want of an owner are read again;
 * - `unknown`: a reason read back from storage that this version of Atlas does not know (written by a
 *   newer version, or by hand), kept as recorded; the job still brings the catalog up to the head.
 */
export type SyncReason =
  | { readonly kind: Exclude<SyncReasonKind, 'namespace'> }
  | { readonly kind: 'namespace'; readonly namespace: string }
  | { readonly kind: 'unknown'; readonly recorded: string };
