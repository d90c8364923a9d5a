import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { gitPathProblem } from '../../domain/content/git-path.ts';
import { compareCodePoints } from '../../domain/content/tree-id.ts';
import { type Problem, ValidationError } from '../../domain/errors.ts';
import type { ZipBundleFile } from './zip-reader.ts';

export interface WriteZipBundleOptions {
  /** The modification time of every entry; default 1980-01-01T00:00:00Z, the earliest a zip can record. */
  mtime?: Date;
}

const DEFAULT_MTIME = new Date('1980-01-01T00:00:00Z');
const EXECUTABLE_MODE = 0o100755;
const REGULAR_MODE = 0o100644;
const HOST_UNIX = 3;
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

  // The streaming writer takes each name as a string: zipSync's object keys would turn a root file named
  // `__proto__` into a prototype, and put names that look like numbers first.
  const mtime = dosLocalTime(time);
  const chunks: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else chunks.push(chunk);
  });
  for (const file of [...files].sort((a, b) => compareCodePoints(a.path, b.path))) {
    const name = `${prefix}${file.path}`;
    const entry = STORED_EXTENSIONS.test(file.path) ? new ZipPassThrough(name) : new ZipDeflate(name, { level: 6 });
    entry.os = HOST_UNIX;
    entry.attrs = (file.executable ? EXECUTABLE_MODE : REGULAR_MODE) * 0x10000;
    entry.mtime = mtime;
    zip.add(entry);
    entry.push(file.content, true);
  }
  zip.end();
  if (failure) throw failure;
  // A plain Uint8Array (not a Buffer), so that what a reader slices out of it is one too.
  const bytes = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * fflate writes the DOS date and time fields from a Date's local-time parts, so the instant is shifted to the
 * one whose local parts are the wanted UTC parts: the bytes then do not depend on the server's time zone.
 */
function dosLocalTime(utc: Date): Date {
  return new Date(
    utc.getUTCFullYear(),
    utc.getUTCMonth(),
    utc.getUTCDate(),
    utc.getUTCHours(),
    utc.getUTCMinutes(),
    utc.getUTCSeconds(),
  );
}
