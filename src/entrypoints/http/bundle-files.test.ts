import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../domain/errors.ts';

import { decodeBundleFiles } from './bundle-files.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

function problemsOf(run: () => unknown) {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).problems;
}

describe('decodeBundleFiles', () => {
  it('decodes text as UTF-8 and base64 as bytes, keeping the executable bit', () => {
    const binary = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe]);
    const files = decodeBundleFiles([
      { path: 'SKILL.md', content: '# Schön ✓' },
      { path: 'assets/logo.png', content: Buffer.from(binary).toString('base64'), encoding: 'base64' },
      { path: 'scripts/run.sh', content: 'echo\n', executable: true },
    ]);
    expect(files).toEqual([
      { path: 'SKILL.md', content: bytes('# Schön ✓'), executable: false },
      { path: 'assets/logo.png', content: binary, executable: false },
      { path: 'scripts/run.sh', content: bytes('echo\n'), executable: true },
    ]);
  });

  it('accepts base64 broken over lines, as encoders wrap it', () => {
    const data = new Uint8Array(100).map((_, i) => i);
    const wrapped = Buffer.from(data)
      .toString('base64')
      .replace(/(.{76})/g, '$1\n');
    expect(decodeBundleFiles([{ path: 'a.bin', content: wrapped, encoding: 'base64' }])[0]?.content).toEqual(data);
  });

  it('reports every bad file at once with ValidationError, each at files/<index>/<field>', () => {
    const problems = problemsOf(() =>
      decodeBundleFiles([
        { path: 'SKILL.md', content: 'ok' },
        { path: '../escape.sh', content: 'x' },
        { path: 'a.bin', content: 'not base64!', encoding: 'base64' },
        { path: 'SKILL.md', content: 'again' },
        { path: 'scripts\\run.sh', content: 'x' },
      ]),
    );
    expect(problems.map((p) => p.path)).toEqual(['files/1/path', 'files/2/content', 'files/3/path', 'files/4/path']);
    expect(problems[2]?.message).toBe('"SKILL.md" is given twice');
  });
});
