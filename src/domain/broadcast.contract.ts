import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Broadcast } from './broadcast.ts';
import { newId } from './ids.ts';

/**
 * Two instances on one database, as two Atlas processes would hold them. Where messages never
 * leave the process (an embedded Atlas has only one), one instance plays both parts.
 */
export interface BroadcastPeers {
  readonly sender: Broadcast;
  readonly receiver: Broadcast;
}

/** Delivery is asynchronous on a server: wait for it, but not for ever. */
const arrival = { timeout: 5_000, interval: 10 };

/** The contract of Broadcast; `open()` returns fresh instances, which the contract closes. */
export function broadcastContract(name: string, open: () => Promise<BroadcastPeers>) {
  describe(`Broadcast contract: ${name}`, () => {
    let sender: Broadcast;
    let receiver: Broadcast;
    let topic: string;

    beforeEach(async () => {
      ({ sender, receiver } = await open());
      topic = `contract-${newId()}`;
    });
    afterEach(async () => {
      await Promise.all([sender.close(), receiver.close()]);
    });

    it('delivers a published message to a subscriber of its topic', async () => {
      const received: string[] = [];
      receiver.subscribe(topic, (message) => received.push(message));
      await sender.publish(topic, 'token 42 revoked');
      await vi.waitFor(() => expect(received).toEqual(['token 42 revoked']), arrival);
    });

    it('delivers to the subscribers of the publishing instance too, once', async () => {
      const mine: string[] = [];
      const theirs: string[] = [];
      sender.subscribe(topic, (message) => mine.push(message));
      receiver.subscribe(topic, (message) => theirs.push(message));
      await sender.publish(topic, 'to everyone');
      await vi.waitFor(() => expect(theirs).toEqual(['to everyone']), arrival);
      await vi.waitFor(() => expect(mine).toEqual(['to everyone']), arrival);
    });

    it('delivers to every subscriber of the topic, each message once', async () => {
      const first: string[] = [];
      const second: string[] = [];
      receiver.subscribe(topic, (message) => first.push(message));
      receiver.subscribe(topic, (message) => second.push(message));
      await sender.publish(topic, 'one');
      await sender.publish(topic, 'two');
      await vi.waitFor(() => expect(first).toContain('two'), arrival);
      await vi.waitFor(() => expect(second).toContain('two'), arrival);
      expect(first.toSorted()).toEqual(['one', 'two']);
      expect(second.toSorted()).toEqual(['one', 'two']);
    });

    it('does not deliver messages of other topics, even ones its topic is a prefix of', async () => {
      const received: string[] = [];
      receiver.subscribe(topic, (message) => received.push(message));
      await sender.publish(`${topic}-other`, 'not for you');
      await sender.publish(`other-${topic}`, 'not for you either');
      await sender.publish(topic, 'for you');
      await vi.waitFor(() => expect(received).toContain('for you'), arrival);
      expect(received).toEqual(['for you']);
    });

    it('keeps topics with spaces apart: neither part of one is another topic', async () => {
      const spaced = `${topic} with spaces`;
      const onSpaced: string[] = [];
      const onPlain: string[] = [];
      receiver.subscribe(spaced, (message) => onSpaced.push(message));
      receiver.subscribe(topic, (message) => onPlain.push(message));
      await sender.publish(spaced, 'to the spaced topic');
      await sender.publish(topic, 'to the plain topic');
      await vi.waitFor(() => expect(onPlain).toEqual(['to the plain topic']), arrival);
      await vi.waitFor(() => expect(onSpaced).toEqual(['to the spaced topic']), arrival);
    });

    it('delivers the message as it was sent: spaces, punctuation and unicode', async () => {
      const message = '  {"id": "ä/ü ✓"}  second  word ';
      const received: string[] = [];
      receiver.subscribe(topic, (m) => received.push(m));
      await sender.publish(topic, message);
      await vi.waitFor(() => expect(received).toEqual([message]), arrival);
    });

    it('closes cleanly, and a second close does no harm', async () => {
      await expect(receiver.close()).resolves.toBeUndefined();
      await expect(receiver.close()).resolves.toBeUndefined();
    });
  });
}
