import { describe, expect, it } from 'vitest';
import { type Problem, ValidationError } from '../errors.ts';
import { CLAUDE_CODE_SKILL_FIELDS, parseSkillMd, renderStrictSkillMd, strictSkillFrontmatter } from './skill-md.ts';
import { readManifestFixture } from './testing/manifest-fixtures.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);
const skill = (frontmatter: string, body = '\n# Body\n') => utf8(`---\n${frontmatter}\n---\n${body}`);
const valid = 'name: demo\ndescription: Does a demo thing.';

function problems(run: () => unknown): Problem[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return [...(error as ValidationError).problems];
  }
  throw new Error('expected a ValidationError');
}

const paths = (list: readonly { path: string }[]) => list.map((item) => item.path);

describe('parseSkillMd', () => {
  describe('real-world skills', () => {
    it('parses a spec-compliant skill without warnings', () => {
      const parsed = parseSkillMd(readManifestFixture('pdfSkill'), 'pdf-tools');
      expect(parsed.kind).toBe('skill');
      expect(parsed.name).toBe('pdf-tools');
      expect(parsed.description).toMatch(/^Extract text and tables from PDF files/);
      expect(parsed.version).toBe('1.2.0');
      expect(parsed.warnings).toEqual([]);
      expect(parsed.manifest).toEqual({
        name: 'pdf-tools',
        description: parsed.description,
        license: 'Apache-2.0',
        compatibility: 'Requires Python 3.10+ with pypdf and pdfplumber installed',
        metadata: { author: 'platform-team', version: '1.2.0' },
        'allowed-tools': 'Bash(python:*) Read Write',
      });
      expect(parsed.body.startsWith('\n# PDF tools\n')).toBe(true);
      expect(parsed.body).toContain('```python\nimport pdfplumber');
    });

    it('accepts a Claude Code skill that bends the spec, with a warning for each bend', () => {
      const parsed = parseSkillMd(readManifestFixture('claudeCodeSkill'), 'release-notes');
      expect(parsed.description).toBe(
        'Drafts release notes from the merged pull requests since the last tag, grouped by area: features, fixes and breaking changes.',
      );
      expect(parsed.version).toBe('2.10');
      expect(parsed.manifest.when_to_use).toBe(
        'When the user asks for a changelog, release notes\nor a summary of what changed since the last release.',
      );
      expect(parsed.manifest['allowed-tools']).toEqual(['Bash(git log:*)', 'Bash(gh pr list:*)', 'Read']);
      expect(parsed.manifest['disable-model-invocation']).toBe(true);
      expect(parsed.manifest.metadata).toEqual({ owner: 'developer-experience', reviewed: '2025' });
      expect(paths(parsed.warnings).sort()).toEqual(
        [
          'SKILL.md#/allowed-tools',
          'SKILL.md#/argument-hint',
          'SKILL.md#/disable-model-invocation',
          'SKILL.md#/metadata/reviewed',
          'SKILL.md#/version',
          'SKILL.md#/when_to_use',
        ].sort(),
      );
    });

    it('returns a manifest that survives a JSON round trip unchanged', () => {
      const parsed = parseSkillMd(readManifestFixture('claudeCodeSkill'), 'release-notes');
      expect(JSON.parse(JSON.stringify(parsed.manifest))).toEqual(parsed.manifest);
    });
  });

  describe('text encoding and layout', () => {
    it('accepts CRLF line ends and returns an LF body', () => {
      const text = '---\r\nname: demo\r\ndescription: |-\r\n  line one\r\n  line two\r\n---\r\n# Body\r\ntext\r\n';
      const parsed = parseSkillMd(utf8(text), 'demo');
      expect(parsed.manifest.description).toBe('line one\nline two');
      expect(parsed.body).toBe('# Body\ntext\n');
    });

    it('strips a UTF-8 byte order mark', () => {
      const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...skill(valid)]);
      expect(parseSkillMd(bytes, 'demo').name).toBe('demo');
    });

    it('accepts a BOM and CRLF together', () => {
      const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(`---\r\n${valid.replace('\n', '\r\n')}\r\n---\r\n`)]);
      expect(parseSkillMd(bytes, 'demo').description).toBe('Does a demo thing.');
    });

    it('refuses invalid UTF-8', () => {
      const bytes = new Uint8Array([...skill(valid), 0xc3, 0x28]);
      expect(problems(() => parseSkillMd(bytes, 'demo'))).toEqual([
        { path: 'SKILL.md', message: expect.stringMatching(/not valid UTF-8/) },
      ]);
    });

    it('keeps non-ASCII text intact', () => {
      const parsed = parseSkillMd(skill('name: demo\ndescription: Résumé → 要約 🚀'), 'demo');
      expect(parsed.description).toBe('Résumé → 要約 🚀');
    });

    it('refuses a file without frontmatter, on line 1', () => {
      expect(problems(() => parseSkillMd(utf8('# Just markdown\n'), 'demo'))).toEqual([
        { path: 'SKILL.md:1', message: expect.stringMatching(/must start with a YAML frontmatter/) },
      ]);
    });

    it('refuses frontmatter that is not at the very top', () => {
      expect(paths(problems(() => parseSkillMd(utf8(`\n---\n${valid}\n---\n`), 'demo')))).toEqual(['SKILL.md:1']);
    });

    it('refuses frontmatter that is never closed', () => {
      expect(problems(() => parseSkillMd(utf8(`---\n${valid}\n# Body\n`), 'demo'))).toEqual([
        { path: 'SKILL.md:1', message: expect.stringMatching(/never closed/) },
      ]);
    });

    it('returns an empty body when the file ends with the frontmatter', () => {
      expect(parseSkillMd(utf8(`---\n${valid}\n---`), 'demo').body).toBe('');
    });

    it('accepts trailing spaces on the --- lines', () => {
      expect(parseSkillMd(utf8(`--- \n${valid}\n---  \nbody`), 'demo').body).toBe('body');
    });
  });

  describe('YAML', () => {
    it('parses block scalars: literal keeps lines, folded joins them', () => {
      const parsed = parseSkillMd(
        skill('name: demo\ndescription: >-\n  folded\n  into one line\ncompatibility: |\n  line one\n  line two'),
        'demo',
      );
      expect(parsed.description).toBe('folded into one line');
      expect(parsed.manifest.compatibility).toBe('line one\nline two\n');
    });

    it('parses quoted strings with colons, escapes and doubled quotes', () => {
      const parsed = parseSkillMd(
        skill(`name: "demo"\ndescription: "Use when: the user says \\"go\\"\\tnow"\nlicense: 'it''s MIT'`),
        'demo',
      );
      expect(parsed.name).toBe('demo');
      expect(parsed.description).toBe('Use when: the user says "go"\tnow');
      expect(parsed.manifest.license).toBe("it's MIT");
    });

    it('reports a syntax error with the file line', () => {
      // File line 1 is "---"; the tab-indented item is on file line 4.
      expect(problems(() => parseSkillMd(skill(`${valid}\nlist:\n\t- x`), 'demo'))).toEqual([
        { path: 'SKILL.md:5', message: expect.stringMatching(/^invalid YAML: Tabs are not allowed/) },
      ]);
    });

    it('reports an unterminated quote', () => {
      const found = problems(() => parseSkillMd(skill('name: demo\ndescription: "never closed'), 'demo'));
      expect(found[0]?.path).toMatch(/^SKILL\.md:\d+$/);
      expect(found[0]?.message).toMatch(/quote/);
    });

    it('refuses duplicate keys, naming the line of the repeat', () => {
      expect(problems(() => parseSkillMd(skill(`${valid}\nname: other`), 'demo'))).toEqual([
        { path: 'SKILL.md:4', message: 'invalid YAML: Map keys must be unique' },
      ]);
    });

    it('refuses an empty frontmatter', () => {
      expect(problems(() => parseSkillMd(utf8('---\n---\n'), 'demo'))).toEqual([
        { path: 'SKILL.md:2', message: expect.stringMatching(/must be a mapping/) },
      ]);
    });

    it('refuses a frontmatter that is a list', () => {
      expect(paths(problems(() => parseSkillMd(skill('- name: demo\n- description: x'), 'demo')))).toEqual([
        'SKILL.md:2',
      ]);
    });

    it('refuses a frontmatter that is a plain string', () => {
      expect(paths(problems(() => parseSkillMd(skill('just some text'), 'demo')))).toEqual(['SKILL.md:2']);
    });

    it('refuses an alias bomb', () => {
      const bomb = [
        'a: &a [x, x, x, x, x, x, x, x, x]',
        'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
        'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
        'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
        'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
      ].join('\n');
      expect(problems(() => parseSkillMd(skill(`${valid}\n${bomb}`), 'demo'))).toEqual([
        { path: 'SKILL.md', message: expect.stringMatching(/alias bomb/) },
      ]);
    });

    it('accepts a few ordinary aliases', () => {
      const parsed = parseSkillMd(skill(`${valid}\nmetadata:\n  owner: &o team-a\n  maintainer: *o`), 'demo');
      expect(parsed.manifest.metadata).toEqual({ owner: 'team-a', maintainer: 'team-a' });
    });

    it('refuses an alias to an anchor that does not exist', () => {
      expect(problems(() => parseSkillMd(skill(`${valid}\nlicense: *nowhere`), 'demo'))[0]?.message).toMatch(
        /^invalid YAML: .*alias/i,
      );
    });

    it('refuses values JSON cannot store', () => {
      expect(problems(() => parseSkillMd(skill(`${valid}\nicon: !!binary aGk=\nscore: .inf`), 'demo'))).toEqual([
        { path: 'SKILL.md#/icon', message: expect.stringMatching(/plain data/) },
        { path: 'SKILL.md#/score', message: expect.stringMatching(/finite number/) },
      ]);
    });

    it('warns about an unknown YAML tag and keeps the value', () => {
      const parsed = parseSkillMd(skill(`${valid}\ncolour: !fancy blue`), 'demo');
      expect(parsed.manifest.colour).toBe('blue');
      expect(parsed.warnings.map((w) => w.path)).toContain('SKILL.md:4');
    });

    it('does not treat a __proto__ key as a prototype', () => {
      const parsed = parseSkillMd(skill(`${valid}\n__proto__:\n  polluted: true`), 'demo');
      expect(Object.getPrototypeOf(parsed.manifest)).toBe(Object.prototype);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.keys(parsed.manifest)).toContain('__proto__');
    });
  });

  describe('name', () => {
    it.each([
      ['missing', 'description: x', 'is required'],
      ['not a string', 'name: 12\ndescription: x', 'must be a string'],
      ['uppercase', 'name: Demo\ndescription: x', /lowercase/],
      ['with a leading hyphen', 'name: -demo\ndescription: x', /must not start or end/],
      ['with a trailing hyphen', 'name: demo-\ndescription: x', /must not start or end/],
      ['with a double hyphen', 'name: de--mo\ndescription: x', /single hyphens/],
      ['with an underscore', 'name: de_mo\ndescription: x', /lowercase/],
    ])('refuses a name %s', (_, frontmatter, message) => {
      expect(problems(() => parseSkillMd(skill(frontmatter), 'demo'))).toContainEqual({
        path: 'SKILL.md#/name',
        message: typeof message === 'string' ? message : expect.stringMatching(message),
      });
    });

    it('refuses a name over 64 characters', () => {
      const long = 'a'.repeat(65);
      expect(problems(() => parseSkillMd(skill(`name: ${long}\ndescription: x`), long))).toEqual([
        { path: 'SKILL.md#/name', message: 'must be at most 64 characters' },
      ]);
    });

    it('accepts a name of exactly 64 characters', () => {
      const name = `${'a'.repeat(32)}-${'b'.repeat(31)}`;
      expect(parseSkillMd(skill(`name: ${name}\ndescription: x`), name).name).toBe(name);
    });

    it('refuses a name that differs from the folder', () => {
      expect(problems(() => parseSkillMd(skill(valid), 'other'))).toEqual([
        { path: 'SKILL.md#/name', message: 'must equal the folder name "other"' },
      ]);
    });
  });

  describe('description', () => {
    it.each([
      ['missing', 'name: demo', 'is required'],
      ['empty', 'name: demo\ndescription: ""', 'must not be empty'],
      ['blank', 'name: demo\ndescription: "   "', 'must not be empty'],
      ['null', 'name: demo\ndescription:', 'must be a string'],
      ['a number', 'name: demo\ndescription: 42', 'must be a string'],
    ])('refuses a description that is %s', (_, frontmatter, message) => {
      expect(problems(() => parseSkillMd(skill(frontmatter), 'demo'))).toEqual([
        { path: 'SKILL.md#/description', message },
      ]);
    });

    it('accepts 1024 characters without a warning', () => {
      expect(parseSkillMd(skill(`name: demo\ndescription: ${'d'.repeat(1024)}`), 'demo').warnings).toEqual([]);
    });

    it('accepts more than 1024 characters with a warning', () => {
      const parsed = parseSkillMd(skill(`name: demo\ndescription: ${'d'.repeat(1025)}`), 'demo');
      expect(parsed.warnings).toEqual([
        { path: 'SKILL.md#/description', message: expect.stringMatching(/1025 characters.*1024/) },
      ]);
    });

    it('counts characters, not UTF-16 units', () => {
      expect(parseSkillMd(skill(`name: demo\ndescription: ${'🚀'.repeat(1024)}`), 'demo').warnings).toEqual([]);
    });

    it('accepts 4096 characters and refuses 4097', () => {
      expect(parseSkillMd(skill(`name: demo\ndescription: ${'d'.repeat(4096)}`), 'demo').warnings).toHaveLength(1);
      expect(problems(() => parseSkillMd(skill(`name: demo\ndescription: ${'d'.repeat(4097)}`), 'demo'))).toEqual([
        { path: 'SKILL.md#/description', message: 'must be at most 4096 characters (it has 4097)' },
      ]);
    });
  });

  describe('optional spec fields', () => {
    it('refuses a license that is not a string', () => {
      expect(problems(() => parseSkillMd(skill(`${valid}\nlicense: [MIT]`), 'demo'))).toEqual([
        { path: 'SKILL.md#/license', message: 'must be a string' },
      ]);
    });

    it('accepts compatibility up to 500 characters and refuses more', () => {
      expect(parseSkillMd(skill(`${valid}\ncompatibility: ${'c'.repeat(500)}`), 'demo').warnings).toEqual([]);
      expect(problems(() => parseSkillMd(skill(`${valid}\ncompatibility: ${'c'.repeat(501)}`), 'demo'))).toEqual([
        { path: 'SKILL.md#/compatibility', message: 'must be at most 500 characters (it has 501)' },
      ]);
    });

    it('refuses an empty compatibility', () => {
      expect(paths(problems(() => parseSkillMd(skill(`${valid}\ncompatibility: ""`), 'demo')))).toEqual([
        'SKILL.md#/compatibility',
      ]);
    });

    it('keeps string metadata as is', () => {
      const parsed = parseSkillMd(skill(`${valid}\nmetadata:\n  author: me\n  a/b: "x"`), 'demo');
      expect(parsed.manifest.metadata).toEqual({ author: 'me', 'a/b': 'x' });
      expect(parsed.warnings).toEqual([]);
    });

    it('stores number and boolean metadata as the text the author wrote, with a warning', () => {
      const parsed = parseSkillMd(skill(`${valid}\nmetadata:\n  version: 1.10\n  beta: true\n  ratio: 0x1F`), 'demo');
      expect(parsed.manifest.metadata).toEqual({ version: '1.10', beta: 'true', ratio: '0x1F' });
      expect(parsed.version).toBe('1.10');
      expect(paths(parsed.warnings)).toEqual([
        'SKILL.md#/metadata/version',
        'SKILL.md#/metadata/beta',
        'SKILL.md#/metadata/ratio',
      ]);
    });

    it('drops a metadata key without a value, with a warning', () => {
      const parsed = parseSkillMd(skill(`${valid}\nmetadata:\n  owner:\n  team: a`), 'demo');
      expect(parsed.manifest.metadata).toEqual({ team: 'a' });
      expect(parsed.warnings).toEqual([{ path: 'SKILL.md#/metadata/owner', message: 'has no value; dropped' }]);
    });

    it('drops an empty metadata with a warning', () => {
      const parsed = parseSkillMd(skill(`${valid}\nmetadata:`), 'demo');
      expect(parsed.manifest.metadata).toBeUndefined();
      expect(paths(parsed.warnings)).toEqual(['SKILL.md#/metadata']);
    });

    it('refuses nested metadata values, naming each', () => {
      expect(
        problems(() => parseSkillMd(skill(`${valid}\nmetadata:\n  a:\n    b: c\n  list: [1, 2]`), 'demo')),
      ).toEqual([
        { path: 'SKILL.md#/metadata/a', message: expect.stringMatching(/must be text/) },
        { path: 'SKILL.md#/metadata/list', message: expect.stringMatching(/must be text/) },
      ]);
    });

    it.each([
      ['a list', '[a, b]'],
      ['a string', 'author=me'],
    ])('refuses metadata that is %s', (_, value) => {
      expect(problems(() => parseSkillMd(skill(`${valid}\nmetadata: ${value}`), 'demo'))).toEqual([
        { path: 'SKILL.md#/metadata', message: 'must be a mapping of keys to text values' },
      ]);
    });

    it('accepts allowed-tools as a space-separated string without a warning', () => {
      const parsed = parseSkillMd(skill(`${valid}\nallowed-tools: Bash(git:*) Read`), 'demo');
      expect(parsed.manifest['allowed-tools']).toBe('Bash(git:*) Read');
      expect(parsed.warnings).toEqual([]);
    });

    it('keeps allowed-tools as a list, with a warning', () => {
      const parsed = parseSkillMd(skill(`${valid}\nallowed-tools: [Read, Grep]`), 'demo');
      expect(parsed.manifest['allowed-tools']).toEqual(['Read', 'Grep']);
      expect(paths(parsed.warnings)).toEqual(['SKILL.md#/allowed-tools']);
    });

    it.each([
      ['a number', '3'],
      ['a list with a number', '[Read, 3]'],
      ['a mapping', '{Read: true}'],
    ])('refuses allowed-tools that is %s', (_, value) => {
      expect(paths(problems(() => parseSkillMd(skill(`${valid}\nallowed-tools: ${value}`), 'demo')))).toEqual([
        'SKILL.md#/allowed-tools',
      ]);
    });
  });

  describe('fields beyond the spec', () => {
    it.each(CLAUDE_CODE_SKILL_FIELDS)('keeps the Claude Code field %s with a client-specific warning', (field) => {
      const parsed = parseSkillMd(skill(`${valid}\n${field}: some value`), 'demo');
      expect(parsed.manifest[field]).toBe('some value');
      expect(parsed.warnings).toEqual([{ path: `SKILL.md#/${field}`, message: expect.stringMatching(/Claude Code/) }]);
    });

    it('keeps structured Claude Code fields such as hooks', () => {
      const parsed = parseSkillMd(
        skill(
          `${valid}\nhooks:\n  PreToolUse:\n    - matcher: Bash\n      hooks: [{type: command, command: ./check.sh}]`,
        ),
        'demo',
      );
      expect(parsed.manifest.hooks).toEqual({
        PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './check.sh' }] }],
      });
    });

    it('keeps an unknown field with a warning', () => {
      const parsed = parseSkillMd(skill(`${valid}\ncategory: documents`), 'demo');
      expect(parsed.manifest.category).toBe('documents');
      expect(parsed.warnings).toEqual([
        { path: 'SKILL.md#/category', message: 'is not an Agent Skills field; kept as is' },
      ]);
    });

    it('accepts a top-level version with a warning pointing to metadata.version, and uses it', () => {
      const parsed = parseSkillMd(skill(`${valid}\nversion: "1.0.0"`), 'demo');
      expect(parsed.version).toBe('1.0.0');
      expect(parsed.manifest.version).toBe('1.0.0');
      expect(parsed.warnings).toEqual([
        { path: 'SKILL.md#/version', message: expect.stringMatching(/metadata\.version/) },
      ]);
    });

    it('keeps a numeric top-level version as written', () => {
      expect(parseSkillMd(skill(`${valid}\nversion: 2.0`), 'demo').version).toBe('2.0');
    });

    it('prefers metadata.version over a top-level version', () => {
      const parsed = parseSkillMd(skill(`${valid}\nversion: 1.0.0\nmetadata:\n  version: 2.0.0`), 'demo');
      expect(parsed.version).toBe('2.0.0');
      expect(parsed.warnings).toEqual([
        { path: 'SKILL.md#/version', message: expect.stringMatching(/metadata\.version is used/) },
      ]);
    });

    it('refuses a top-level version that is a list', () => {
      expect(paths(problems(() => parseSkillMd(skill(`${valid}\nversion: [1]`), 'demo')))).toEqual([
        'SKILL.md#/version',
      ]);
    });

    it('has no version when none is given', () => {
      expect(parseSkillMd(skill(valid), 'demo').version).toBeUndefined();
    });
  });

  it('reports every problem at once', () => {
    const frontmatter = [
      'name: Bad_Name',
      `compatibility: ${'c'.repeat(501)}`,
      'metadata:',
      '  nested: {a: b}',
      'allowed-tools: 7',
      'license: 3',
    ].join('\n');
    expect(problems(() => parseSkillMd(skill(frontmatter), 'bad-name'))).toEqual([
      { path: 'SKILL.md#/name', message: expect.stringMatching(/lowercase/) },
      { path: 'SKILL.md#/name', message: 'must equal the folder name "bad-name"' },
      { path: 'SKILL.md#/description', message: 'is required' },
      { path: 'SKILL.md#/license', message: 'must be a string' },
      { path: 'SKILL.md#/compatibility', message: expect.stringMatching(/at most 500/) },
      { path: 'SKILL.md#/metadata/nested', message: expect.stringMatching(/must be text/) },
      { path: 'SKILL.md#/allowed-tools', message: expect.stringMatching(/space-separated/) },
    ]);
  });

  it('reports every YAML error at once', () => {
    const found = problems(() => parseSkillMd(skill(`${valid}\na: 1\na: 2\nb: 1\nb: 2`), 'demo'));
    expect(found).toEqual([
      { path: 'SKILL.md:5', message: 'invalid YAML: Map keys must be unique' },
      { path: 'SKILL.md:7', message: 'invalid YAML: Map keys must be unique' },
    ]);
  });
});

