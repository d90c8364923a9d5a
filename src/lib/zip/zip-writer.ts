import { type ZipOptions, type Zippable, zipSync } from 'fflate';
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
  const problems: Problem[] = [];
  const rootProblem = rootFolder.includes('/') ? 'must be a single folder name' : gitPathProblem(rootFolder);
  if (rootProblem) problems.push({ path: 'rootFolder', message: rootProblem });
  const seen = new Set<string>();
  for (const file of files) {
    const problem = gitPathProblem(file.path) ?? (seen.has(file.path) ? 'is given twice' : undefined);
    if (problem) problems.push({ path: file.path, message: problem });
    seen.add(file.path);
  }
  if (problems.length > 0) throw new ValidationError(problems);

  const mtime = dosLocalTime(options.mtime ?? DEFAULT_MTIME);
  const zippable: Zippable = {};
  // Keys all contain `/`, so none is an array index and the object keeps insertion (path) order.
  for (const file of [...files].sort((a, b) => compareCodePoints(a.path, b.path))) {
    const mode = file.executable ? EXECUTABLE_MODE : REGULAR_MODE;
    const entry: ZipOptions = { os: HOST_UNIX, attrs: mode * 0x10000, mtime };
    if (STORED_EXTENSIONS.test(file.path)) entry.level = 0;
    zippable[`${rootFolder}/${file.path}`] = [file.content, entry];
  }
  return zipSync(zippable, { level: 6, os: HOST_UNIX, mtime });
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
