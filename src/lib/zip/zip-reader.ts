import { crc32 } from 'node:zlib';
import { Inflate } from 'fflate';
import type { ContentLimits } from '../../domain/content/content-limits.ts';
import type { ItemFile } from '../../domain/content/content-store.ts';
import { gitPathProblem } from '../../domain/content/git-path.ts';
import { compareCodePoints } from '../../domain/content/tree-id.ts';
import { type Problem, TooLargeError, ValidationError } from '../../domain/errors.ts';
import {
  CENTRAL_BYTES,
  CENTRAL_SIGNATURE,
  EOCD_BYTES,
  EOCD_SIGNATURE,
  FLAG_UTF8,
  HOST_UNIX,
  LOCAL_BYTES,
  LOCAL_SIGNATURE,
  METHOD_DEFLATED,
  METHOD_STORED,
} from './zip-format.ts';

/** One file of an item as it travels in a zip archive; `path` is relative to the item folder. */
export type ZipBundleFile = ItemFile;

export interface ZipBundle {
  /** Sorted by path in code point order. */
  files: ZipBundleFile[];
  /** The single top-level folder every file sat in (the `.skill` shape), stripped from the paths. */
  rootFolder?: string;
}

export interface ReadZipBundleOptions {
  /** Largest declared total uncompressed size over total compressed size; default 200. */
  maxExpansionRatio?: number;
}

const DEFAULT_MAX_EXPANSION_RATIO = 200;
// Deflate expands at most about 1032:1, so small archives of repetitive text can pass 200:1 honestly.
// Below this many uncompressed bytes an archive is never called a bomb; the size limits still apply.
const RATIO_FLOOR_BYTES = 1024 * 1024;
// Inflating in small pushes bounds the work and memory a lying archive can cause: output past the declared
// size stops the entry after at most one push (about 1032 x this many bytes).
const INFLATE_CHUNK_BYTES = 4096;
const MAX_LISTED_PROBLEMS = 100;

const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const UNICODE_PATH_EXTRA = 0x7075;

const FLAG_ENCRYPTED = 0x0001;
const HOST_DARWIN = 19;
const DOS_DIRECTORY = 0x10;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

interface CentralEntry {
  readonly name: string;
  /** False when the name is not valid UTF-8; `name` is then a lossy reading for messages only. */
  readonly nameIsUtf8: boolean;
  readonly rawName: Uint8Array;
  readonly where: string;
  readonly flags: number;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
  /** Unix mode when the archiver recorded one. */
  readonly mode: number | undefined;
  readonly dosAttributes: number;
}

interface FileEntry {
  readonly entry: CentralEntry;
  /** The name without the root folder. */
  path: string;
  dataStart: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder('utf-8');

/**
 * Reads an uploaded zip archive into the files of one item.
 *  - every entry is checked before anything is decompressed; bad names (absolute, `..`, backslash, NUL,
 *    `.git`, not NFC), links and other non-regular files, duplicates, a name that is both a file and a folder,
 *    encryption, methods other than stored and deflate, and folders deeper than `limits.maxDepth` are listed
 *    together in one ValidationError, with paths `zip:<entry name>`;
 *  - declared sizes over the limits, too many files, or a declared expansion over `maxExpansionRatio`
 *    (a zip bomb) are a TooLargeError when they are the only problems;
 *  - an input that is not a zip, is truncated, or is ZIP64 or multi-part is a ValidationError at path `zip`;
 *  - decompressed sizes and CRC-32s must match what the archive declared, else ValidationError; each entry
 *    inflates into a buffer of its declared size and is stopped as soon as it would write past it;
 *  - folder entries, `__MACOSX/` and `.DS_Store` are dropped; when every file sits in one top-level folder,
 *    that folder is stripped and returned as `rootFolder`;
 *  - executable is any x bit of a recorded Unix mode.
 */
export function readZipBundle(bytes: Uint8Array, limits: ContentLimits, options: ReadZipBundleOptions = {}): ZipBundle {
  const maxRatio = options.maxExpansionRatio ?? DEFAULT_MAX_EXPANSION_RATIO;
  const { entries, centralOffset } = readCentralDirectory(bytes);
  const problems: Problem[] = [];
  const tooLarge: Problem[] = [];

  const files: FileEntry[] = [];
  const seen = new Set<string>();
  const folders = new Set<string>();
  for (const entry of entries) {
    const { name, where } = entry;
    const type = entry.mode === undefined ? 0 : entry.mode & S_IFMT;
    const isFolder = name.endsWith('/') || type === S_IFDIR || (entry.dosAttributes & DOS_DIRECTORY) !== 0;
    const path = name.endsWith('/') ? name.slice(0, -1) : name;
    const nameProblem = entry.nameIsUtf8 ? gitPathProblem(path) : 'must be valid UTF-8';
    if (nameProblem) {
      problems.push({ path: where, message: `name ${nameProblem}` });
      continue;
    }
    if (isJunk(path)) continue;
    if (seen.has(path)) {
      problems.push({ path: where, message: 'appears twice in the archive' });
      continue;
    }
    seen.add(path);
    if (type === S_IFLNK) {
      problems.push({ path: where, message: 'is a symbolic link; an archive may hold only files and folders' });
      continue;
    }
    if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) {
      problems.push({
        path: where,
        message: 'is a device, FIFO or socket; an archive may hold only files and folders',
      });
      continue;
    }
    if (isFolder) {
      if (entry.size !== 0) problems.push({ path: where, message: 'is a folder entry with content' });
      folders.add(path);
      continue;
    }
    for (const folder of enclosingFolders(path)) folders.add(folder);
    if (entry.flags & FLAG_ENCRYPTED) {
      problems.push({ path: where, message: 'is encrypted; encrypted archives are not supported' });
    } else if (entry.method !== METHOD_STORED && entry.method !== METHOD_DEFLATED) {
      problems.push({
        path: where,
        message: `uses compression method ${entry.method}; only stored (0) and deflate (8) are supported`,
      });
    } else if (entry.method === METHOD_STORED && entry.compressedSize !== entry.size) {
      problems.push({ path: where, message: 'is stored uncompressed but declares two different sizes' });
    }
    files.push({ entry, path, dataStart: 0 });
  }

