import { type Branded, invalid, requireString } from '../value.ts';

/**
 * A path inside the content repository or inside an item folder: relative, `/`-separated, NFC,
 * no empty, `.` or `..` segment, no `.git` segment (any case), no backslash, NUL or control character,
 * at most 1024 bytes and 255 bytes a segment.
 */
export type GitPath = Branded<'GitPath'>;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

export function gitPathProblem(text: string): string | undefined {
  if (text.length === 0) return 'must not be empty';
  if (text.includes('\0')) return 'must not contain a NUL byte';
  if (text.includes('\\')) return 'must use "/" as separator, not a backslash';
  if (CONTROL.test(text)) return 'must not contain control characters';
  if (text.startsWith('/') || /^[A-Za-z]:/.test(text)) return 'must be relative, not absolute';
  if (text.normalize('NFC') !== text) return 'must be in Unicode normalization form C (NFC)';
  if (Buffer.byteLength(text) > 1024) return 'must be at most 1024 bytes';
  for (const segment of text.split('/')) {
    if (segment === '') return 'must not have empty segments ("//" or a trailing "/")';
    if (segment === '.' || segment === '..') return 'must not contain "." or ".." segments';
    if (segment.toLowerCase() === '.git') return 'must not contain a ".git" segment';
    if (Buffer.byteLength(segment) > 255) return 'must not have a segment over 255 bytes';
  }
  return undefined;
}

export function toGitPath(value: unknown, where = 'path'): GitPath {
  const text = requireString(value, where);
  const problem = gitPathProblem(text);
  if (problem) invalid(where, problem);
  return text as GitPath;
}

/** Joins validated segments; the caller guarantees each part is a valid path. */
export function joinGitPath(...parts: string[]): GitPath {
  return parts.filter((part) => part.length > 0).join('/') as GitPath;
}

// Device names Windows reserves in every folder, with or without an extension (`nul.txt` is NUL too).
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;
const WINDOWS_FORBIDDEN = /[<>:"|?*]/;

/**
 * Why a path could not be checked out on Windows, or undefined when it could (the path already passed
 * gitPathProblem): a reserved device name such as `CON` or `nul.txt` in any case, a name ending in a dot or a
 * space, or one of the characters `< > : " | ? *`.
 */
export function windowsPathProblem(text: string): string | undefined {
  for (const segment of text.split('/')) {
    const forbidden = WINDOWS_FORBIDDEN.exec(segment);
    if (forbidden) return `must not contain "${forbidden[0]}" (Windows refuses the characters < > : " | ? *)`;
    const device = (segment.split('.')[0] ?? '').trimEnd();
    if (WINDOWS_DEVICE.test(device)) {
      return `must not use "${segment}": Windows reserves the name ${device.toUpperCase()}, with any extension`;
    }
    if (/[. ]$/.test(segment))
      return `must not have a name ending in a dot or a space ("${segment}"); Windows drops it`;
  }
  return undefined;
}

/**
 * The form under which macOS and Windows file systems compare names: NFC, then each character folded to one
 * case (single-character mappings only, as their case tables do), so `SKILL.md` and `skill.md` are one file.
 */
export function foldedPath(text: string): string {
  let out = '';
  for (const char of text.normalize('NFC')) {
    const upper = char.toUpperCase();
    const base = upper.length === char.length ? upper : char;
    const lower = base.toLowerCase();
    out += lower.length === base.length ? lower : base;
  }
  return out.normalize('NFC');
}
