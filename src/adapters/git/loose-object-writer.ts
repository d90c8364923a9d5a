import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflate, deflateSync } from 'node:zlib';
import { type GitObjectType, gitObjectId } from '../../domain/content/tree-id.ts';

const deflateAsync = promisify(deflate);

/** Objects up to this size are written synchronously; larger ones are deflated and written off the event loop. */
const SYNC_LIMIT = 256 * 1024;

/**
 * Writes loose objects into a bare repository as git does: deflated under `objects/xx/…`, written to a
 * temporary name and renamed, so that an object appears whole or not at all (and is never rewritten once there).
 *
 * Small objects (trees, commits, most files) are written synchronously. Every asynchronous fs call waits in
 * libuv's thread pool (4 threads), so under concurrent publishes an object write, or the ref swap after it,
 * would queue behind hundreds of other writers' calls: a synchronous write of a few hundred bytes takes
 * microseconds and never waits behind anything.
 */
export class LooseObjectWriter {
  readonly #objects: string;

  constructor(gitdir: string) {
    this.#objects = join(gitdir, 'objects');
  }

  /** Stores the object and returns its id; an object already stored is left as it is. */
  async write(type: GitObjectType, body: Uint8Array): Promise<string> {
    if (body.byteLength <= SYNC_LIMIT) return this.writeSync(type, body);
    const { sha, path, raw } = this.#prepare(type, body);
    if (existsSync(path)) return sha;
    const temporary = temporaryBeside(path);
    try {
      await fsp.writeFile(temporary, await deflateAsync(raw));
      await fsp.rename(temporary, path);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
    return sha;
  }

  /** `write`, synchronously: for small objects, and for tools that seed repositories in bulk. */
  writeSync(type: GitObjectType, body: Uint8Array): string {
    const { sha, path, raw } = this.#prepare(type, body);
    if (existsSync(path)) return sha;
    const temporary = temporaryBeside(path);
    try {
      writeFileSync(temporary, deflateSync(raw));
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
    // Made every time rather than remembered: `git gc` removes the folders it empties.
    mkdirSync(folder, { recursive: true });
    const raw = Buffer.concat([Buffer.from(`${type} ${body.byteLength}\0`), body]);
    return { sha, path: join(folder, sha.slice(2)), raw };
  }
}

const temporaryBeside = (path: string) => `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