  for (const file of files) {
    if (folders.has(file.path)) {
      problems.push({ path: file.entry.where, message: 'is a file and also a folder of other entries' });
    }
  }
  for (const problem of checkLocalHeaders(bytes, centralOffset, files)) problems.push(problem);

  const rootFolder = commonRootFolder(files.map((file) => file.path));
  if (rootFolder !== undefined) {
    for (const file of files) file.path = file.path.slice(rootFolder.length + 1);
  }
  for (const file of files) {
    const depth = file.path.split('/').length - 1;
    if (depth > limits.maxDepth) {
      problems.push({
        path: file.entry.where,
        message: `is ${depth} folders deep inside its item; the limit is ${limits.maxDepth}`,
      });
    }
  }

  if (files.length > limits.maxFiles) {
    tooLarge.push({ path: 'zip', message: `holds ${files.length} files; the limit is ${limits.maxFiles} an item` });
  }
  let totalSize = 0;
  let totalCompressed = 0;
  for (const { entry } of files) {
    totalSize += entry.size;
    totalCompressed += entry.compressedSize;
    if (entry.size > limits.maxFileBytes) {
      tooLarge.push({
        path: entry.where,
        message: `is ${megabytes(entry.size)}; the limit is ${megabytes(limits.maxFileBytes)} a file`,
      });
    }
  }
  if (totalSize > limits.maxItemBytes) {
    tooLarge.push({
      path: 'zip',
      message: `expands to ${megabytes(totalSize)}; the limit is ${megabytes(limits.maxItemBytes)} an item`,
    });
  }
  const ratio = totalSize / Math.max(totalCompressed, 1);
  if (totalSize > RATIO_FLOOR_BYTES && ratio > maxRatio) {
    tooLarge.push({
      path: 'zip',
      message:
        `expands ${Math.round(ratio)} times (${megabytes(totalCompressed)} to ${megabytes(totalSize)}); ` +
        `the limit is ${maxRatio} times, which catches zip bombs`,
    });
  }

  if (problems.length > 0) throw new ValidationError(capped([...problems, ...tooLarge]));
  if (tooLarge.length > 0) throw new TooLargeError(describe(tooLarge), tooLarge);

  const out: ZipBundleFile[] = [];
  for (const { entry, path, dataStart } of files) {
    const data = bytes.subarray(dataStart, dataStart + entry.compressedSize);
    const content = entry.method === METHOD_STORED ? data.slice() : inflateExactly(data, entry.size);
    if (content === undefined) {
      problems.push({ path: entry.where, message: 'compressed data is corrupt or longer than its declared size' });
    } else if (content.byteLength !== entry.size) {
      problems.push({
        path: entry.where,
        message: `is ${content.byteLength} bytes, not the ${entry.size} bytes the archive declares`,
      });
    } else if (crc32(content) !== entry.crc) {
      problems.push({ path: entry.where, message: 'does not match its CRC-32; the archive is corrupt' });
    } else {
      const executable = entry.mode !== undefined && (entry.mode & 0o111) !== 0;
      out.push({ path, content, executable });
    }
  }
  if (problems.length > 0) throw new ValidationError(capped(problems));

