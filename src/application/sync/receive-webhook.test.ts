import { beforeEach, describe, expect, it } from 'vitest';
import { UnauthenticatedError, UnavailableError, ValidationError } from '../../domain/errors.ts';
import type { AtlasDeps } from '../deps.ts';
import { type ReceiveWebhookInput, receiveWebhook } from './receive-webhook.ts';
import { pushPayload, sign, syncDeps } from './testing/sync-fixtures.ts';

describe('receiveWebhook', () => {
  let deps: AtlasDeps;
  const delivery = (payload: string, overrides: Partial<ReceiveWebhookInput> = {}): ReceiveWebhookInput => ({
    deliveryId: 'delivery-1',
    event: 'push',
    signature: sign(payload),
    payload,
    ...overrides,
  });
  const jobs = () => deps.db.sync.listJobs('queued', 10);
  const woken = () =>
    Promise.race([
      deps.jobSignal.wait(5_000).then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 50)),
    ]);

  beforeEach(() => {
    deps = syncDeps();
  });

  it('queues one sync for a push to the content branch, stores the delivery and wakes the worker', async () => {
    const after = 'c'.repeat(40);
    expect(await receiveWebhook(deps, delivery(pushPayload({ after })))).toEqual({ outcome: 'queued' });
    expect(await jobs()).toEqual([
      expect.objectContaining({ reason: { kind: 'webhook' }, deliveryId: 'delivery-1', afterSha: after }),
    ]);
    expect(await deps.db.sync.findDelivery('delivery-1')).toMatchObject({
      event: 'push',
      outcome: 'queued',
      afterSha: after,
      receivedAt: deps.clock.now(),
    });
    expect(await woken()).toBe(true);
  });

  it('matches the repository without regard to case', async () => {
    const input = delivery(pushPayload({ repository: 'ACME/Catalog' }));
    expect(await receiveWebhook(deps, input)).toEqual({ outcome: 'queued' });
  });

  it('answers a repeated delivery as a duplicate and queues nothing more', async () => {
    const payload = pushPayload();
    await receiveWebhook(deps, delivery(payload));
    expect(await receiveWebhook(deps, delivery(payload))).toEqual({ outcome: 'duplicate' });
    expect(await jobs()).toHaveLength(1);
  });

  it('acknowledges a ping and events it does not use, stores them as ignored, and queues nothing', async () => {
    expect(await receiveWebhook(deps, delivery('{"zen":"Keep it simple."}', { event: 'ping' }))).toEqual({
      outcome: 'pong',
      reason: 'pong',
    });
    const issue = delivery('{"action":"opened"}', { deliveryId: 'delivery-2', event: 'issues' });
    expect(await receiveWebhook(deps, issue)).toEqual({
      outcome: 'ignored',
      reason: 'the issues event is not used',
    });
    expect(await deps.db.sync.findDelivery('delivery-2')).toMatchObject({ event: 'issues', outcome: 'ignored' });
    expect(await jobs()).toEqual([]);
    expect(await receiveWebhook(deps, issue)).toEqual({ outcome: 'duplicate' });
  });

  it.each([
    ['another branch', { ref: 'refs/heads/feature' }],
    ['a tag', { ref: 'refs/tags/v1.0.0' }],
    ['another repository', { repository: 'acme/other' }],
  ])('ignores a push to %s and queues nothing', async (_what, options) => {
    const receipt = await receiveWebhook(deps, delivery(pushPayload(options)));
    expect(receipt).toEqual({ outcome: 'ignored', reason: expect.stringMatching(/^a push to /) });
    expect(await deps.db.sync.findDelivery('delivery-1')).toMatchObject({ outcome: 'ignored' });
    expect(await jobs()).toEqual([]);
  });

  it('ignores pushes when the content is not a GitHub repository', async () => {
    const local = { ...deps, syncSettings: { ...deps.syncSettings, repository: null } };
    expect(await receiveWebhook(local, delivery(pushPayload()))).toMatchObject({ outcome: 'ignored' });
    expect(await jobs()).toEqual([]);
  });

  it.each([
    ['a wrong signature', () => `sha256=${'0'.repeat(64)}`],
    ['a signature made with another secret', (payload: string) => sign(payload, 'another secret')],
    ['no signature', () => undefined],
  ])('refuses %s with UnauthenticatedError and stores nothing', async (_what, signatureOf) => {
    const payload = pushPayload();
    await expect(receiveWebhook(deps, delivery(payload, { signature: signatureOf(payload) }))).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
    expect(await deps.db.sync.findDelivery('delivery-1')).toBeUndefined();
    expect(await jobs()).toEqual([]);
  });

  it('checks the signature before anything else', async () => {
    const input = { deliveryId: undefined, event: undefined, signature: 'sha256=bad', payload: 'not json' };
    await expect(receiveWebhook(deps, input)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('names the delivery id, the event and the payload GitHub would never send, and stores nothing', async () => {
    const payload = '[1, 2]';
    const error = await receiveWebhook(
      deps,
      delivery(payload, { deliveryId: 'id with spaces;drop', event: 'Push!' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((p) => p.path)).toEqual(['deliveryId', 'event', 'payload']);
    expect(await jobs()).toEqual([]);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['too long', 'a'.repeat(101)],
  ])('refuses a delivery id that is %s', async (_what, deliveryId) => {
    await expect(receiveWebhook(deps, delivery(pushPayload(), { deliveryId }))).rejects.toMatchObject({
      problems: [{ path: 'deliveryId', message: expect.any(String) }],
    });
  });

  it('is unavailable when no webhook secret is configured', async () => {
    const bare = { ...deps, webhooks: null };
    await expect(receiveWebhook(bare, delivery(pushPayload()))).rejects.toBeInstanceOf(UnavailableError);
    expect(await deps.db.sync.findDelivery('delivery-1')).toBeUndefined();
  });
});
