import { describe, expect, it } from 'vitest';
import { broadcastContract } from '../../domain/broadcast.contract.ts';
import { InProcessBroadcast } from './in-process-broadcast.ts';

// One process holds one instance, so it is both the sender and the receiver.
broadcastContract('in-process', async () => {
  const broadcast = new InProcessBroadcast();
  return { sender: broadcast, receiver: broadcast };
});

describe('InProcessBroadcast', () => {
  it('delivers nothing to the subscribers it had once closed', async () => {
    const broadcast = new InProcessBroadcast();
    const received: string[] = [];
    broadcast.subscribe('topic', (message) => received.push(message));
    await broadcast.publish('topic', 'before');
    await broadcast.close();
    await broadcast.publish('topic', 'after');
    expect(received).toEqual(['before']);
  });
});