  out.sort((a, b) => compareCodePoints(a.path, b.path));
  return rootFolder === undefined ? { files: out } : { files: out, rootFolder };
}

function corrupt(message: string): never {
  throw new ValidationError({ path: 'zip', message });
}

function readCentralDirectory(bytes: Uint8Array): { entries: CentralEntry[]; centralOffset: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < EOCD_BYTES) corrupt('is not a zip archive (too short)');
  const signature = view.getUint32(0, true);
  if (signature !== LOCAL_SIGNATURE && signature !== EOCD_SIGNATURE) corrupt('is not a zip archive (bad signature)');
  const eocd = findEndOfCentralDirectory(view);
  if (eocd === undefined) corrupt('is not a zip archive or is truncated (no end of central directory record)');
  if (eocd >= 20 && view.getUint32(eocd - 20, true) === ZIP64_LOCATOR_SIGNATURE) {
    corrupt('is a ZIP64 archive, which is not supported');
  }
  const disk = view.getUint16(eocd + 4, true);
  const centralDisk = view.getUint16(eocd + 6, true);
  const entriesOnDisk = view.getUint16(eocd + 8, true);
  const count = view.getUint16(eocd + 10, true);
  const centralSize = view.getUint32(eocd + 12, true);
  const centralOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || centralSize === 0xffffffff || centralOffset === 0xffffffff) {
    corrupt('is a ZIP64 archive, which is not supported');
  }
  if (disk !== 0 || centralDisk !== 0 || entriesOnDisk !== count) {
    corrupt('is a multi-part (spanned) archive, which is not supported');
  }
  if (centralOffset + centralSize > eocd) corrupt('is truncated or corrupt (central directory out of bounds)');

  const entries: CentralEntry[] = [];
  const end = centralOffset + centralSize;
  let at = centralOffset;
  for (let index = 0; index < count; index++) {
    if (at + CENTRAL_BYTES > end || view.getUint32(at, true) !== CENTRAL_SIGNATURE) {
      corrupt(`is truncated or corrupt (central directory entry ${index + 1} of ${count})`);
    }
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const next = at + CENTRAL_BYTES + nameLength + extraLength + commentLength;
    if (next > end) corrupt(`is truncated or corrupt (central directory entry ${index + 1} of ${count})`);
    const rawName = bytes.subarray(at + CENTRAL_BYTES, at + CENTRAL_BYTES + nameLength);
    const extra = bytes.subarray(at + CENTRAL_BYTES + nameLength, at + CENTRAL_BYTES + nameLength + extraLength);
    const flags = view.getUint16(at + 8, true);
    const host = view.getUint8(at + 5);
    const external = view.getUint32(at + 38, true);
    const decoded = decodeName(rawName, flags, extra);
    const name = decoded ?? lossyUtf8.decode(rawName);
    entries.push({
      name,
      nameIsUtf8: decoded !== undefined,
      rawName,
      where: `zip:${name}`,
      flags,
      method: view.getUint16(at + 10, true),
      crc: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
      mode: host === HOST_UNIX || host === HOST_DARWIN ? external >>> 16 || undefined : undefined,
      dosAttributes: external & 0xff,
    });
    at = next;
  }
  if (at !== end) corrupt('is corrupt (central directory size does not match its entries)');
  return { entries, centralOffset };
}

/** The offset of the End Of Central Directory record, which sits at the end, before a comment of up to 64 KiB. */
function findEndOfCentralDirectory(view: DataView): number | undefined {
  const last = view.byteLength - EOCD_BYTES;
  for (let at = last; at >= Math.max(0, last - 0xffff); at--) {
    if (
      view.getUint32(at, true) === EOCD_SIGNATURE &&
      at + EOCD_BYTES + view.getUint16(at + 20, true) <= view.byteLength
    ) {
      return at;
    }
  }
  return undefined;
}

/**
 * Names are UTF-8 when flag bit 11 says so. Without it the standard says CP437, but Info-ZIP and macOS write
 * UTF-8 without setting the flag, so valid UTF-8 is taken as such; Info-ZIP's Unicode Path field wins when
 * its CRC matches the name. Anything else is refused rather than guessed.
 */
function decodeName(raw: Uint8Array, flags: number, extra: Uint8Array): string | undefined {
  if (!(flags & FLAG_UTF8)) {
    const unicodePath = readUnicodePath(raw, extra);
    if (unicodePath !== undefined) return unicodePath;
  }
  try {
    return utf8.decode(raw);
  } catch {
    return undefined;
  }
}

