import type { Broadcast } from '../../domain/broadcast.ts';

/** Broadcast within one process: all an embedded Atlas has. */
export class InProcessBroadcast implements Broadcast {
  #handlers = new Map<string, ((message: string) => void)[]>();

  async publish(topic: string, message: string): Promise<void> {
    for (const handler of this.#handlers.get(topic) ?? []) handler(message);
  }

  subscribe(topic: string, handler: (message: string) => void): void {
    this.#handlers.set(topic, [...(this.#handlers.get(topic) ?? []), handler]);
  }

  async close(): Promise<void> {
    this.#handlers.clear();
  }
}
