import { crc32 } from 'node:zlib';
import { deflateSync } from 'fflate';

/** One entry of a hand-made archive; anything left out is filled in honestly. */
export interface ForgedEntry {
  name: string | Uint8Array;
  content?: Uint8Array;
  /** 0 stores, 8 deflates (the default); anything else is written as given with the content stored. */
  method?: number;
  /** The bytes written as the entry's data, instead of the content stored or deflated. */
  data?: Uint8Array;
  /** Declared uncompressed size; default the content's length. */
  size?: number;
  /** Declared compressed size; default the data's length. */
  compressedSize?: number;
  crc?: number;
  /** Unix mode, written in the upper 16 bits of the external attributes; default 0o100644. */
  mode?: number;
  /** "Version made by" host: 3 is Unix (the default), 0 is MS-DOS. */
  host?: number;
  flags?: number;
  /** The name written in the local header, when it should differ from the central directory's. */
  localName?: string;
  extra?: Uint8Array;
  /** Point the central directory at another entry's local header (by index). */
  localHeaderOf?: number;
}

const encoder = new TextEncoder();

/**
 * Builds a zip archive byte by byte from arbitrary names, modes, sizes and CRCs, so that tests can make the
 * malformed and malicious archives no well-behaved archiver would write.
 */
export function forgeZip(entries: ForgedEntry[], options: { zip64Locator?: boolean } = {}): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  const offsets: number[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = typeof entry.name === 'string' ? encoder.encode(entry.name) : entry.name;
    const localName = entry.localName === undefined ? name : encoder.encode(entry.localName);
    const content = entry.content ?? new Uint8Array(0);
    const method = entry.method ?? 8;
    const data = entry.data ?? (method === 8 ? deflateSync(content) : content);
    const crc = entry.crc ?? crc32(content);
    const size = entry.size ?? content.byteLength;
    const compressedSize = entry.compressedSize ?? data.byteLength;
    const flags = entry.flags ?? (name.some((byte) => byte > 0x7f) ? 0x0800 : 0);
    const extra = entry.extra ?? new Uint8Array(0);

    const local = new Uint8Array(30 + localName.byteLength + data.byteLength);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, flags, true);
    lv.setUint16(8, method, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, compressedSize, true);
    lv.setUint32(22, size, true);
    lv.setUint16(26, localName.byteLength, true);
    local.set(localName, 30);
    local.set(data, 30 + localName.byteLength);
    offsets.push(offset);
    const localOffset = entry.localHeaderOf === undefined ? offset : offsets[entry.localHeaderOf]!;

    const central = new Uint8Array(46 + name.byteLength + extra.byteLength);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint8(4, 20);
    cv.setUint8(5, entry.host ?? 3);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, flags, true);
    cv.setUint16(10, method, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, compressedSize, true);
    cv.setUint32(24, size, true);
    cv.setUint16(28, name.byteLength, true);
    cv.setUint16(30, extra.byteLength, true);
    cv.setUint32(38, ((entry.mode ?? 0o100644) * 0x10000) >>> 0, true);
    cv.setUint32(42, localOffset, true);
    central.set(name, 46);
    central.set(extra, 46 + name.byteLength);

    locals.push(local);
    centrals.push(central);
    offset += local.byteLength;
  }
  const centralSize = centrals.reduce((sum, part) => sum + part.byteLength, 0);
  const locator = new Uint8Array(options.zip64Locator ? 20 : 0);
  if (options.zip64Locator) new DataView(locator.buffer).setUint32(0, 0x07064b50, true);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, centralSize, true);
  ev.setUint32(16, offset, true);
  return concat([...locals, ...centrals, locator, end]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
