import { crc32 } from 'node:zlib';
import { gitPathProblem } from '../../domain/content/git-path.ts';
import { compareCodePoints } from '../../domain/content/tree-id.ts';
import { type Problem, ValidationError } from '../../domain/errors.ts';
import { deflateRawSized } from '../zlib-sized.ts';
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
import type { ZipBundleFile } from './zip-reader.ts';

export interface WriteZipBundleOptions {
  /** The modification time of every entry; default 1980-01-01T00:00:00Z, the earliest a zip can record. */
  mtime?: Date;
}

const DEFAULT_MTIME = new Date('1980-01-01T00:00:00Z');
const EXECUTABLE_MODE = 0o100755;
const REGULAR_MODE = 0o100644;
/** Version 2.0 of the format: deflate and folders, nothing newer. */
const VERSION = 20;

/**
 * What the bytes of an archive depend on besides the files: this writer's layout and the zlib that deflates
 * them. Two servers whose identities match write the same bytes for the same files; a digest recorded under one
 * identity is only trusted under the same one.
 */
export const ZIP_WRITER_IDENTITY = `atlas-zip-1/zlib-${process.versions.zlib}`;
// Formats that are compressed already: deflating them again costs time and gains nothing.
const STORED_EXTENSIONS = /\.(png|jpe?g|gif|webp|avif|zip|gz|tgz|bz2|xz|zst|7z|woff2?|mp3|mp4|webm)$/i;

/**
 * Packs the files of one item into a zip archive, all inside one top-level folder named `rootFolder`
 * (the `.skill` shape), in path order, with Unix modes 0o100755 or 0o100644 and one fixed time, so that the
 * same files always give the same bytes. Refuses a root folder or path that is not a valid git path, and a
 * path given twice, with ValidationError.
 */
export function writeZipBundle(
  rootFolder: string,
  files: readonly ZipBundleFile[],
  options: WriteZipBundleOptions = {},
): Uint8Array {
  const rootProblem = rootFolder.includes('/') ? 'must be a single folder name' : gitPathProblem(rootFolder);
  return packZip(`${rootFolder}/`, files, options.mtime ?? DEFAULT_MTIME, rootProblem);
}

/**
 * The same archive with every path at the archive's root (no wrapping folder: the shape an Agent Skills discovery
 * archive has), at the fixed time 1980-01-01 00:00.
 */
export function writeFlatZip(files: readonly ZipBundleFile[]): Uint8Array {
  return packZip('', files, DEFAULT_MTIME, undefined);
}

function packZip(
  prefix: string,
  files: readonly ZipBundleFile[],
  time: Date,
  rootProblem: string | undefined,
): Uint8Array {
  const problems: Problem[] = [];
  if (rootProblem) problems.push({ path: 'rootFolder', message: rootProblem });
  const seen = new Set<string>();
  for (const file of files) {
    const problem = gitPathProblem(file.path) ?? (seen.has(file.path) ? 'is given twice' : undefined);
    if (problem) problems.push({ path: file.path, message: problem });
    seen.add(file.path);
  }
  if (problems.length > 0) throw new ValidationError(problems);

  const { date, time: dosTime } = dosDateTime(time);
  const locals: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const sorted = [...files].sort((a, b) => compareCodePoints(a.path, b.path));
  if (sorted.length > 0xffff) throw new ValidationError({ path: 'files', message: 'more than 65,535 files' });
  for (const file of sorted) {
    const name = Buffer.from(`${prefix}${file.path}`, 'utf8');
    const stored = STORED_EXTENSIONS.test(file.path);
    const data = stored ? file.content : deflateRawSized(file.content, { level: 6 });
    const crc = crc32(file.content);
    const attrs = (file.executable ? EXECUTABLE_MODE : REGULAR_MODE) * 0x10000;
    if (offset + LOCAL_BYTES + name.length + data.byteLength > 0xffffffff) {
      throw new ValidationError({ path: file.path, message: 'the archive would exceed 4 GiB' });
    }
    // The local header and the central directory entry share one run of fields, from "version needed" to the
    // name's length; the extra field, comment, disk number and internal attributes stay 0.
    const shared = (header: Buffer, at: number) => {
      header.writeUInt16LE(VERSION, at);
      header.writeUInt16LE(FLAG_UTF8, at + 2);
      header.writeUInt16LE(stored ? METHOD_STORED : METHOD_DEFLATED, at + 4);
      header.writeUInt16LE(dosTime, at + 6);
      header.writeUInt16LE(date, at + 8);
      header.writeUInt32LE(crc, at + 10);
      header.writeUInt32LE(data.byteLength, at + 14);
      header.writeUInt32LE(file.content.byteLength, at + 18);
      header.writeUInt16LE(name.length, at + 22);
      return header;
    };
    const local = shared(Buffer.alloc(LOCAL_BYTES), 4);
    local.writeUInt32LE(LOCAL_SIGNATURE, 0);
    const entry = shared(Buffer.alloc(CENTRAL_BYTES), 6);
    entry.writeUInt32LE(CENTRAL_SIGNATURE, 0);
    entry.writeUInt16LE((HOST_UNIX << 8) | VERSION, 4);
    entry.writeUInt32LE(attrs >>> 0, 38);
    entry.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    central.push(entry, name);
    offset += LOCAL_BYTES + name.length + data.byteLength;
  }
  const centralSize = central.reduce((total, part) => total + part.byteLength, 0);
  const end = Buffer.alloc(EOCD_BYTES);
  end.writeUInt32LE(EOCD_SIGNATURE, 0);
  end.writeUInt16LE(sorted.length, 8);
  end.writeUInt16LE(sorted.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  // A plain Uint8Array (not a Buffer), so that what a reader slices out of it is one too.
  const bytes = new Uint8Array(offset + centralSize + EOCD_BYTES);
  let at = 0;
  for (const part of [...locals, ...central, end]) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  return bytes;
}

/** The MS-DOS date and time fields of a UTC instant (2-second resolution, 1980 to 2107). */
function dosDateTime(utc: Date): { date: number; time: number } {
  const year = Math.min(Math.max(utc.getUTCFullYear(), 1980), 2107);
  return {
    date: ((year - 1980) << 9) | ((utc.getUTCMonth() + 1) << 5) | utc.getUTCDate(),
    time: (utc.getUTCHours() << 11) | (utc.getUTCMinutes() << 5) | Math.floor(utc.getUTCSeconds() / 2),
  };
}
