import pg from 'pg';
import type { Broadcast } from '../../domain/broadcast.ts';
import { InProcessBroadcast } from '../memory/in-process-broadcast.ts';

const CHANNEL = 'atlas_broadcast';

/**
 * LISTEN/NOTIFY on one channel: a dedicated connection listens and hands each message to this
 * process's subscribers; publishing notifies every process on the database (this one included).
 * A lost listening connection is reopened after a second; messages sent meanwhile are missed,
 * which the users of Broadcast tolerate (caches also expire on their own).
 */
export class PostgresBroadcast implements Broadcast {
  readonly #local = new InProcessBroadcast();
  #client: pg.Client | undefined;
  #closed = false;

  private constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
  ) {}

  static async open(url: string, pool: pg.Pool): Promise<PostgresBroadcast> {
    const broadcast = new PostgresBroadcast(url, pool);
    await broadcast.#listen();
    return broadcast;
  }

  async #listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (note) => {
      if (note.channel !== CHANNEL || !note.payload) return;
      const decoded = decodePayload(note.payload);
      if (decoded) void this.#local.publish(decoded[0], decoded[1]);
    });
    client.on('error', () => {
      client.end().catch(() => undefined);
      if (this.#closed) return;
      setTimeout(() => void this.#listen().catch(() => undefined), 1000).unref();
    });
    await client.connect();
    await client.query(`listen ${CHANNEL}`);
    this.#client = client;
  }

  async publish(topic: string, message: string): Promise<void> {
    await this.pool.query('select pg_notify($1, $2)', [CHANNEL, JSON.stringify([topic, message])]);
  }

  subscribe(topic: string, handler: (message: string) => void): void {
    this.#local.subscribe(topic, handler);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#client?.end().catch(() => undefined);
    await this.#local.close();
  }
}

/** A notification's `[topic, message]`, or undefined for one Atlas did not send. */
function decodePayload(payload: string): [string, string] | undefined {
  try {
    const value: unknown = JSON.parse(payload);
    if (Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return [value[0], value[1]];
    }
  } catch {
    // Not JSON: not ours.
  }
  return undefined;
}
