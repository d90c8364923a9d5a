import { describe, expect, it } from 'vitest';
import { toEmail } from './accounts/email.ts';
import { toTeamSlug } from './accounts/team-slug.ts';
import { toUsername } from './accounts/username.ts';
import { toItemKind } from './catalog/item-kind.ts';
import { toItemName } from './catalog/item-name.ts';
import { formatItemRef, itemFolder, parseItemRef, refFromFolder } from './catalog/item-ref.ts';
import { toTag, toTags } from './catalog/tag.ts';
import { toGitPath } from './content/git-path.ts';
import { collectProblems, ValidationError } from './errors.ts';
import { isId, newId } from './ids.ts';

function problemsOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('value objects', () => {
  it('accepts and normalises valid emails', () => {
    expect(toEmail(' Ann.Smith+atlas@Example.COM ')).toBe('Ann.Smith+atlas@example.com');
  });

  it.each([
    ['', 'name@example.com'],
    ['no-at-sign', 'name@example.com'],
    ['a@b', 'invalid domain'],
    ['a@@b.com', 'before the @'],
    ['.a@b.com', 'before the @'],
    ['a..b@b.com', 'before the @'],
    ['jörg@example.com', 'before the @'],
    ['a@exämple.com', 'invalid domain'],
    [`${'a'.repeat(250)}@b.com`, 'at most 254'],
  ])('refuses the email %j', (value, hint) => {
    const [problem] = problemsOf(() => toEmail(value));
    expect(problem?.path).toBe('email');
    expect(problem?.message).toContain(hint);
  });

  it('refuses a non-string email', () => {
    expect(problemsOf(() => toEmail(42))).toEqual([{ path: 'email', message: 'must be a string' }]);
  });

  it('folds usernames and team slugs to lowercase', () => {
    expect(toUsername('Alice')).toBe('alice');
    expect(toTeamSlug('Platform-Team')).toBe('platform-team');
  });

  it.each([
    'a',
    '-alice',
    'alice-',
    'al--ice',
    'al_ice',
    'al ice',
    'аlice', // Cyrillic а, a look-alike
    'ａlice', // fullwidth
    'x'.repeat(40),
    'admin',
  ])('refuses the username %j', (value) => {
    expect(problemsOf(() => toUsername(value))[0]?.path).toBe('username');
  });

  it('checks item names by the Agent Skills rule', () => {
    expect(toItemName('pdf-tools')).toBe('pdf-tools');
    expect(toItemName('a')).toBe('a');
    expect(toItemName('x'.repeat(64))).toHaveLength(64);
    for (const bad of ['', 'PDF', 'pdf_tools', '-pdf', 'pdf-', 'pdf--tools', 'x'.repeat(65), 'pdf/tools']) {
      expect(() => toItemName(bad), bad).toThrow(ValidationError);
    }
  });

  it('checks tags and reports every bad tag of a list', () => {
    expect(toTag(' PDF ')).toBe('pdf');
    expect(toTags(['pdf', 'PDF', 'c++', 'v1.2'])).toEqual(['pdf', 'c++', 'v1.2']);
    expect(problemsOf(() => toTags(['ok', '', 'no space', '-x']))).toEqual([
      expect.objectContaining({ path: 'tags/1' }),
      expect.objectContaining({ path: 'tags/2' }),
      expect.objectContaining({ path: 'tags/3' }),
    ]);
    expect(() => toTags('pdf')).toThrow(ValidationError);
    expect(() => toTags(Array.from({ length: 21 }, (_, i) => `t${i}`))).toThrow(ValidationError);
  });

  it('accepts relative NFC git paths', () => {
    expect(toGitPath('skills/x/pdf/scripts/run.sh')).toBe('skills/x/pdf/scripts/run.sh');
    expect(toGitPath('assets/Grüße.txt'.normalize('NFC'))).toBe('assets/Grüße.txt'.normalize('NFC'));
    expect(toGitPath('.github/x')).toBe('.github/x');
  });

  it.each([
    ['', 'empty'],
    ['../etc/passwd', '".."'],
    ['a/../../b', '".."'],
    ['./a', '"."'],
    ['/etc/passwd', 'relative'],
    ['C:/x', 'relative'],
    ['a\\b', 'backslash'],
    ['a/.git/config', '.git'],
    ['a/.GIT/config', '.git'],
    ['a\0b', 'NUL'],
    ['a//b', 'empty segments'],
    ['a/', 'empty segments'],
    ['a\nb', 'control'],
    ['Gru\u0308sse.txt', 'NFC'],
    [`${'x'.repeat(256)}`, '255 bytes'],
  ])('refuses the git path %j', (value, hint) => {
    expect(problemsOf(() => toGitPath(value))[0]?.message).toContain(hint);
  });

  it('parses and formats item references and maps them to folders', () => {
    const ref = parseItemRef('skill/platform/pdf-tools');
    expect(ref).toEqual({ kind: 'skill', namespace: 'platform', name: 'pdf-tools' });
    expect(formatItemRef(ref)).toBe('skill/platform/pdf-tools');
    expect(itemFolder(ref)).toBe('skills/platform/pdf-tools');
    expect(itemFolder(parseItemRef('mcp/acme/github'))).toBe('mcp/acme/github');
    expect(itemFolder(parseItemRef('tool/acme/calc'))).toBe('tools/acme/calc');
    expect(refFromFolder('tools/acme/calc')).toEqual({ kind: 'tool', namespace: 'acme', name: 'calc' });
    expect(refFromFolder('skills/Acme/calc')).toBeUndefined();
    expect(refFromFolder('skills/acme/calc/extra')).toBeUndefined();
    expect(refFromFolder('docs/acme/calc')).toBeUndefined();
  });

  it('reports every part of a bad reference at once', () => {
    const problems = problemsOf(() => parseItemRef('agent/-x/Bad_Name'));
    expect(problems.map((p) => p.path)).toEqual(['kind', 'namespace', 'name']);
    expect(problemsOf(() => parseItemRef('skill/x'))[0]?.message).toContain('kind/namespace/name');
    expect(() => toItemKind('agent')).toThrow(ValidationError);
  });

  it('collects problems from several checks', () => {
    expect(
      problemsOf(() => collectProblems({ a: () => toEmail('x'), b: () => toUsername('-'), c: () => 1 })),
    ).toHaveLength(2);
    expect(collectProblems({ a: () => toTag('x'), b: () => 2 })).toEqual({ a: 'x', b: 2 });
  });
});

describe('newId', () => {
  it('makes UUIDv7s that sort by creation, even within one millisecond', () => {
    const ids = Array.from({ length: 500 }, () => newId());
    expect(ids.every(isId)).toBe(true);
    expect(ids.every((id) => id[14] === '7' && '89ab'.includes(id[19]!))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('encodes the time in the first 48 bits', () => {
    const id = newId(Date.UTC(2030, 0, 1));
    expect(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBeGreaterThanOrEqual(Date.UTC(2030, 0, 1));
  });
});
