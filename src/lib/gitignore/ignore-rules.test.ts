import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IgnoreRules } from './ignore-rules.ts';

const rules = (text: string) => IgnoreRules.fromText(text);

describe('IgnoreRules', () => {
  it('ignores nothing without rules', () => {
    expect(IgnoreRules.none().ignores('anything/at/all', false)).toBe(false);
  });

  it('matches a name without a slash at any depth, and everything inside a matched folder', () => {
    const ignore = rules('build\n*.log\n');
    expect(ignore.ignores('build', true)).toBe(true);
    expect(ignore.ignores('skills/x/build', true)).toBe(true);
    expect(ignore.ignores('skills/x/build/out.js', false)).toBe(true);
    expect(ignore.ignores('skills/x/debug.log', false)).toBe(true);
    expect(ignore.ignores('skills/x/SKILL.md', false)).toBe(false);
  });

  it('anchors a pattern with a slash to the folder of its file', () => {
    const ignore = rules('/drafts\ndocs/private\n');
    expect(ignore.ignores('drafts', true)).toBe(true);
    expect(ignore.ignores('skills/drafts', true)).toBe(false);
    expect(ignore.ignores('docs/private/a.md', false)).toBe(true);
    expect(ignore.ignores('skills/docs/private', true)).toBe(false);
  });

  it('applies a trailing slash to folders only', () => {
    const ignore = rules('cache/\n');
    expect(ignore.ignores('cache', true)).toBe(true);
    expect(ignore.ignores('cache', false)).toBe(false);
    expect(ignore.ignores('cache/file', false)).toBe(true);
  });

  it('lets a later negation re-include a file, but nothing inside an ignored folder', () => {
    const ignore = rules('*.md\n!README.md\nvendor/\n!vendor/keep.md\n');
    expect(ignore.ignores('notes.md', false)).toBe(true);
    expect(ignore.ignores('README.md', false)).toBe(false);
    expect(ignore.ignores('vendor/keep.md', false)).toBe(true);
  });

  it('understands **, ?, character classes, comments and escapes', () => {
    const ignore = rules('# a comment\n**/tmp/**\nlogs/**/*.txt\nfile?.bin\n[ab]c.txt\n\\#hash\n\\!bang\n');
    expect(ignore.ignores('a/tmp/b/c', false)).toBe(true);
    expect(ignore.ignores('logs/x.txt', false)).toBe(true);
    expect(ignore.ignores('logs/a/b/x.txt', false)).toBe(true);
    expect(ignore.ignores('file1.bin', false)).toBe(true);
    expect(ignore.ignores('file12.bin', false)).toBe(false);
    expect(ignore.ignores('bc.txt', false)).toBe(true);
    expect(ignore.ignores('cc.txt', false)).toBe(false);
    expect(ignore.ignores('#hash', false)).toBe(true);
    expect(ignore.ignores('!bang', false)).toBe(true);
    expect(ignore.ignores('# a comment', false)).toBe(false);
  });

  it("keeps a nested .gitignore's patterns to its own folder", () => {
    const ignore = rules('*.tmp\n').withFile('skills/a', 'notes/\n!keep.tmp\n');
    expect(ignore.ignores('skills/a/notes', true)).toBe(true);
    expect(ignore.ignores('skills/b/notes', true)).toBe(false);
    expect(ignore.ignores('skills/a/keep.tmp', false)).toBe(false);
    expect(ignore.ignores('skills/b/keep.tmp', false)).toBe(true);
  });

  describe('load', () => {
    let root: string;
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('reads .git/info/exclude and the .gitignore files from the top of the checkout down to the folder', async () => {
      root = mkdtempSync(join(tmpdir(), 'atlas-ignore-'));
      mkdirSync(join(root, '.git', 'info'), { recursive: true });
      mkdirSync(join(root, 'repo', 'skills'), { recursive: true });
      writeFileSync(join(root, '.git', 'info', 'exclude'), 'local-only/\n');
      writeFileSync(join(root, '.gitignore'), '/repo/skills/generated/\n');
      writeFileSync(join(root, 'repo', '.gitignore'), '*.bak\n');
      const ignore = await IgnoreRules.load(join(root, 'repo', 'skills'));
      expect(ignore.ignores('generated', true)).toBe(true);
      expect(ignore.ignores('a/file.bak', false)).toBe(true);
      expect(ignore.ignores('x/local-only', true)).toBe(true);
      expect(ignore.ignores('a/SKILL.md', false)).toBe(false);
    });

    it("outside a checkout reads the folder's own .gitignore only", async () => {
      root = mkdtempSync(join(tmpdir(), 'atlas-ignore-'));
      writeFileSync(join(root, '.gitignore'), 'scratch/\n');
      const ignore = await IgnoreRules.load(root);
      expect(ignore.ignores('skills/scratch', true)).toBe(true);
      expect((await ignore.along(root, 'skills')).ignores('skills/x', true)).toBe(false);
    });
  });
});
