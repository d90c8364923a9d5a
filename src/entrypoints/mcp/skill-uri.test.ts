import { describe, expect, it } from 'vitest';
import { parseSkillUri, skillFileUri, skillMdUri, skillRootUri } from './skill-uri.ts';
import { utf8Window } from './tools.ts';
import { verbatimFrontmatter } from './verbatim-frontmatter.ts';

const pdf = { namespace: 'platform', name: 'pdf-tools' };
const bytes = (text: string) => new TextEncoder().encode(text);

describe('skill URIs', () => {
  it('puts the namespace in the authority and the skill name last, with SKILL.md explicit', () => {
    expect(skillMdUri(pdf)).toBe('skill://platform/pdf-tools/SKILL.md');
    expect(skillRootUri(pdf)).toBe('skill://platform/pdf-tools');
    expect(skillFileUri(pdf, 'scripts/extract.py')).toBe('skill://platform/pdf-tools/scripts/extract.py');
  });

  it('reads back every path git can hold, percent-encoding what a URI cannot carry', () => {
    for (const path of ['SKILL.md', 'a b/c#d?.md', 'ünï/cödé ✓.txt', "it's (100%).md", 'x/y/z/deep.md']) {
      const uri = skillFileUri(pdf, path);
      expect(uri).not.toMatch(/[\s#?]/);
      const parsed = parseSkillUri(uri);
      expect(parsed?.path, path).toBe(path);
      expect(parsed?.ref).toEqual({ kind: 'skill', namespace: 'platform', name: 'pdf-tools' });
    }
    expect(parseSkillUri('skill://platform/pdf-tools')?.path).toBe('');
  });

  it('reads nothing else', () => {
    for (const uri of [
      'file:///etc/passwd',
      'skill://platform',
      'skill://platform/Pdf-Tools/SKILL.md',
      'skill://PLATFORM/pdf-tools/SKILL.md',
      'skill://platform/pdf-tools/../secret/SKILL.md',
      'skill://platform/pdf-tools/./SKILL.md',
      'skill://platform/pdf-tools//SKILL.md',
      'skill://platform/pdf-tools/SKILL.md?at=1',
      'skill://platform/pdf-tools/SKILL.md#top',
      'skill://platform/pdf-tools/%E0%A4%A',
      'skill://platform/pdf-tools/a%2Fb',
      'skill://not a namespace/pdf-tools/SKILL.md',
    ]) {
      expect(parseSkillUri(uri), uri).toBeUndefined();
    }
  });
});

describe('verbatimFrontmatter', () => {
  it('renders the YAML as written: numbers stay numbers, lists stay lists, unknown fields pass through', () => {
    const skill = bytes(
      '\uFEFF---\r\nname: pdf-tools\r\ndescription: >-\r\n  Extract tables\r\n  from PDFs.\r\nmetadata:\r\n  pages: 40\r\n  version: "1.0"\r\nallowed-tools: [Read, Bash]\r\nx-custom: true\r\n---\r\n# Body\r\n',
    );
    expect(verbatimFrontmatter(skill, 'a'.repeat(64))).toEqual({
      name: 'pdf-tools',
      description: 'Extract tables from PDFs.',
      metadata: { pages: 40, version: '1.0' },
      'allowed-tools': ['Read', 'Bash'],
      'x-custom': true,
    });
  });

  it('is undefined without a frontmatter, a name or a description', () => {
    expect(verbatimFrontmatter(bytes('# no frontmatter\n'), 'b'.repeat(64))).toBeUndefined();
    expect(verbatimFrontmatter(bytes('---\nname: x\n---\n'), 'c'.repeat(64))).toBeUndefined();
    expect(verbatimFrontmatter(bytes('---\n- a\n- b\n---\n'), 'd'.repeat(64))).toBeUndefined();
    expect(verbatimFrontmatter(bytes('---\nname: [\n---\n'), 'e'.repeat(64))).toBeUndefined();
  });
});

describe('utf8Window', () => {
  const text = bytes('aé✓𝄞b');
  it('never starts or ends inside a character', () => {
    for (let offset = 0; offset <= text.length; offset++) {
      for (let max = 1; max <= text.length; max++) {
        const { start, end } = utf8Window(text, offset, max);
        const decoded = new TextDecoder('utf-8', { fatal: true }).decode(text.subarray(start, end));
        expect(new TextEncoder().encode(decoded)).toEqual(text.subarray(start, end));
        expect(start).toBeLessThanOrEqual(offset);
        if (start < text.length) expect(end).toBeGreaterThan(start);
      }
    }
  });

  it('reads a file whole in windows that follow each other', () => {
    let offset = 0;
    let out = '';
    while (offset < text.length) {
      const { start, end } = utf8Window(text, offset, 2);
      out += new TextDecoder().decode(text.subarray(start, end));
      offset = end;
    }
    expect(out).toBe('aé✓𝄞b');
  });
});
