import { randomBytes } from 'node:crypto';
import { deflateRawSync, deflateSync, inflateRawSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { deflateRawSized, deflateSized, inflateSized } from './zlib-sized.ts';

/** Inputs around the sizes where the output buffer is smaller than, equal to and larger than zlib's 16 KiB. */
function samples(): Uint8Array[] {
  const text = (length: number) =>
    new TextEncoder().encode('# A skill\n\nRead the report, then summarise it. '.repeat(length).slice(0, length));
  return [
    new Uint8Array(0),
    text(1),
    text(63),
    text(700),
    text(16 * 1024),
    text(300_000),
    randomBytes(40),
    randomBytes(16 * 1024 - 13),
    randomBytes(70_000),
  ];
}

describe('zlib with sized output buffers', () => {
  it('deflates to the same bytes as zlib with its default buffer, with and without the wrapper', () => {
    for (const raw of samples()) {
      expect(Buffer.compare(deflateSized(raw), deflateSync(raw))).toBe(0);
      expect(Buffer.compare(deflateRawSized(raw, { level: 6 }), deflateRawSync(raw, { level: 6 }))).toBe(0);
      expect(Buffer.compare(deflateRawSized(raw, { level: 9 }), deflateRawSync(raw, { level: 9 }))).toBe(0);
    }
  });

  it('inflates what it deflated, whatever the ratio', () => {
    for (const raw of samples()) {
      expect(Buffer.compare(inflateSized(deflateSized(raw)), Buffer.from(raw))).toBe(0);
      expect(Buffer.compare(inflateRawSync(deflateRawSized(raw)), Buffer.from(raw))).toBe(0);
      expect(Buffer.compare(inflateSync(deflateSized(raw)), Buffer.from(raw))).toBe(0);
    }
  });

  it("answers a small object's bytes out of Node's shared pool, not a buffer of their own", () => {
    const raw = new TextEncoder().encode('---\nname: pdf-tools\ndescription: Fill PDF forms.\n---\n');
    const deflated = deflateSized(raw);
    expect(deflated.buffer.byteLength).toBeLessThanOrEqual(Buffer.poolSize);
    expect(inflateSized(deflated).buffer.byteLength).toBeLessThanOrEqual(Buffer.poolSize);
    // zlib's own call keeps its 16 KiB buffer behind the slice it answers.
    expect(deflateSync(raw).buffer.byteLength).toBeGreaterThanOrEqual(16 * 1024);
  });

  it('still refuses damaged input', () => {
    const deflated = deflateSized(new TextEncoder().encode('hello hello hello'));
    expect(() => inflateSized(deflated.subarray(0, 5))).toThrow();
  });
});
