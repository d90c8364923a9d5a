import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inflate } from 'node:zlib';
import type { GitObjectType, GitTreeEntry } from '../../domain/content/tree-id.ts';
import { inflateSized } from '../../lib/zlib-sized.ts';

const inflateAsync = promisify(inflate);

/** Objects up to this size (deflated) are read and inflated on the event loop; larger ones in the thread pool. */
const INLINE_INFLATE_LIMIT = 64 * 1024;

/** Tree entry modes as git writes them, and as isomorphic-git reports them. */
const MODES: Record<string, string> = {
  '40000': '040000',
  '100644': '100644',
  '100755': '100755',
  '120000': '120000',
  '160000': '160000',
};

/** Names every reader accepts as they are: no dot first (so no `.git`, `.` or `..` alias), no `~`, no `:`. */
const PLAIN_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * Reads loose objects of a bare repository in one file read and one inflate each: the hot path of reading
 * thousands of item folders (a first sync, a verify with repair). isomorphic-git spends several file system calls
 * per object before it reads one (finding the git folder, probing the fs), which made reading the blobs of a
 * 10,000-item catalog cost more than everything else a first sync does.
 *
 * It answers only what it is sure of: an object stored loose, of the type asked for, whose content hashes to its
 * id; for a tree, only entries of git's usual modes with plain names. Anything else (a packed object, an odd
 * tree, a damaged file) is `undefined`, and the caller asks isomorphic-git, which answers or fails as it always did.
 */
export class LooseObjectReader {
  readonly #objects: string;

  constructor(gitdir: string) {
    this.#objects = join(gitdir, 'objects');
  }

  async readBlob(sha: string): Promise<Uint8Array | undefined> {
    return this.#read(sha, 'blob');
  }

  async readTree(sha: string): Promise<GitTreeEntry[] | undefined> {
    const body = await this.#read(sha, 'tree');
    return body && parsePlainTree(body);
  }

  async #read(sha: string, type: GitObjectType): Promise<Uint8Array | undefined> {
    let deflated: Buffer | undefined;
    try {
      deflated = readSmallFile(join(this.#objects, sha.slice(0, 2), sha.slice(2)));
      deflated ??= await fsp.readFile(join(this.#objects, sha.slice(0, 2), sha.slice(2)));
    } catch {
      return undefined;
    }
    let raw: Buffer;
    try {
      raw = deflated.byteLength <= INLINE_INFLATE_LIMIT ? inflateSized(deflated) : await inflateAsync(deflated);
    } catch {
      return undefined;
    }
    const space = raw.indexOf(0x20);
    const nul = raw.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || raw.toString('latin1', 0, space) !== type) return undefined;
    if (Number(raw.toString('latin1', space + 1, nul)) !== raw.byteLength - nul - 1) return undefined;
    if (createHash('sha1').update(raw).digest('hex') !== sha) return undefined;
    return new Uint8Array(raw.buffer, raw.byteOffset + nul + 1, raw.byteLength - nul - 1);
  }
}

/**
 * A file's bytes when it is small, read synchronously; undefined when it is larger (read it asynchronously).
 * Four system calls of a few microseconds each on a page-cached object, where `fs.promises.readFile` makes as
 * many round trips through libuv's thread pool, which dominated reading thousands of small objects.
 */
function readSmallFile(path: string): Buffer | undefined {
  const fd = openSync(path, 'r');
  try {
    const { size } = fstatSync(fd);
    if (size > INLINE_INFLATE_LIMIT) return undefined;
    const buffer = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buffer, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return read === size ? buffer : buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** The entries of a tree object's body, or undefined when one is not of the plain kind (see LooseObjectReader). */
function parsePlainTree(body: Uint8Array): GitTreeEntry[] | undefined {
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const entries: GitTreeEntry[] = [];
  let cursor = 0;
  while (cursor < buffer.byteLength) {
    const space = buffer.indexOf(0x20, cursor);
    const nul = buffer.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 21 > buffer.byteLength) return undefined;
    const mode = MODES[buffer.toString('latin1', cursor, space)];
    const name = buffer.toString('utf8', space + 1, nul);
    if (!mode || !PLAIN_NAME.test(name)) return undefined;
    entries.push({ name, mode, sha: buffer.toString('hex', nul + 1, nul + 21) });
    cursor = nul + 21;
  }
  return entries;
}
