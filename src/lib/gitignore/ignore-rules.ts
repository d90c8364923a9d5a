import { readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

interface Rule {
  /** The folder of the file the rule came from, relative to the repository top, `/`-separated ('' for the top). */
  readonly base: string;
  readonly regex: RegExp;
  readonly negate: boolean;
  readonly directoryOnly: boolean;
}

const toSlashes = (path: string) => path.split(sep).join('/');

/**
 * What git would ignore in a checkout: the patterns of `.gitignore` files (the top one, and those of the folders
 * on the way down) and of `.git/info/exclude`, with git's rules (`#` comments, `!` negation, a trailing `/` for
 * folders only, a `/` elsewhere anchoring the pattern to its file's folder, `*`, `?`, `[...]` and `**`; the last
 * matching pattern wins, and nothing inside an ignored folder can be re-included).
 *
 * Paths are given relative to the folder the rules were loaded for; the rules themselves are kept relative to the
 * repository top (found by looking upwards for `.git`), so a `.gitignore` above the imported folder applies too.
 * Instances are immutable: `withFile` returns a new one.
 */
export class IgnoreRules {
  private constructor(
    private readonly rules: readonly Rule[],
    /** The folder the paths are relative to, relative to the repository top ('' when it is the top). */
    private readonly offset: string,
  ) {}

  /** No rules at all. */
  static none(): IgnoreRules {
    return new IgnoreRules([], '');
  }

  /** Rules from text, as if it were the `.gitignore` of `folder` (relative to the folder the paths are given from). */
  static fromText(text: string, folder = ''): IgnoreRules {
    return IgnoreRules.none().withFile(folder, text);
  }

  /**
   * The rules that apply to `folder`: `.git/info/exclude` and every `.gitignore` from the top of the git checkout
   * that holds it down to the folder itself. Outside a checkout, only the folder's own `.gitignore`.
   */
  static async load(folder: string): Promise<IgnoreRules> {
    const top = (await findRepositoryTop(folder)) ?? folder;
    const offset = toSlashes(relative(top, folder));
    let rules = new IgnoreRules([], offset);
    const exclude = await readText(join(top, '.git', 'info', 'exclude'));
    if (exclude !== undefined) rules = rules.withTopFile('', exclude);
    const parts = offset === '' ? [] : offset.split('/');
    for (let depth = 0; depth <= parts.length; depth++) {
      const base = parts.slice(0, depth).join('/');
      const text = await readText(join(top, ...parts.slice(0, depth), '.gitignore'));
      if (text !== undefined) rules = rules.withTopFile(base, text);
    }
    return rules;
  }

  /** These rules plus the patterns of the `.gitignore` in `folder` (relative, `/`-separated; '' for this folder). */
  withFile(folder: string, text: string): IgnoreRules {
    return this.withTopFile(this.fromTop(folder), text);
  }

  /** Reads `<absolute>/.gitignore`, when there is one, as the file of `folder` (relative to the rules' folder). */
  async withFolder(absolute: string, folder: string): Promise<IgnoreRules> {
    const text = await readText(join(absolute, '.gitignore'));
    return text === undefined ? this : this.withFile(folder, text);
  }

  /**
   * These rules plus the `.gitignore` files of the folders on the way from `root` (the folder the rules were loaded
   * for) down to `folder` (relative to it, `/`-separated), `folder` included.
   */
  async along(root: string, folder: string): Promise<IgnoreRules> {
    let rules: IgnoreRules = this;
    const parts = folder === '' ? [] : folder.split('/');
    for (let depth = 1; depth <= parts.length; depth++) {
      const relativeFolder = parts.slice(0, depth).join('/');
      rules = await rules.withFolder(join(root, ...parts.slice(0, depth)), relativeFolder);
    }
    return rules;
  }

  /** Whether git ignores `path` (relative, `/`-separated), or any folder it is in. */
  ignores(path: string, isDirectory: boolean): boolean {
    if (this.rules.length === 0) return false;
    const parts = this.fromTop(path).split('/');
    for (let depth = 1; depth < parts.length; depth++) {
      if (this.matches(parts.slice(0, depth).join('/'), true)) return true;
    }
    return this.matches(parts.join('/'), isDirectory);
  }

  get isEmpty(): boolean {
    return this.rules.length === 0;
  }

  private fromTop(path: string): string {
    if (this.offset === '') return path;
    return path === '' ? this.offset : `${this.offset}/${path}`;
  }

  private matches(path: string, isDirectory: boolean): boolean {
    let ignored = false;
    for (const rule of this.rules) {
      if (rule.directoryOnly && !isDirectory) continue;
      let rest: string;
      if (rule.base === '') rest = path;
      else if (path.startsWith(`${rule.base}/`)) rest = path.slice(rule.base.length + 1);
      else continue;
      if (rule.regex.test(rest)) ignored = !rule.negate;
    }
    return ignored;
  }

  private withTopFile(base: string, text: string): IgnoreRules {
    const added: Rule[] = [];
    for (const line of text.split(/\r?\n/)) {
      const rule = parseLine(line, base);
      if (rule) added.push(rule);
    }
    return added.length === 0 ? this : new IgnoreRules([...this.rules, ...added], this.offset);
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function findRepositoryTop(folder: string): Promise<string | undefined> {
  let current = folder;
  for (;;) {
    if (
      await stat(join(current, '.git')).then(
        () => true,
        () => false,
      )
    )
      return current;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

function parseLine(raw: string, base: string): Rule | undefined {
  // Trailing spaces are dropped unless escaped with a backslash.
  let line = raw.replace(/(?<!\\)\s+$/, '');
  if (line === '' || line.startsWith('#')) return undefined;
  let negate = false;
  if (line.startsWith('!')) {
    negate = true;
    line = line.slice(1);
  } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
    line = line.slice(1);
  }
  let directoryOnly = false;
  if (line.endsWith('/') && !line.endsWith('\\/')) {
    directoryOnly = true;
    line = line.replace(/\/+$/, '');
  }
  if (line === '') return undefined;
  // A slash at the start or in the middle anchors the pattern to its file's folder; otherwise it matches at any depth.
  const anchored = line.includes('/');
  if (line.startsWith('/')) line = line.slice(1);
  const body = globToRegex(line);
  const regex = new RegExp(anchored || line.startsWith('**/') ? `^${body}$` : `^(?:.*/)?${body}$`);
  return { base, regex, negate, directoryOnly };
}

function globToRegex(glob: string): string {
  let out = '';
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index]!;
    if (char === '*') {
      if (glob[index + 1] === '*') {
        const atStart = index === 0 || glob[index - 1] === '/';
        const after = glob[index + 2];
        if (atStart && after === '/') {
          out += '(?:.*/)?';
          index += 2;
          continue;
        }
        if (atStart && after === undefined) {
          out += '.*';
          index += 1;
          continue;
        }
      }
      out += '[^/]*';
    } else if (char === '?') {
      out += '[^/]';
    } else if (char === '[') {
      const close = glob.indexOf(']', index + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let set = glob.slice(index + 1, close);
      const negated = set.startsWith('!') || set.startsWith('^');
      if (negated) set = set.slice(1);
      set = set.replace(/\\/g, '\\\\').replace(/\]/g, '\\]');
      out += negated ? `[^/${set}]` : `(?!/)[${set}]`;
      index = close;
    } else if (char === '\\' && index + 1 < glob.length) {
      out += escapeRegex(glob[index + 1]!);
      index += 1;
    } else {
      out += escapeRegex(char);
    }
  }
  return out;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
