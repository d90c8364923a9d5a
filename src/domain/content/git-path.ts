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
