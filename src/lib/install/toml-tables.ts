import { stringify } from 'smol-toml';

/** A table header line of a TOML document: `[a.b]` or `[[a.b]]`. */
export interface TomlHeader {
  /** Where the header line starts. */
  readonly start: number;
  /**
   * Where the comment lines directly above the header start (no blank line between): they belong to this table, so
   * an edit of the table before it never takes them.
   */
  readonly attachedStart: number;
  /** The key path it names; undefined when a key could not be read (Atlas then leaves the document alone). */
  readonly path: readonly string[] | undefined;
  readonly array: boolean;
}

const BARE_KEY = /[A-Za-z0-9_-]/;

/**
 * The table headers of a TOML document, found by a scanner that knows strings (basic, literal, multi-line),
 * comments and values that span lines (arrays, inline tables), so a `[` inside any of them is never taken for a
 * header. The document is expected to parse; the caller checks the result of every edit with a TOML parser.
 */
export function tomlHeaders(text: string): TomlHeader[] {
  const headers: TomlHeader[] = [];
  let depth = 0;
  let lineStart = true;
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (lineStart && depth === 0) {
      if (char === ' ' || char === '\t') {
        i++;
        continue;
      }
      lineStart = false;
      if (char === '[') {
        const start = text.lastIndexOf('\n', i - 1) + 1;
        const header = readHeader(text, i);
        headers.push({ start, attachedStart: attachedStart(text, start), path: header.path, array: header.array });
        i = header.end;
        continue;
      }
    }
    if (char === '\n') {
      if (depth === 0) lineStart = true;
      i++;
    } else if (char === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (char === '"' || char === "'") {
      i = skipString(text, i);
    } else {
      if (char === '[' || char === '{') depth++;
      else if ((char === ']' || char === '}') && depth > 0) depth--;
      i++;
    }
  }
  return headers;
}

/** The index after the string that starts at `i` (basic, literal, or either multi-line kind). */
function skipString(text: string, i: number): number {
  const quote = text[i]!;
  const triple = text.startsWith(quote.repeat(3), i);
  const close = triple ? quote.repeat(3) : quote;
  let j = i + close.length;
  while (j < text.length) {
    if (quote === '"' && text[j] === '\\') {
      j += 2;
      continue;
    }
    if (!triple && text[j] === '\n') return j;
    if (text.startsWith(close, j)) {
      // A multi-line string may end with up to two more quotes of its kind: `""""` closes after the content's `"`.
      let end = j + close.length;
      while (triple && text[end] === quote && end - j < 5) end++;
      return end;
    }
    j++;
  }
  return j;
}

/** Reads `[a."b.c".'d']` or `[[...]]` at `i`; `end` is past the line's end (its comment and newline). */
function readHeader(text: string, i: number): { path: string[] | undefined; array: boolean; end: number } {
  const array = text[i + 1] === '[';
  let j = i + (array ? 2 : 1);
  const path: string[] = [];
  let readable = true;
  const skipSpace = () => {
    while (text[j] === ' ' || text[j] === '\t') j++;
  };
  for (;;) {
    skipSpace();
    const char = text[j];
    if (char === '"' || char === "'") {
      const end = skipString(text, j);
      const raw = text.slice(j, end);
      if (char === "'") path.push(raw.slice(1, -1));
      else {
        try {
          path.push(JSON.parse(raw) as string);
        } catch {
          readable = false;
          path.push(raw);
        }
      }
      j = end;
    } else if (char !== undefined && BARE_KEY.test(char)) {
      const start = j;
      while (j < text.length && BARE_KEY.test(text[j]!)) j++;
      path.push(text.slice(start, j));
    } else {
      readable = false;
      break;
    }
    skipSpace();
    if (text[j] === '.') {
      j++;
      continue;
    }
    break;
  }
  if (text[j] !== ']' || (array && text[j + 1] !== ']')) readable = false;
  const newline = text.indexOf('\n', j);
  return { path: readable ? path : undefined, array, end: newline < 0 ? text.length : newline + 1 };
}

/** The start of the run of comment lines directly above the line at `start`. */
function attachedStart(text: string, start: number): number {
  let first = start;
  while (first > 0) {
    const previous = text.lastIndexOf('\n', first - 2) + 1;
    if (!text.slice(previous, first).trim().startsWith('#')) break;
    first = previous;
  }
  return first;
}

