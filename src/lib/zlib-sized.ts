import { deflateRawSync, deflateSync, inflateSync, type ZlibOptions } from 'node:zlib';

/** zlib's own default output chunk, and the smallest one Node accepts. */
const DEFAULT_CHUNK = 16 * 1024;
const MIN_CHUNK = 64;

/**
 * zlib's one-shot calls, with an output buffer sized to what the call will make instead of zlib's 16 KiB.
 *
 * Node makes each sync call's output in a fresh 16 KiB buffer and answers a slice of it, so that buffer lives as long
 * as the answer, while the call's own zlib state (tens of kilobytes, more for deflate) is freed at once. Repeated for
 * every object of a large job (reading and packing the 100,000 skills of a discovery index, a first sync), the two
 * interleave in the C allocator's main heap: it was left with 45 MiB free that it could not give back to the
 * system, 30 MiB more with the packing. With buffers of the answer's size (under 4 KiB they come out of Node's
 * shared pool), reading and packing them left 15 MiB. The bytes zlib makes do not depend on its buffer's size.
 */
export function inflateSized(deflated: Uint8Array, options: ZlibOptions = {}): Buffer {
  // Text deflates to about a third; a larger answer takes a few chunks, joined once.
  return inflateSync(deflated, { ...options, chunkSize: chunkFor(deflated.byteLength * 4) });
}

/** `deflateSync` (zlib's wrapper), its output buffer sized to zlib's bound for `raw`. */
export function deflateSized(raw: Uint8Array, options: ZlibOptions = {}): Buffer {
  return deflateSync(raw, { ...options, chunkSize: chunkFor(deflateBound(raw.byteLength) + 6) });
}

/** `deflateRawSync` (no wrapper), its output buffer sized to zlib's bound for `raw`. */
export function deflateRawSized(raw: Uint8Array, options: ZlibOptions = {}): Buffer {
  return deflateRawSync(raw, { ...options, chunkSize: chunkFor(deflateBound(raw.byteLength)) });
}

/** zlib's `deflateBound` for stored blocks, the worst case: the input, five bytes per block and a last one. */
function deflateBound(length: number): number {
  return length + (length >> 12) + (length >> 14) + (length >> 25) + 13;
}

function chunkFor(expected: number): number {
  return Math.max(MIN_CHUNK, Math.min(DEFAULT_CHUNK, Math.ceil(expected)));
}
