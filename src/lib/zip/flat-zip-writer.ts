import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { gitPathProblem } from '../../domain/content/git-path.ts';
import { compareCodePoints } from '../../domain/content/tree-id.ts';
import { type Problem, ValidationError } from '../../domain/errors.ts';
import type { ZipBundleFile } from './zip-reader.ts';

const EXECUTABLE_MODE = 0o100755;
const REGULAR_MODE = 0o100644;
const HOST_UNIX = 3;
const STORED_EXTENSIONS = /\.(png|jpe?g|gif|webp|avif|zip|gz|tgz|bz2|xz|zst|7z|woff2?|mp3|mp4|webm)$/i;

/**
 * Packs files into a zip with every path at the archive's root (no wrapping folder: the shape an Agent Skills
 * discovery archive has), in code-point path order, with Unix modes 0o100755 or 0o100644 and the fixed time
 * 1980-01-01 00:00, so that the same files always give the same bytes and a digest of them stays true.
 * writeZipBundle makes the `.skill` shape, with one top-level folder. Refuses a path that is not a valid git
 * path, and a path given twice, with ValidationError.
 */
export function writeFlatZip(files: readonly ZipBundleFile[]): Uint8Array {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    const problem = gitPathProblem(file.path) ?? (seen.has(file.path) ? 'is given twice' : undefined);
    if (problem) problems.push({ path: file.path, message: problem });
    seen.add(file.path);
  }
  if (problems.length > 0) throw new ValidationError(problems);

  // fflate writes the DOS time from a Date's local-time parts: a local 1980-01-01 00:00 is the same fields
  // in every time zone, so the bytes never depend on the server's. The streaming writer takes each name as a
  // string (zipSync's object keys would turn a root file named `__proto__` into a prototype).
  const mtime = new Date(1980, 0, 1, 0, 0, 0);
  const chunks: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else chunks.push(chunk);
  });
  for (const file of [...files].sort((a, b) => compareCodePoints(a.path, b.path))) {
    const entry = STORED_EXTENSIONS.test(file.path)
      ? new ZipPassThrough(file.path)
      : new ZipDeflate(file.path, { level: 6 });
    entry.os = HOST_UNIX;
    entry.attrs = (file.executable ? EXECUTABLE_MODE : REGULAR_MODE) * 0x10000;
    entry.mtime = mtime;
    zip.add(entry);
    entry.push(file.content, true);
  }
  zip.end();
  if (failure) throw failure;
  return Buffer.concat(chunks);
}
