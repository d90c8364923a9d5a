import { describe, expect, it } from 'vitest';
import { frontmatterName, withFrontmatterName } from './skill-frontmatter-name.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array | undefined) =>
  bytes ? new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes) : undefined;

describe('frontmatterName', () => {
  it('reads the name of a valid SKILL.md, whatever its folder', () => {
    expect(frontmatterName(utf8('---\nname: summarize-diff\ndescription: Sums up.\n---\n'))).toBe('summarize-diff');
  });

  it('is undefined for a SKILL.md that does not validate', () => {
    expect(frontmatterName(utf8('---\nname: Bad_Name\ndescription: x\n---\n'))).toBeUndefined();
    expect(frontmatterName(utf8('no frontmatter'))).toBeUndefined();
  });
});

describe('withFrontmatterName', () => {
  it('changes the value on the name line and no other byte', () => {
    const before =
      '\uFEFF---\r\nname: "code-review"  \r\ndescription: Reviews.\r\nmetadata:\r\n  name: kept\r\n---\r\nBody name: x\r\n';
    expect(text(withFrontmatterName(utf8(before), 'docs-kit-code-review'))).toBe(
      '\uFEFF---\r\nname: docs-kit-code-review\r\ndescription: Reviews.\r\nmetadata:\r\n  name: kept\r\n---\r\nBody name: x\r\n',
    );
  });

  it.each([
    ['a block scalar', '---\nname: >\n  code-review\ndescription: x\n---\n'],
    ['a value continued on the next line', '---\nname: code\n  review\ndescription: x\n---\n'],
    ['no name line', '---\ndescription: x\n---\n'],
    ['a name after the frontmatter only', '---\ndescription: x\n---\nname: y\n'],
  ])('gives up on %s', (_, before) => {
    expect(withFrontmatterName(utf8(before), 'new-name')).toBeUndefined();
  });
});