describe('renderStrictSkillMd', () => {
  it('writes what the spec accepts: spec fields only, version in metadata, an allowed-tools list joined', () => {
    const parsed = parseSkillMd(
      skill(`${valid}\nversion: 1.0.0\nuser-invocable: false\nallowed-tools: [Read, Grep]`),
      'demo',
    );
    const again = parseSkillMd(utf8(renderStrictSkillMd(parsed)), 'demo');
    expect(again.warnings).toEqual([]);
    expect(again.manifest).toEqual({
      name: 'demo',
      description: parsed.manifest.description,
      metadata: { version: '1.0.0' },
      'allowed-tools': 'Read Grep',
    });
  });

  it('never joins an allowed-tools list whose entries hold spaces, which would split them into other tools', () => {
    const parsed = parseSkillMd(readManifestFixture('claudeCodeSkill'), 'release-notes');
    const text = renderStrictSkillMd(parsed);
    const again = parseSkillMd(utf8(text), 'release-notes');
    expect(again.warnings).toEqual([{ path: 'SKILL.md#/allowed-tools', message: expect.stringMatching(/is a list/) }]);
    expect(again.manifest).toEqual({
      name: 'release-notes',
      description: parsed.manifest.description,
      metadata: { owner: 'developer-experience', reviewed: '2025', version: '2.10' },
      'allowed-tools': ['Bash(git log:*)', 'Bash(gh pr list:*)', 'Read'],
    });
    expect(again.version).toBe('2.10');
    expect(again.body).toBe(parsed.body);
  });

  it('names the fields it drops', () => {
    const parsed = parseSkillMd(readManifestFixture('claudeCodeSkill'), 'release-notes');
    expect(strictSkillFrontmatter(parsed.manifest).dropped).toEqual([
      'when_to_use',
      'argument-hint',
      'disable-model-invocation',
    ]);
  });

  it('round-trips a spec-compliant skill unchanged', () => {
    const parsed = parseSkillMd(readManifestFixture('pdfSkill'), 'pdf-tools');
    const again = parseSkillMd(utf8(renderStrictSkillMd(parsed)), 'pdf-tools');
    expect(again.manifest).toEqual(parsed.manifest);
    expect(again.body).toBe(parsed.body);
  });

  it('keeps metadata.version when both versions are present', () => {
    const parsed = parseSkillMd(skill(`${valid}\nversion: 1.0.0\nmetadata:\n  version: 2.0.0`), 'demo');
    const again = parseSkillMd(utf8(renderStrictSkillMd(parsed)), 'demo');
    expect(again.manifest.metadata).toEqual({ version: '2.0.0' });
  });

  it('quotes text YAML would otherwise misread', () => {
    const parsed = parseSkillMd(
      skill(`name: demo\ndescription: "yes: no # not a comment"\nmetadata:\n  n: "1.0"`),
      'demo',
    );
    const again = parseSkillMd(utf8(renderStrictSkillMd(parsed)), 'demo');
    expect(again.description).toBe('yes: no # not a comment');
    expect(again.manifest.metadata).toEqual({ n: '1.0' });
    expect(again.warnings).toEqual([]);
  });
});
