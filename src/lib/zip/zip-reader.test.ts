import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { deflateSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import type { ContentLimits } from '../../domain/content/content-limits.ts';
import { type Problem, TooLargeError, ValidationError } from '../../domain/errors.ts';
import { forgeZip } from './testing/forge-zip.ts';
import { readZipBundle } from './zip-reader.ts';

const MB = 1024 * 1024;
const limits: ContentLimits = { maxFileBytes: MB, maxItemBytes: 4 * MB, maxFiles: 50, maxDepth: 4 };
const bytesOf = (text: string) => new TextEncoder().encode(text);
const textOf = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function refusal(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the archive to be refused');
}

function problemsOf(archive: Uint8Array, readLimits: ContentLimits = limits): readonly Problem[] {
  const error = refusal(() => readZipBundle(archive, readLimits));
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).problems;
}

function tooLarge(archive: Uint8Array, readLimits: ContentLimits = limits, maxExpansionRatio?: number): string {
  const error = refusal(() => readZipBundle(archive, readLimits, { maxExpansionRatio }));
  expect(error).toBeInstanceOf(TooLargeError);
  return error.message;
}

function has(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('readZipBundle', () => {
  describe('archives made by real tools', () => {
    const dir = mkdtempSync(join(tmpdir(), 'atlas-zip-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const binary = Uint8Array.from({ length: 3000 }, (_, index) => (index * 7) % 256);

    function makeSkillFolder(root: string): void {
      mkdirSync(join(root, 'pdf-tools', 'scripts', 'lib'), { recursive: true });
      writeFileSync(join(root, 'pdf-tools', 'SKILL.md'), `---\nname: pdf-tools\n---\n${'Use it well. '.repeat(200)}`);
      writeFileSync(join(root, 'pdf-tools', 'scripts', 'run.sh'), '#!/bin/sh\necho run\n');
      chmodSync(join(root, 'pdf-tools', 'scripts', 'run.sh'), 0o755);
      writeFileSync(join(root, 'pdf-tools', 'scripts', 'lib', 'data.bin'), binary);
      writeFileSync(join(root, 'pdf-tools', 'café.md'), 'accents');
    }

    it.skipIf(!has('zip'))('reads a zip made by the zip command, with folders, modes and a UTF-8 name', () => {
      const root = join(dir, 'info-zip');
      makeSkillFolder(root);
      execFileSync('zip', ['-qr', 'bundle.zip', 'pdf-tools'], { cwd: root });

      const bundle = readZipBundle(readFileSync(join(root, 'bundle.zip')), limits);

      expect(bundle.rootFolder).toBe('pdf-tools');
      expect(bundle.files.map((file) => [file.path, file.executable])).toEqual([
        ['SKILL.md', false],
        ['café.md', false],
        ['scripts/lib/data.bin', false],
        ['scripts/run.sh', true],
      ]);
      expect(bundle.files[2]?.content).toEqual(binary);
      expect(textOf(bundle.files[3]!.content)).toBe('#!/bin/sh\necho run\n');
    });

    it.skipIf(!has('zip'))('refuses a symbolic link stored by zip -y, naming it', () => {
      const root = join(dir, 'with-link');
      makeSkillFolder(root);
      symlinkSync('../../etc/passwd', join(root, 'pdf-tools', 'passwd'));
      execFileSync('zip', ['-qry', 'bundle.zip', 'pdf-tools'], { cwd: root });

      const problems = problemsOf(readFileSync(join(root, 'bundle.zip')));

      expect(problems).toEqual([{ path: 'zip:pdf-tools/passwd', message: expect.stringContaining('symbolic link') }]);
    });

    it.skipIf(!has('python3'))('reads a zip made by python zipfile', () => {
      const root = join(dir, 'python');
      makeSkillFolder(root);
      execFileSync('python3', ['-m', 'zipfile', '-c', 'bundle.zip', 'pdf-tools'], { cwd: root });

      const bundle = readZipBundle(readFileSync(join(root, 'bundle.zip')), limits);

      expect(bundle.rootFolder).toBe('pdf-tools');
      expect(bundle.files.map((file) => file.path)).toEqual([
        'SKILL.md',
        'café.md',
        'scripts/lib/data.bin',
        'scripts/run.sh',
      ]);
      expect(bundle.files[2]?.content).toEqual(binary);
    });
  });

  describe('names', () => {
    it('refuses every unsafe name in one ValidationError, each problem naming its entry', () => {
      const names = ['../evil.sh', '/etc/passwd', 'C:\\x', 'a\\b', 'nul\0byte', '.git/config', 'deep/.GIT/hooks/x'];
      const nfd = 'cafe\u0301.md';
      const archive = forgeZip([...names, nfd, 'fine.md'].map((name) => ({ name, content: bytesOf('x') })));

      const problems = problemsOf(archive);

      expect(problems.map((problem) => problem.path)).toEqual([...names, nfd].map((name) => `zip:${name}`));
      expect(problems.find((p) => p.path === 'zip:../evil.sh')?.message).toContain('..');
      expect(problems.find((p) => p.path === `zip:${nfd}`)?.message).toContain('NFC');
    });

    it('refuses a folder entry with an unsafe name', () => {
      expect(problemsOf(forgeZip([{ name: '../up/', mode: 0o040755 }]))).toEqual([
        { path: 'zip:../up/', message: expect.stringContaining('..') },
      ]);
    });

    it('refuses a name that is not valid UTF-8', () => {
      const name = Uint8Array.of(0x61, 0xff, 0x2e, 0x6d, 0x64);
      expect(problemsOf(forgeZip([{ name, content: bytesOf('x') }]))).toEqual([
        { path: expect.stringMatching(/^zip:a/), message: expect.stringContaining('UTF-8') },
      ]);
    });

    it('takes the name from an Info-ZIP Unicode Path field whose CRC matches the stored name', () => {
      const legacy = Uint8Array.of(0x63, 0x61, 0x66, 0x82, 0x2e, 0x6d, 0x64);
      const unicode = bytesOf('café.md');
      const extra = new Uint8Array(9 + unicode.byteLength);
      const view = new DataView(extra.buffer);
      view.setUint16(0, 0x7075, true);
      view.setUint16(2, 5 + unicode.byteLength, true);
      view.setUint8(4, 1);
      view.setUint32(5, crc32(legacy), true);
      extra.set(unicode, 9);

      const bundle = readZipBundle(forgeZip([{ name: legacy, flags: 0, extra, content: bytesOf('x') }]), limits);

      expect(bundle.files.map((file) => file.path)).toEqual(['café.md']);
    });

    it('refuses a name given twice', () => {
      const archive = forgeZip([
        { name: 'SKILL.md', content: bytesOf('one') },
        { name: 'SKILL.md', content: bytesOf('two') },
      ]);
      expect(problemsOf(archive)).toEqual([{ path: 'zip:SKILL.md', message: expect.stringContaining('twice') }]);
    });

    it('refuses a name that is a file and also the folder of another entry', () => {
      const archive = forgeZip([
        { name: 'scripts', content: bytesOf('file') },
        { name: 'scripts/run.sh', content: bytesOf('inside') },
      ]);
      expect(problemsOf(archive)).toEqual([{ path: 'zip:scripts', message: expect.stringContaining('folder') }]);
    });

    it('refuses a file whose local header names another file', () => {
      const archive = forgeZip([{ name: 'SKILL.md', localName: '../../SKILL.md', content: bytesOf('x') }]);
      expect(problemsOf(archive)).toEqual([{ path: 'zip:SKILL.md', message: expect.stringContaining('local header') }]);
    });
  });

  describe('entry types', () => {
    it('refuses a symbolic link forged with mode 0o120777', () => {
      const archive = forgeZip([
        { name: 'SKILL.md', content: bytesOf('x') },
        { name: 'link', mode: 0o120777, method: 0, content: bytesOf('/etc/passwd') },
      ]);
      expect(problemsOf(archive)).toEqual([{ path: 'zip:link', message: expect.stringContaining('symbolic link') }]);
    });

    it('refuses FIFOs and devices', () => {
      const archive = forgeZip([
        { name: 'fifo', mode: 0o010644 },
        { name: 'chardev', mode: 0o020644 },
        { name: 'blockdev', mode: 0o060644 },
        { name: 'socket', mode: 0o140644 },
      ]);
      expect(problemsOf(archive).map((problem) => problem.path)).toEqual([
        'zip:fifo',
        'zip:chardev',
        'zip:blockdev',
        'zip:socket',
      ]);
    });

    it('refuses an encrypted entry and an unsupported compression method', () => {
      const archive = forgeZip([
        { name: 'secret.md', flags: 0x0001, content: bytesOf('x') },
        { name: 'bzip2.md', method: 12, content: bytesOf('x') },
      ]);
      expect(problemsOf(archive)).toEqual([
        { path: 'zip:secret.md', message: expect.stringContaining('encrypted') },
        { path: 'zip:bzip2.md', message: expect.stringContaining('method 12') },
      ]);
    });

    it('drops folder entries and reads executable bits only from a Unix mode', () => {
      const archive = forgeZip([
        { name: 'scripts/', mode: 0o040755 },
        { name: 'scripts/run.sh', mode: 0o100750, content: bytesOf('#!/bin/sh') },
        { name: 'scripts/other.sh', mode: 0o100644, content: bytesOf('#!/bin/sh') },
        { name: 'dos.exe', host: 0, mode: 0o100755, content: bytesOf('MZ') },
      ]);

      const bundle = readZipBundle(archive, limits);

      expect(bundle.files.map((file) => [file.path, file.executable])).toEqual([
        ['dos.exe', false],
        ['scripts/other.sh', false],
        ['scripts/run.sh', true],
      ]);
    });
  });

  describe('limits', () => {
    it('refuses more files than maxFiles with TooLargeError', () => {
      const archive = forgeZip(Array.from({ length: 4 }, (_, index) => ({ name: `f${index}.md` })));
      expect(tooLarge(archive, { ...limits, maxFiles: 3 })).toMatch(/4 files; the limit is 3/);
    });

    it('refuses a file declared over maxFileBytes, naming it and the limit, before inflating it', () => {
      const archive = forgeZip([
        { name: 'small.md', content: bytesOf('x') },
        { name: 'big.bin', data: Uint8Array.of(1, 2, 3), size: 2 * MB },
      ]);
      expect(tooLarge(archive)).toMatch(/zip:big\.bin: is 2 MB; the limit is 1 MB a file/);
    });

    it('refuses files whose declared total is over maxItemBytes', () => {
      const archive = forgeZip(
        Array.from({ length: 5 }, (_, index) => ({ name: `part${index}.bin`, data: new Uint8Array(1), size: MB })),
      );
      expect(tooLarge(archive)).toMatch(/expands to 5 MB; the limit is 4 MB an item/);
    });

    it('refuses a zip bomb whose expansion ratio is over 200 with TooLargeError', () => {
      const zeros = new Uint8Array(20 * MB);
      const archive = forgeZip([{ name: 'zeros.bin', content: zeros }]);
      expect(archive.byteLength).toBeLessThan(100 * 1024);
      const roomy = { ...limits, maxFileBytes: 30 * MB, maxItemBytes: 30 * MB };

      expect(tooLarge(archive, roomy)).toMatch(/expands \d+ times .*the limit is 200 times/);
      expect(tooLarge(archive, roomy, 500)).toMatch(/the limit is 500 times/);
    });

    it('accepts a small archive of repetitive text whatever its ratio', () => {
      const archive = forgeZip([{ name: 'spaces.txt', content: bytesOf(' '.repeat(100_000)) }]);
      expect(readZipBundle(archive, limits).files[0]?.content.byteLength).toBe(100_000);
    });

    it('refuses folders deeper than maxDepth, counted inside the stripped root folder', () => {
      const shallow = forgeZip([{ name: 'root/a/b/ok.md', content: bytesOf('x') }]);
      expect(readZipBundle(shallow, { ...limits, maxDepth: 2 }).files.map((file) => file.path)).toEqual(['a/b/ok.md']);

      const deep = forgeZip([{ name: 'root/a/b/c/deep.md', content: bytesOf('x') }]);
      expect(problemsOf(deep, { ...limits, maxDepth: 2 })).toEqual([
        { path: 'zip:root/a/b/c/deep.md', message: 'is 3 folders deep inside its item; the limit is 2' },
      ]);
    });
  });

  describe('corrupt and lying archives', () => {
    it('refuses bytes that are not a zip at path zip', () => {
      expect(problemsOf(bytesOf('this is plainly a text file, not an archive'))).toEqual([
        { path: 'zip', message: expect.stringContaining('not a zip') },
      ]);
      expect(problemsOf(new Uint8Array(3))).toEqual([{ path: 'zip', message: expect.stringContaining('not a zip') }]);
    });

    it('refuses a truncated archive at path zip', () => {
      const archive = forgeZip([{ name: 'SKILL.md', content: bytesOf('hello') }]);
      expect(problemsOf(archive.subarray(0, archive.byteLength - 10))).toEqual([
        { path: 'zip', message: expect.stringMatching(/not a zip|truncated/) },
      ]);
    });

    it('refuses a ZIP64 archive at path zip', () => {
      const archive = forgeZip([{ name: 'SKILL.md', content: bytesOf('x') }], { zip64Locator: true });
      expect(problemsOf(archive)).toEqual([{ path: 'zip', message: expect.stringContaining('ZIP64') }]);
    });

    it('refuses an entry whose data runs past its place in the archive', () => {
      const archive = forgeZip([{ name: 'SKILL.md', content: bytesOf('x'), compressedSize: 5000 }]);
      expect(problemsOf(archive)).toEqual([{ path: 'zip:SKILL.md', message: expect.stringContaining('truncated') }]);
    });

    it('refuses entries that share their bytes, as the densest zip bombs do', () => {
      // a.md declares 4 bytes of its own plus the whole of b.md's 38-byte local record as its data.
      const archive = forgeZip([
        { name: 'a.md', method: 0, content: bytesOf('aaaa'), size: 42, compressedSize: 42 },
        { name: 'b.md', method: 0, content: bytesOf('bbbb') },
      ]);
      expect(problemsOf(archive)).toEqual([{ path: 'zip:b.md', message: 'overlaps the data of another entry' }]);
    });

    it('refuses two entries pointing at one local header', () => {
      const archive = forgeZip([
        { name: 'a.md', content: bytesOf('x') },
        { name: 'b.md', content: bytesOf('x'), localHeaderOf: 0 },
      ]);
      expect(problemsOf(archive)).toEqual([{ path: 'zip:b.md', message: expect.stringContaining('local header') }]);
    });

    it('checks every entry before inflating any, so a bad name is reported without touching corrupt data', () => {
      const archive = forgeZip([
        { name: 'garbage.md', data: Uint8Array.of(0xff, 0xff, 0xff, 0xff), size: 10 },
        { name: '../evil.sh', content: bytesOf('x') },
      ]);
      expect(problemsOf(archive)).toEqual([{ path: 'zip:../evil.sh', message: expect.stringContaining('..') }]);
    });

    it('refuses an entry that inflates to more than it declares', () => {
      const archive = forgeZip([{ name: 'liar.bin', content: new Uint8Array(MB / 2), size: 100 }]);
      expect(problemsOf(archive)).toEqual([{ path: 'zip:liar.bin', message: expect.stringContaining('declared') }]);
    });

    it('refuses an entry that inflates to less than it declares', () => {
      const archive = forgeZip([{ name: 'short.md', content: bytesOf('short'), size: 50 }]);
      expect(problemsOf(archive)).toEqual([
        { path: 'zip:short.md', message: 'is 5 bytes, not the 50 bytes the archive declares' },
      ]);
    });

    it('refuses entries whose CRC-32 does not match, stored or deflated', () => {
      const archive = forgeZip([
        { name: 'stored.md', method: 0, content: bytesOf('stored'), crc: 1234 },
        { name: 'deflated.md', content: bytesOf('deflated'), crc: 5678 },
      ]);
      expect(problemsOf(archive)).toEqual([
        { path: 'zip:stored.md', message: expect.stringContaining('CRC-32') },
        { path: 'zip:deflated.md', message: expect.stringContaining('CRC-32') },
      ]);
    });

    it('refuses corrupt deflate data', () => {
      const data = deflateSync(bytesOf('some text that compresses'.repeat(20))).subarray(0, 10);
      const archive = forgeZip([{ name: 'cut.md', data, size: 500, crc: 0 }]);
      expect(problemsOf(archive)).toEqual([{ path: 'zip:cut.md', message: expect.stringContaining('corrupt') }]);
    });
  });

  describe('shape', () => {
    it('strips the one top-level folder every file sits in and returns it as rootFolder', () => {
      const archive = forgeZip([
        { name: 'pdf-tools/', mode: 0o040755 },
        { name: 'pdf-tools/SKILL.md', content: bytesOf('skill') },
        { name: 'pdf-tools/scripts/x.py', content: bytesOf('print()') },
      ]);

      const bundle = readZipBundle(archive, limits);

      expect(bundle.rootFolder).toBe('pdf-tools');
      expect(bundle.files.map((file) => file.path)).toEqual(['SKILL.md', 'scripts/x.py']);
    });

    it('keeps paths whole when files sit at the top or in several top-level folders', () => {
      const topFile = forgeZip([{ name: 'SKILL.md' }, { name: 'scripts/x.py' }]);
      const twoFolders = forgeZip([{ name: 'a/SKILL.md' }, { name: 'b/x.py' }]);

      expect(readZipBundle(topFile, limits)).toEqual({ files: expect.any(Array) });
      expect(readZipBundle(topFile, limits).files.map((file) => file.path)).toEqual(['SKILL.md', 'scripts/x.py']);
      expect(readZipBundle(twoFolders, limits).rootFolder).toBeUndefined();
      expect(readZipBundle(twoFolders, limits).files.map((file) => file.path)).toEqual(['a/SKILL.md', 'b/x.py']);
    });

    it('drops __MACOSX and .DS_Store before deciding on the root folder', () => {
      const archive = forgeZip([
        { name: 'pdf-tools/SKILL.md', content: bytesOf('skill') },
        { name: 'pdf-tools/.DS_Store', content: bytesOf('junk') },
        { name: '__MACOSX/', mode: 0o040755 },
        { name: '__MACOSX/pdf-tools/._SKILL.md', content: bytesOf('junk') },
        { name: '.DS_Store', content: bytesOf('junk') },
      ]);

      const bundle = readZipBundle(archive, limits);

      expect(bundle).toEqual({ rootFolder: 'pdf-tools', files: [expect.objectContaining({ path: 'SKILL.md' })] });
    });

    it('returns files sorted by code point, not by UTF-16 unit', () => {
      const names = ['z.md', '\u{1F600}.md', '\uFF01.md', 'B.md', 'a/b.md', 'a.md'];
      const bundle = readZipBundle(forgeZip(names.map((name) => ({ name }))), limits);
      expect(bundle.files.map((file) => file.path)).toEqual([
        'B.md',
        'a.md',
        'a/b.md',
        'z.md',
        '\uFF01.md',
        '\u{1F600}.md',
      ]);
    });

    it('returns content that does not share memory with the archive', () => {
      const archive = forgeZip([{ name: 'stored.md', method: 0, content: bytesOf('stored') }]);
      const [file] = readZipBundle(archive, limits).files;
      archive.fill(0);
      expect(textOf(file!.content)).toBe('stored');
    });

    it('reads an empty archive as no files', () => {
      expect(readZipBundle(forgeZip([]), limits)).toEqual({ files: [] });
    });
  });
});