/** Where a header's table ends: before the next header's attached comments, less its own trailing blank lines. */
function blockEnd(text: string, headers: readonly TomlHeader[], index: number): number {
  const limit = headers[index + 1]?.attachedStart ?? text.length;
  let end = limit;
  // Back over trailing blank lines, so that they stay between whatever ends up on either side.
  while (end > headers[index]!.start) {
    const lineStart = text.lastIndexOf('\n', end - 2) + 1;
    if (text.slice(lineStart, end).trim() !== '') break;
    end = lineStart;
  }
  return end;
}

const startsWith = (path: readonly string[] | undefined, prefix: readonly string[]) =>
  path !== undefined && prefix.every((key, index) => path[index] === key);

/** The ranges of the tables under `path` (the table itself and its sub-tables), merged where only blank lines part them. */
function tableRanges(text: string, headers: readonly TomlHeader[], path: readonly string[]): [number, number][] {
  const ranges: [number, number][] = [];
  headers.forEach((header, index) => {
    if (!startsWith(header.path, path)) return;
    const range: [number, number] = [header.start, blockEnd(text, headers, index)];
    const last = ranges[ranges.length - 1];
    if (last && text.slice(last[1], range[0]).trim() === '') last[1] = range[1];
    else ranges.push(range);
  });
  return ranges;
}

function cut(text: string, ranges: readonly [number, number][], joinBlankLines: boolean): string {
  let out = text;
  for (const [range, end] of [...ranges].reverse()) {
    let start = range;
    let after = end;
    // A table cut from the end takes the blank lines before it along, as appending it had added them.
    if (joinBlankLines && out.slice(after).trim() === '') {
      while (start > 0) {
        const previous = out.lastIndexOf('\n', start - 2) + 1;
        if (out.slice(previous, start).trim() !== '') break;
        start = previous;
      }
    }
    // Two runs of blank lines that meet become one.
    if (joinBlankLines && start > 0 && /\n\s*\n$/.test(out.slice(0, start)) && /^[ \t]*\r?\n/.test(out.slice(after))) {
      after += /^[ \t]*\r?\n/.exec(out.slice(after))![0].length;
    }
    out = out.slice(0, start) + out.slice(after);
  }
  return out;
}

/** The line ending a document uses. */
function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/**
 * Writes `table` as the TOML table at `path` (with sub-tables for its nested maps), in place of the table and
 * sub-tables already there, or after the last table under `path[0]`, or at the end; every other line, comment and
 * blank line stays as it was. Throws when a header on the way cannot be read (the caller's parser check would not
 * tell a table Atlas must not touch from one it must).
 */
export function setTomlTable(text: string, path: readonly string[], table: Record<string, unknown>): string {
  const headers = tomlHeaders(text);
  if (headers.some((header) => header.path === undefined)) throw new Error('a table header could not be read');
  const eol = eolOf(text);
  let block = stringify(nest(path, table));
  if (eol !== '\n') block = block.replaceAll('\n', eol);
  const ranges = tableRanges(text, headers, path);
  if (ranges.length > 0) {
    const [start] = ranges[0]!;
    const rest = cut(text, ranges, false);
    return rest.slice(0, start) + block + rest.slice(start);
  }
  const siblings = headers.flatMap((header, index) => (startsWith(header.path, path.slice(0, 1)) ? [index] : []));
  const lastSibling = siblings[siblings.length - 1];
  const at = lastSibling === undefined ? text.length : blockEnd(text, headers, lastSibling);
  let before = text.slice(0, at);
  if (before !== '' && !before.endsWith('\n')) before += eol;
  const separator = before.trim() === '' || /\n\s*\n$/.test(before) ? '' : eol;
  const after = text.slice(at);
  return `${before}${separator}${block}${after !== '' && !/^\s*\n/.test(after) ? eol : ''}${after}`;
}

/** Removes the table at `path` and its sub-tables, keeping every other line, comment and blank line. */
export function removeTomlTable(text: string, path: readonly string[]): string {
  const headers = tomlHeaders(text);
  if (headers.some((header) => header.path === undefined)) throw new Error('a table header could not be read');
  return cut(text, tableRanges(text, headers, path), true);
}

function nest(path: readonly string[], table: Record<string, unknown>): Record<string, unknown> {
  return path.reduceRight<Record<string, unknown>>((inner, key) => ({ [key]: inner }), table);
}
