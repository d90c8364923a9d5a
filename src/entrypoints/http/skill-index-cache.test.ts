import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CachedDocument } from './skill-index-cache.ts';

/** A JSON document of about `megabytes` MB that compresses as an index does (repetitive, not constant). */
function document(megabytes: number): Buffer {
  const entries: string[] = [];
  for (let i = 0; entries.length * 120 < megabytes * 1e6; i++) {
    entries.push(JSON.stringify({ name: `skill-${i}`, description: `Does task ${i % 977} for team ${i % 53}.` }));
  }
  return Buffer.from(`{"skills":[${entries.join(',')}]}`);
}

const cached = (plain: Buffer) =>
  new CachedDocument(gzipSync(plain), createHash('sha256').update(plain).digest('hex').slice(0, 32), plain.length);

describe('CachedDocument', () => {
  it('gives the gzipped bytes as they are, and the plain document with its length, each with its own ETag', async () => {
    const plain = document(0.2);
    const doc = cached(plain);
    const gzip = doc.representation('gzip');
    const identity = doc.representation('identity');
    expect(gzip.etag).toMatch(/^"[0-9a-f]{32}-gzip"$/);
    expect(identity.etag).toBe(gzip.etag.replace('-gzip', ''));
    expect(gzip.length).toBe((gzip.body() as Buffer).length);
    expect(identity.length).toBe(plain.length);
    const chunks: Buffer[] = [];
    for await (const chunk of identity.body() as Readable) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(plain)).toBe(true);
  });

  it('decompresses the plain document as it is read, never all of it at once', async () => {
    const plain = document(20);
    const stream = cached(plain).representation('identity').body() as Readable;
    // A client that reads nothing yet: what the server holds for it stays small.
    for (let turn = 0; turn < 50; turn++) await nextTurn();
    expect(stream.readableLength).toBeLessThan(1_000_000);
    let read = 0;
    let held = 0;
    let largestChunk = 0;
    for await (const chunk of stream) {
      read += (chunk as Buffer).length;
      largestChunk = Math.max(largestChunk, (chunk as Buffer).length);
      held = Math.max(held, stream.readableLength);
    }
    expect(read).toBe(plain.length);
    expect(largestChunk).toBeLessThan(1_000_000);
    expect(held).toBeLessThan(1_000_000);
  });
});
