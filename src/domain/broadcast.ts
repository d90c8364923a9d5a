/**
 * Messages to every Atlas process on one database (PostgreSQL LISTEN/NOTIFY on a server, in-process
 * otherwise). Delivery is best effort and at most once: use it to drop caches early, never as the
 * only record of anything.
 */
export interface Broadcast {
  /** Topic and message are any text; together they must stay under PostgreSQL's 8,000-byte NOTIFY limit. */
  publish(topic: string, message: string): Promise<void>;
  subscribe(topic: string, handler: (message: string) => void): void;
  close(): Promise<void>;
}
