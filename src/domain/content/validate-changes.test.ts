import { describe, expect, it } from 'vitest';
import { TooLargeError, ValidationError } from '../errors.ts';
import type { ContentLimits } from './content-limits.ts';
import type { FileChange } from './content-store.ts';
import {
  checkItemFiles,
  itemFolderOf,
  itemFolderProblem,
  requireHistoryQuery,
  validateChanges,
  validateCommitInput,
} from './validate-changes.ts';

const bytes = (value: string) => new TextEncoder().encode(value);
const write = (path: string, content = 'x', executable?: boolean): FileChange => ({
  type: 'write',
  path,
  content: bytes(content),
  executable,
});
const del = (path: string): FileChange => ({ type: 'delete', path });
const small: ContentLimits = { maxFileBytes: 10, maxItemBytes: 20, maxFiles: 3, maxDepth: 2 };

function problemsOf(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('validateChanges', () => {
  it('groups changes by item folder with paths relative to the folder, deletes apart from writes', () => {
    const items = validateChanges([
      write('skills/team/a/SKILL.md', 'a'),
      write('skills/team/a/scripts/run.sh', '#!', true),
      del('skills/team/a/old.txt'),
      del('mcp/ops/b'),
      write('mcp/ops/b/server.json', '{}'),
    ]);
    expect(items).toEqual([
      {
        folder: 'skills/team/a',
        replacesFolder: false,
        deletes: ['old.txt'],
        writes: [
          { path: 'SKILL.md', content: bytes('a'), executable: false },
          { path: 'scripts/run.sh', content: bytes('#!'), executable: true },
        ],
      },
      {
        folder: 'mcp/ops/b',
        replacesFolder: true,
        deletes: [],
        writes: [{ path: 'server.json', content: bytes('{}'), executable: false }],
      },
    ]);
  });

  it('refuses an empty change set', () => {
    expect(problemsOf(() => validateChanges([]))).toEqual([
      { path: 'changes', message: 'must contain at least one change' },
    ]);
  });

  it.each([
    ['skills/team/a/../b/x', '".."'],
    ['/skills/team/a/x', 'relative'],
    ['skills\\team\\a\\x', 'backslash'],
    ['skills/team/a/.git/HEAD', '".git"'],
    ['skills/team/a/.GIT/HEAD', '".git"'],
    ['skills/team/a/.git. /HEAD', 'reserves'],
    ['skills/team/a/git~1/HEAD', 'reserves'],
    ['skills/team/a/.../x', 'reserves'],
    ['skills/team/a/x\0y', 'NUL'],
    ['skills/team/a/cafe\u0301', 'NFC'],
    ['skills/team/a//x', 'empty segments'],
    ['README.md', 'inside an item folder'],
    ['skills/team/SKILL.md', 'inside an item folder'],
    ['skills/team/a', 'inside an item folder'],
    ['prompts/team/a/x.md', 'inside an item folder'],
  ])('refuses a write to %j', (path, message) => {
    const problems = problemsOf(() => validateChanges([write(path)]));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain(message);
  });

  it('lets a delete name an item folder, but nothing above one', () => {
    expect(validateChanges([del('tools/team/a')])[0]?.replacesFolder).toBe(true);
    expect(problemsOf(() => validateChanges([del('tools/team'), del('tools'), del('other/team/a')]))).toHaveLength(3);
  });

  it('lists every problem of a change set in one error, each with its path', () => {
    const problems = problemsOf(() =>
      validateChanges([write('../x'), write('README.md'), del('skills'), write('skills/t/a/f'), write('skills/t/a/f')]),
    );
    expect(problems.map((problem) => problem.path)).toEqual(['../x', 'README.md', 'skills', 'skills/t/a/f']);
  });

  it('allows deleting a folder and writing new files inside it, which replaces it', () => {
    expect(() => validateChanges([del('skills/t/a/docs'), write('skills/t/a/docs/new.md')])).not.toThrow();
  });

  it('refuses a path that is a file in one change and a folder in another', () => {
    expect(problemsOf(() => validateChanges([write('skills/t/a/docs'), write('skills/t/a/docs/x.md')]))).toEqual([
      {
        path: 'skills/t/a/docs/x.md',
        message: 'is inside "skills/t/a/docs", which the same change set writes as a file',
      },
    ]);
    expect(problemsOf(() => validateChanges([write('skills/t/a/docs'), del('skills/t/a/docs/x.md')]))).toHaveLength(1);
  });

  it('refuses a path written twice or deleted twice', () => {
    expect(problemsOf(() => validateChanges([write('skills/t/a/x'), write('skills/t/a/x')]))[0]?.message).toBe(
      'is written twice',
    );
    expect(problemsOf(() => validateChanges([del('skills/t/a/x'), del('skills/t/a/x')]))[0]?.message).toBe(
      'is deleted twice',
    );
  });

  it('refuses content that is not bytes and a type it does not know', () => {
    const changes = [
      { type: 'write', path: 'skills/t/a/x', content: 'text' },
      { type: 'rename', path: 'skills/t/a/y' },
    ] as unknown as FileChange[];
    expect(problemsOf(() => validateChanges(changes)).map((problem) => problem.path)).toEqual([
      'skills/t/a/x',
      'changes/1/type',
    ]);
  });

  it('allows folders as deep as the limit and refuses one deeper', () => {
    expect(() => validateChanges([write('skills/t/a/1/2/f')], small)).not.toThrow();
    expect(problemsOf(() => validateChanges([write('skills/t/a/1/2/3/f')], small))[0]?.message).toBe(
      'is 3 folders deep inside its item; the limit is 2',
    );
  });

  it('refuses a file, an item or a file count over the limits with TooLargeError', () => {
    expect(() => validateChanges([write('skills/t/a/f', '1234567890')], small)).not.toThrow();
    expect(() => validateChanges([write('skills/t/a/f', '12345678901')], small)).toThrow(TooLargeError);
    expect(() =>
      validateChanges([write('skills/t/a/f', '1234567890'), write('skills/t/a/g', '1234567890')], small),
    ).not.toThrow();
    expect(() =>
      validateChanges(
        [write('skills/t/a/f', '1234567890'), write('skills/t/a/g', '1234567890'), write('skills/t/a/h', '1')],
        small,
      ),
    ).toThrow(TooLargeError);
    expect(() =>
      validateChanges(
        ['a', 'b', 'c', 'd'].map((f) => write(`skills/t/a/${f}`)),
        small,
      ),
    ).toThrow(/writes 4 files; the limit is 3/);
    expect(() =>
      validateChanges(
        ['a', 'b', 'c'].flatMap((f) => [write(`skills/t/${f}/1`), write(`skills/t/${f}/2`)]),
        small,
      ),
    ).not.toThrow();
  });

  it('reports size problems inside the ValidationError when there are other problems too', () => {
    const problems = problemsOf(() => validateChanges([write('skills/t/a/f', '12345678901'), write('README')], small));
    expect(problems.map((problem) => problem.path)).toEqual(['README', 'skills/t/a/f']);
  });
});

describe('paths that macOS and Windows cannot hold apart', () => {
  it.each([
    [['SKILL.md', 'skill.md'], 'skill.md', 'SKILL.md'],
    [['scripts/Run.py', 'scripts/run.py'], 'scripts/run.py', 'scripts/Run.py'],
    [['Scripts/a.py', 'scripts/b.py'], 'scripts', 'Scripts'],
    [['notes/\u00c9t\u00e9.md', 'notes/\u00e9t\u00e9.md'], 'notes/\u00e9t\u00e9.md', 'notes/\u00c9t\u00e9.md'],
  ])('refuses %j in one item: they differ only by letter case', (paths, path, other) => {
    const problems = problemsOf(() => validateChanges(paths.map((p) => write(`skills/t/a/${p}`))));
    expect(problems).toEqual([
      {
        path: `skills/t/a/${path}`,
        message: `differs from "skills/t/a/${other}" only by letter case or Unicode normalisation; they would overwrite each other on macOS and Windows`,
      },
    ]);
  });

  it('refuses a second spelling of a path under Unicode normalisation (the NFD one is not NFC)', () => {
    const problems = problemsOf(() =>
      validateChanges([write('skills/t/a/caf\u00e9.md'), write('skills/t/a/cafe\u0301.md')]),
    );
    expect(problems).toEqual([{ path: 'skills/t/a/cafe\u0301.md', message: expect.stringContaining('NFC') }]);
  });

  it('allows the same spelling in two items, and names that only look alike', () => {
    expect(
      validateChanges([
        write('skills/t/a/SKILL.md'),
        write('skills/t/b/SKILL.md'),
        write('skills/t/a/stra\u00dfe.md'),
        write('skills/t/a/strasse.md'),
      ]),
    ).toHaveLength(2);
  });

  it.each([
    ['CON', 'CON'],
    ['con.txt', 'CON'],
    ['Nul.tar.gz', 'NUL'],
    ['aux', 'AUX'],
    ['prn.md', 'PRN'],
    ['com1', 'COM1'],
    ['COM9.log', 'COM9'],
    ['lpt1', 'LPT1'],
    ['lpt9.md', 'LPT9'],
    ['scripts/aux/run.py', 'AUX'],
  ])('refuses the Windows device name in %j', (path, device) => {
    const problems = problemsOf(() => validateChanges([write(`skills/t/a/${path}`)]));
    expect(problems).toEqual([
      { path: `skills/t/a/${path}`, message: expect.stringContaining(`Windows reserves the name ${device}`) },
    ]);
  });

  it.each([['notes.'], ['notes '], ['docs./x.md'], ['a<b'], ['a>b'], ['a:b'], ['a"b'], ['a|b'], ['a?b'], ['a*b']])(
    'refuses %j, which Windows cannot hold',
    (path) => {
      const problems = problemsOf(() => validateChanges([write(`skills/t/a/${path}`)]));
      expect(problems).toEqual([{ path: `skills/t/a/${path}`, message: expect.stringMatching(/Windows/) }]);
    },
  );

  it('allows names that only contain a device name, and a control character stays refused', () => {
    expect(
      validateChanges([write('skills/t/a/console.md'), write('skills/t/a/com10'), write('skills/t/a/nul-check.md')]),
    ).toHaveLength(1);
    expect(problemsOf(() => validateChanges([write('skills/t/a/x\u0007')]))[0]?.message).toContain('control');
  });

  it('applies the same rules to the files of one bundle', () => {
    const files = ['SKILL.md', 'skill.md', 'aux.txt'].map((path) => ({ path, content: bytes('x'), executable: false }));
    const { problems } = checkItemFiles(files, { maxFileBytes: 100, maxItemBytes: 1000, maxFiles: 10, maxDepth: 5 });
    expect(problems.map((problem) => problem.path)).toEqual(['aux.txt', 'skill.md']);
  });
});

describe('validateCommitInput', () => {
  const good = {
    changes: [write('skills/t/a/SKILL.md')],
    message: 'Publish',
    author: { name: 'Ada', email: 'ada@example.com' },
    expectedHead: 'a'.repeat(40),
  };

  it('accepts a well-formed commit and returns its item changes', () => {
    expect(validateCommitInput(good).map((item) => item.folder)).toEqual(['skills/t/a']);
  });

  it('refuses an empty message, a broken author and a head that is not a full SHA, with the change problems', () => {
    const problems = problemsOf(() =>
      validateCommitInput({
        changes: [write('README.md')],
        message: '  ',
        author: { name: 'Eve\nInjected', email: '' },
        expectedHead: 'A'.repeat(40),
      }),
    );
    expect(problems.map((problem) => problem.path)).toEqual([
      'message',
      'author.name',
      'author.email',
      'expectedHead',
      'README.md',
    ]);
  });

  it('refuses a commit message holding a NUL or a lone surrogate', () => {
    for (const message of ['Publish\0', 'Publish \ud800']) {
      expect(problemsOf(() => validateCommitInput({ ...good, message }))).toEqual([
        { path: 'message', message: expect.stringMatching(/NUL|surrogate/) },
      ]);
    }
  });

  it('folds a size problem into the ValidationError when the input has other problems', () => {
    const problems = problemsOf(() =>
      validateCommitInput({ ...good, message: '', changes: [write('skills/t/a/f', '12345678901')] }, small),
    );
    expect(problems.map((problem) => problem.path)).toEqual(['message', 'changes']);
  });
});

describe('item folders', () => {
  it('knows an item folder from other paths', () => {
    expect(itemFolderProblem('skills/team/pdf')).toBeUndefined();
    expect(itemFolderProblem('mcp/team/pdf')).toBeUndefined();
    expect(itemFolderProblem('skills/team')).toBeDefined();
    expect(itemFolderProblem('skills/team/pdf/SKILL.md')).toBeDefined();
    expect(itemFolderProblem('agents/team/pdf')).toBeDefined();
    expect(itemFolderProblem(42)).toBe('must be a string');
    expect(itemFolderOf('tools/t/x/a/b.json')).toBe('tools/t/x');
    expect(itemFolderOf('tools/t')).toBeUndefined();
  });

  it('checks a history query before reading', () => {
    expect(() => requireHistoryQuery('skills/t/x', { limit: 100 })).not.toThrow();
    expect(problemsOf(() => requireHistoryQuery('skills/t', { limit: 0, cursor: 5 })).map((p) => p.path)).toEqual([
      'folder',
      'limit',
      'cursor',
    ]);
  });
});
