import { UnauthenticatedError, UnavailableError, ValidationError } from '../../domain/errors.ts';
import type { AtlasDeps } from '../deps.ts';
import { newSyncJob } from './run-sync-job.ts';

export interface ReceiveWebhookInput {
  /** The id GitHub gives the delivery; a redelivery carries the same one. */
  readonly deliveryId: string | undefined;
  /** What happened, e.g. `push` or `ping`. */
  readonly event: string | undefined;
  /** `sha256=<hex>`, made with the shared secret. */
  readonly signature: string | undefined;
  /** The payload exactly as GitHub sent it: the signature covers these bytes. */
  readonly payload: string;
}

export interface WebhookReceipt {
  readonly outcome: 'queued' | 'ignored' | 'duplicate' | 'pong';
  readonly reason?: string;
}

const DELIVERY_ID = /^[A-Za-z0-9-]{1,100}$/;

/**
 * Takes a GitHub webhook delivery and does no sync work itself:
 * - the signature is checked first (constant time); a bad one is UnauthenticatedError and nothing is stored;
 * - a delivery id, event or payload that GitHub would never send is a ValidationError naming each of
 *   them (`deliveryId`, `event`, `payload`), and nothing is stored;
 * - the delivery is stored by its id; a repeat is a no-op the caller still acknowledges;
 * - a push to the content branch of the configured repository enqueues a sync job; pings, other
 *   events, branches and repositories are acknowledged and ignored;
 * - when the database cannot store it, the error goes back to GitHub (which shows a failed delivery),
 *   never a silent success; the poller heals the gap later.
 */
export async function receiveWebhook(
  deps: Pick<AtlasDeps, 'db' | 'clock' | 'webhooks' | 'syncSettings' | 'jobSignal'>,
  input: ReceiveWebhookInput,
): Promise<WebhookReceipt> {
  const { db, clock, webhooks, syncSettings, jobSignal } = deps;
  if (!webhooks) throw new UnavailableError('webhooks are not configured: set ATLAS_WEBHOOK_SECRET');
  if (!input.signature || !(await webhooks.verify(input.payload, input.signature))) {
    throw new UnauthenticatedError('the signature does not match the payload');
  }
  const problems = [];
  if (!input.deliveryId || !DELIVERY_ID.test(input.deliveryId)) {
    problems.push({ path: 'deliveryId', message: 'must be the delivery id GitHub sends' });
  }
  if (!input.event || !/^[a-z_]{1,50}$/.test(input.event)) {
    problems.push({ path: 'event', message: 'must name the event, e.g. push' });
  }
  let data: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(input.payload);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) data = parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  if (!data)
    problems.push({
      path: 'payload',
      message: 'must be a JSON object (set the webhook content type to application/json)',
    });
  if (problems.length > 0) throw new ValidationError(problems);

  const deliveryId = input.deliveryId!;
  const event = input.event!;
  const now = clock.now();
  const ignore = async (reason: string, outcome: WebhookReceipt['outcome'] = 'ignored'): Promise<WebhookReceipt> => {
    const fresh = await db.sync.recordDelivery(
      { deliveryId, event, outcome: 'ignored', afterSha: null, receivedAt: now },
      undefined,
    );
    return fresh ? { outcome, reason } : { outcome: 'duplicate' };
  };
  if (event === 'ping') return ignore('pong', 'pong');
  if (event !== 'push') return ignore(`the ${event} event is not used`);

  const repository = (data!.repository as { full_name?: unknown } | undefined)?.full_name;
  const ref = data!.ref;
  const after = typeof data!.after === 'string' && /^[0-9a-f]{40}$/.test(data!.after) ? data!.after : null;
  if (
    !syncSettings.repository ||
    typeof repository !== 'string' ||
    repository.toLowerCase() !== syncSettings.repository.toLowerCase()
  ) {
    return ignore(`a push to ${String(repository)}, not ${syncSettings.repository ?? 'a GitHub repository'}`);
  }
  if (ref !== `refs/heads/${syncSettings.branch}`)
    return ignore(`a push to ${String(ref)}, not refs/heads/${syncSettings.branch}`);

  const job = newSyncJob({ kind: 'webhook' }, now, { deliveryId, afterSha: after }, syncSettings.maxAttempts);
  const fresh = await db.sync.recordDelivery(
    { deliveryId, event, outcome: 'queued', afterSha: after, receivedAt: now },
    job,
  );
  if (fresh) jobSignal.notify();
  return fresh ? { outcome: 'queued' } : { outcome: 'duplicate' };
}
