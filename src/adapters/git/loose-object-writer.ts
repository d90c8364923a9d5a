import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflate } from 'node:zlib';
import { type GitObjectType, gitObjectId } from '../../domain/content/tree-id.ts';
import { deflateSized } from '../../lib/zlib-sized.ts';

const deflateAsync = promisify(deflate);

/** Objects up to this size are deflated on the event loop; larger ones in the thread pool. */
const INLINE_DEFLATE_LIMIT = 64 * 1024;

/**
 * Writes loose objects into a bare repository as git does: deflated under `objects/xx/…`, written to a
 * temporary name and renamed, so that an object appears whole or not at all (and is never rewritten once there).
 *
 * `write` creates its files off the event loop: creating a file costs far more than a few microseconds on a
 * busy disk, and a synchronous create on every blob of every publish stalled every read the process was
 * serving. Small objects are still deflated in place (cheaper than a round trip to the thread pool).
 * `writeSync` is for the few objects written while the branch's lock is held (the trees above a changed
 * folder and the commit), which must not queue behind other publishes' blobs, and for bulk seeding tools.
 */
export class LooseObjectWriter {
  readonly #objects: string;

  constructor(gitdir: string) {
    this.#objects = join(gitdir, 'objects');
  }

  /** Stores the object and returns its id; an object already stored is left as it is. */
  async write(type: GitObjectType, body: Uint8Array): Promise<string> {
    const { sha, folder, path, raw } = this.#prepare(type, body);
    if (existsSync(path)) return sha;
    // Made every time rather than remembered: `git gc` removes the folders it empties.
    await fsp.mkdir(folder, { recursive: true });
    const temporary = temporaryBeside(path);
    try {
      const deflated = raw.byteLength <= INLINE_DEFLATE_LIMIT ? deflateSized(raw) : await deflateAsync(raw);
      await fsp.writeFile(temporary, deflated);
      await fsp.rename(temporary, path);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
    return sha;
  }

  /** `write`, synchronously: for the small objects written under the branch's lock, and for bulk seeding. */
  writeSync(type: GitObjectType, body: Uint8Array): string {
    const { sha, folder, path, raw } = this.#prepare(type, body);
    if (existsSync(path)) return sha;
    mkdirSync(folder, { recursive: true });
    const temporary = temporaryBeside(path);
    try {
      writeFileSync(temporary, deflateSized(raw));
      renameSync(temporary, path);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
    return sha;
  }

  #prepare(type: GitObjectType, body: Uint8Array) {
    const sha = gitObjectId(type, body);
    const folder = join(this.#objects, sha.slice(0, 2));
    const raw = Buffer.concat([Buffer.from(`${type} ${body.byteLength}\0`), body]);
    return { sha, folder, path: join(folder, sha.slice(2)), raw };
  }
}

const temporaryBeside = (path: string) => `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
