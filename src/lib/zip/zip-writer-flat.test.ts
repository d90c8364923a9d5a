import { execFileSync } from 'node:child_process';
import { unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../domain/errors.ts';
import type { ZipBundleFile } from './zip-reader.ts';
import { writeFlatZip } from './zip-writer.ts';

const bytesOf = (text: string) => new TextEncoder().encode(text);

const files: ZipBundleFile[] = [
  { path: 'scripts/run.sh', content: bytesOf('#!/bin/sh\necho hi\n'), executable: true },
  { path: 'SKILL.md', content: bytesOf(`---\nname: pdf\n---\n${'Body. '.repeat(200)}`), executable: false },
  { path: 'assets/logo.png', content: Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0, 0xff, 0xfe), executable: false },
  { path: 'docs/naïve 日本.md', content: bytesOf('unicode names'), executable: false },
  { path: '__proto__', content: bytesOf('a file like any other'), executable: false },
];

function hasPython(): boolean {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('writeFlatZip', () => {
  const zoneBefore = process.env.TZ;
  afterEach(() => {
    if (zoneBefore === undefined) delete process.env.TZ;
    else process.env.TZ = zoneBefore;
  });

  it('puts every file at the root of the archive, with its exact bytes', () => {
    // fflate's reader answers in a plain object, where `__proto__` cannot be a key: that file is checked below.
    const plain = files.filter((file) => file.path !== '__proto__');
    const entries = unzipSync(writeFlatZip(plain));
    expect(Object.keys(entries).sort()).toEqual(plain.map((file) => file.path).sort());
    for (const file of plain) expect(entries[file.path]).toEqual(file.content);
  });

  it('gives the same bytes for the same files, whatever their order and the time zone', () => {
    process.env.TZ = 'UTC';
    const first = writeFlatZip(files);
    process.env.TZ = 'Pacific/Kiritimati';
    const second = writeFlatZip([...files].reverse());
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
  });

  it('gives different bytes when one byte of one file differs', () => {
    const changed = files.map((file) =>
      file.path === 'scripts/run.sh' ? { ...file, content: bytesOf('#!/bin/sh\necho ho\n') } : file,
    );
    expect(Buffer.from(writeFlatZip(changed)).equals(Buffer.from(writeFlatZip(files)))).toBe(false);
  });

  it.runIf(hasPython())(
    'writes every file (`__proto__` too), Unix modes and a fixed time that an independent reader sees, with valid CRCs',
    () => {
      const script = [
        'import io, json, sys, zipfile',
        'z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))',
        'print(json.dumps(dict(bad=z.testzip(), entries={i.filename: [i.external_attr >> 16, list(i.date_time),',
        '  z.read(i).hex()] for i in z.infolist()})))',
      ].join('\n');
      const listed = JSON.parse(execFileSync('python3', ['-c', script], { input: writeFlatZip(files) }).toString()) as {
        bad: string | null;
        entries: Record<string, [number, number[], string]>;
      };
      expect(listed.bad).toBeNull();
      expect(Object.keys(listed.entries).sort()).toEqual(files.map((file) => file.path).sort());
      for (const file of files) expect(listed.entries[file.path]?.[2]).toBe(Buffer.from(file.content).toString('hex'));
      expect(listed.entries['scripts/run.sh']?.slice(0, 2)).toEqual([0o100755, [1980, 1, 1, 0, 0, 0]]);
      expect(listed.entries['SKILL.md']?.[0]).toBe(0o100644);
    },
  );

  it('refuses a path that leaves the archive or is given twice, naming each', () => {
    const bad = [
      ...files,
      { path: '../escape.sh', content: bytesOf('x'), executable: false },
      { path: 'SKILL.md', content: bytesOf('again'), executable: false },
    ];
    try {
      writeFlatZip(bad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).problems.map((problem) => problem.path).sort()).toEqual([
        '../escape.sh',
        'SKILL.md',
      ]);
    }
  });
});
