import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { ContentLimits } from '../../domain/content/content-limits.ts';
import { ValidationError } from '../../domain/errors.ts';
import { readZipBundle, type ZipBundleFile } from './zip-reader.ts';
import { writeZipBundle } from './zip-writer.ts';

const limits: ContentLimits = { maxFileBytes: 1024 * 1024, maxItemBytes: 4 * 1024 * 1024, maxFiles: 50, maxDepth: 4 };
const bytesOf = (text: string) => new TextEncoder().encode(text);

const files: ZipBundleFile[] = [
  { path: 'scripts/run.sh', content: bytesOf('#!/bin/sh\necho hi\n'), executable: true },
  { path: 'SKILL.md', content: bytesOf(`---\nname: pdf-tools\n---\n${'Body text. '.repeat(100)}`), executable: false },
  {
    path: 'assets/logo.png',
    content: Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0, 0xff),
    executable: false,
  },
  { path: 'docs/réf/naïve 日本.md', content: bytesOf('unicode names'), executable: false },
  { path: 'data/zeros.bin', content: new Uint8Array(5000), executable: false },
  { path: 'empty.txt', content: new Uint8Array(0), executable: false },
  { path: 'scripts/lib/deep/tool.py', content: bytesOf('print("x")\n'), executable: true },
];

interface ListedEntry {
  name: string;
  system: number;
  mode: number;
  date: number[];
  method: number;
}

/** Lists an archive with Python's zipfile, an independent reader that also checks every CRC. */
function listWithPython(archive: Uint8Array): { bad: string | null; entries: ListedEntry[] } {
  const script = [
    'import io, json, sys, zipfile',
    'z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))',
    'entries = [dict(name=i.filename, system=i.create_system, mode=i.external_attr >> 16,',
    '  date=list(i.date_time), method=i.compress_type) for i in z.infolist()]',
    'print(json.dumps(dict(bad=z.testzip(), entries=entries)))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', script], { input: archive }).toString());
}

function hasPython(): boolean {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('writeZipBundle', () => {
  const zoneBefore = process.env.TZ;
  afterEach(() => {
    if (zoneBefore === undefined) delete process.env.TZ;
    else process.env.TZ = zoneBefore;
  });

  it('round trips through readZipBundle with identical bytes and executable bits', () => {
    const bundle = readZipBundle(writeZipBundle('pdf-tools', files), limits);

    expect(bundle.rootFolder).toBe('pdf-tools');
    const byPath = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
    expect(bundle.files).toEqual(byPath);
  });

  it.skipIf(!hasPython())('writes one top-level folder, in path order, with Unix modes and a 1980 date', () => {
    const listing = listWithPython(writeZipBundle('pdf-tools', files));

    expect(listing.bad).toBeNull();
    expect(listing.entries.map((entry) => entry.name)).toEqual([
      'pdf-tools/SKILL.md',
      'pdf-tools/assets/logo.png',
      'pdf-tools/data/zeros.bin',
      'pdf-tools/docs/réf/naïve 日本.md',
      'pdf-tools/empty.txt',
      'pdf-tools/scripts/lib/deep/tool.py',
      'pdf-tools/scripts/run.sh',
    ]);
    expect(listing.entries.map((entry) => [entry.system, entry.mode.toString(8)])).toEqual([
      [3, '100644'],
      [3, '100644'],
      [3, '100644'],
      [3, '100644'],
      [3, '100644'],
      [3, '100755'],
      [3, '100755'],
    ]);
    expect(new Set(listing.entries.map((entry) => entry.date.join('-')))).toEqual(new Set(['1980-1-1-0-0-0']));
    expect(listing.entries.find((entry) => entry.name.endsWith('SKILL.md'))?.method).toBe(8);
    expect(listing.entries.find((entry) => entry.name.endsWith('logo.png'))?.method).toBe(0);
  });

  it('gives the same bytes for the same files whatever the order given and the time zone', () => {
    process.env.TZ = 'Pacific/Kiritimati';
    const east = writeZipBundle('pdf-tools', files);
    process.env.TZ = 'America/Los_Angeles';
    const west = writeZipBundle('pdf-tools', [...files].reverse());

    expect(Buffer.compare(east, west)).toBe(0);
  });

  it.skipIf(!hasPython())('records the modification time it is given, in UTC', () => {
    process.env.TZ = 'Asia/Kolkata';
    const archive = writeZipBundle('x', files.slice(0, 1), { mtime: new Date('2024-05-06T07:08:10Z') });
    expect(listWithPython(archive).entries[0]?.date).toEqual([2024, 5, 6, 7, 8, 10]);
  });

  it('refuses a root folder or paths that are not safe git paths, and a path given twice', () => {
    const attempt = (root: string, paths: string[]) => {
      try {
        writeZipBundle(
          root,
          paths.map((path) => ({ path, content: new Uint8Array(0), executable: false })),
        );
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return (error as ValidationError).problems.map((problem) => problem.path);
      }
      return [];
    };

    expect(attempt('a/b', ['ok.md'])).toEqual(['rootFolder']);
    expect(attempt('..', ['ok.md'])).toEqual(['rootFolder']);
    expect(attempt('root', ['../x', '.git/config', 'ok.md', 'ok.md'])).toEqual(['../x', '.git/config', 'ok.md']);
  });
});
