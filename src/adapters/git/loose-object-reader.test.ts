import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { EXECUTABLE_MODE, encodeTree, FILE_MODE, gitObjectId, TREE_MODE } from '../../domain/content/tree-id.ts';
import { LooseObjectReader } from './loose-object-reader.ts';
import { LooseObjectWriter } from './loose-object-writer.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('LooseObjectReader', () => {
  const dirs: string[] = [];
  const repository = () => {
    const dir = mkdtempSync(join(tmpdir(), 'atlas-loose-read-'));
    dirs.push(dir);
    return { dir, writer: new LooseObjectWriter(dir), reader: new LooseObjectReader(dir) };
  };
  /** Stores `raw` (header included) deflated under `sha`, whatever it holds. */
  const plant = (dir: string, sha: string, raw: Uint8Array) => {
    mkdirSync(join(dir, 'objects', sha.slice(0, 2)), { recursive: true });
    writeFileSync(join(dir, 'objects', sha.slice(0, 2), sha.slice(2)), deflateSync(raw));
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('reads back the blobs and trees the writer stored, small and large', async () => {
    const { writer, reader } = repository();
    const small = bytes('# A skill\n');
    // Random bytes do not deflate: over the size read in place, so read and inflated off the event loop.
    const large = new Uint8Array(randomBytes(300_000));
    const [smallSha, largeSha] = [writer.writeSync('blob', small), await writer.write('blob', large)];
    const entries = [
      { name: 'SKILL.md', mode: FILE_MODE, sha: smallSha },
      { name: 'run.sh', mode: EXECUTABLE_MODE, sha: largeSha },
      { name: 'scripts', mode: TREE_MODE, sha: writer.writeSync('tree', encodeTree([])) },
    ];
    const treeSha = writer.writeSync('tree', encodeTree(entries));

    expect(await reader.readBlob(smallSha)).toEqual(small);
    expect(await reader.readBlob(largeSha)).toEqual(large);
    expect(await reader.readTree(treeSha)).toEqual(expect.arrayContaining(entries));
    expect(await reader.readTree(treeSha)).toHaveLength(3);
  });

  it('answers undefined for what it leaves to isomorphic-git: absent, another type, damaged, odd tree names', async () => {
    const { dir, writer, reader } = repository();
    const blob = writer.writeSync('blob', bytes('content'));
    expect(await reader.readBlob('0'.repeat(40))).toBeUndefined();
    expect(await reader.readTree(blob)).toBeUndefined();

    // Content that does not hash to the name it is stored under.
    const forged = '1'.repeat(40);
    plant(dir, forged, bytes('blob 7\0content'));
    expect(await reader.readBlob(forged)).toBeUndefined();
    // Not deflated at all.
    mkdirSync(join(dir, 'objects', '22'), { recursive: true });
    writeFileSync(join(dir, 'objects', '22', '2'.repeat(38)), 'plain text');
    expect(await reader.readBlob('2'.repeat(40))).toBeUndefined();

    // A tree naming `.git` or a path with a colon is isomorphic-git's to refuse, as it always did.
    for (const name of ['.git', 'a:b']) {
      const body = encodeTree([{ name, mode: FILE_MODE, sha: blob }]);
      const raw = Buffer.concat([Buffer.from(`tree ${body.byteLength}\0`), body]);
      const sha = gitObjectId('tree', body);
      plant(dir, sha, raw);
      expect(await reader.readTree(sha)).toBeUndefined();
    }
  });
});