function readUnicodePath(raw: Uint8Array, extra: Uint8Array): string | undefined {
  const view = new DataView(extra.buffer, extra.byteOffset, extra.byteLength);
  for (let at = 0; at + 4 <= extra.byteLength; ) {
    const id = view.getUint16(at, true);
    const length = view.getUint16(at + 2, true);
    if (at + 4 + length > extra.byteLength) return undefined;
    if (id === UNICODE_PATH_EXTRA && length >= 5 && view.getUint8(at + 4) === 1) {
      if (view.getUint32(at + 5, true) !== crc32(raw)) return undefined;
      try {
        return utf8.decode(extra.subarray(at + 9, at + 4 + length));
      } catch {
        return undefined;
      }
    }
    at += 4 + length;
  }
  return undefined;
}

/**
 * Checks each file's local header (signature, same name, data inside the archive) and that no two files share
 * bytes: overlapping entries are how the densest zip bombs reuse one compressed stream many times.
 */
function checkLocalHeaders(bytes: Uint8Array, centralOffset: number, files: FileEntry[]): Problem[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const problems: Problem[] = [];
  const spans: { start: number; end: number; where: string }[] = [];
  for (const file of files) {
    const { entry } = file;
    const at = entry.localOffset;
    if (at + LOCAL_BYTES > centralOffset || view.getUint32(at, true) !== LOCAL_SIGNATURE) {
      problems.push({ path: entry.where, message: 'has no local header where the central directory points' });
      continue;
    }
    const nameLength = view.getUint16(at + 26, true);
    const extraLength = view.getUint16(at + 28, true);
    const dataStart = at + LOCAL_BYTES + nameLength + extraLength;
    const end = dataStart + entry.compressedSize;
    if (end > centralOffset) {
      problems.push({
        path: entry.where,
        message: 'is truncated or corrupt (its data runs into the central directory)',
      });
      continue;
    }
    if (!sameBytes(bytes.subarray(at + LOCAL_BYTES, at + LOCAL_BYTES + nameLength), entry.rawName)) {
      problems.push({ path: entry.where, message: 'has a different name in its local header' });
      continue;
    }
    file.dataStart = dataStart;
    spans.push({ start: at, end, where: entry.where });
  }
  spans.sort((a, b) => a.start - b.start);
  for (let index = 1; index < spans.length; index++) {
    const span = spans[index]!;
    if (span.start < spans[index - 1]!.end) {
      problems.push({ path: span.where, message: 'overlaps the data of another entry' });
    }
  }
  return problems;
}

/** Inflates into exactly `size` bytes; undefined when the stream is corrupt or would write more. */
function inflateExactly(data: Uint8Array, size: number): Uint8Array | undefined {
  const out = new Uint8Array(size);
  let written = 0;
  let overflow = false;
  const inflater = new Inflate((chunk) => {
    if (written + chunk.byteLength > size) overflow = true;
    else out.set(chunk, written);
    written += chunk.byteLength;
  });
  try {
    for (let at = 0; at < data.byteLength && !overflow; at += INFLATE_CHUNK_BYTES) {
      const end = Math.min(at + INFLATE_CHUNK_BYTES, data.byteLength);
      inflater.push(data.subarray(at, end), end === data.byteLength);
    }
  } catch {
    return undefined;
  }
  if (overflow) return undefined;
  return written === size ? out : out.subarray(0, written);
}

function isJunk(path: string): boolean {
  return path === '__MACOSX' || path.startsWith('__MACOSX/') || (path.split('/').pop() ?? '') === '.DS_Store';
}

/** The single top-level folder all paths share, if they all sit in one. */
function commonRootFolder(paths: string[]): string | undefined {
  const first = paths[0];
  const slash = first?.indexOf('/') ?? -1;
  if (first === undefined || slash < 0) return undefined;
  const root = first.slice(0, slash + 1);
  return paths.every((path) => path.startsWith(root)) ? root.slice(0, -1) : undefined;
}

/** The folders enclosing `path` (its proper prefixes). */
function enclosingFolders(path: string): string[] {
  const segments = path.split('/');
  return segments.slice(1).map((_, index) => segments.slice(0, index + 1).join('/'));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((byte, index) => byte === b[index]);
}

function megabytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 100) / 100} MB`;
}

function describe(problems: Problem[]): string {
  const head = problems.slice(0, 10).map((p) => `${p.path}: ${p.message}`);
  if (problems.length > 10) head.push(`and ${problems.length - 10} more`);
  return head.join('; ');
}

function capped(problems: Problem[]): Problem[] {
  if (problems.length <= MAX_LISTED_PROBLEMS) return problems;
  const more = problems.length - MAX_LISTED_PROBLEMS;
  return [...problems.slice(0, MAX_LISTED_PROBLEMS), { path: 'zip', message: `and ${more} more problems` }];
}
