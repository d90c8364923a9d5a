import { ValidationError } from '../errors.ts';
import type { ManifestReport } from './manifest-report.ts';

/**
 * Decodes a manifest's bytes as strict UTF-8, drops a leading byte order mark and turns CRLF (and lone CR)
 * line ends into LF, so line numbers and parsers see one convention.
 */
export function decodeManifestText(bytes: Uint8Array, file: string): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ValidationError({ path: file, message: 'is not valid UTF-8 text; save it as UTF-8' });
  }
  return text.replace(/\r\n?/g, '\n');
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i += 1) {
    if (text.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * Parses a JSON manifest. A syntax error is reported as `file:line:column`; a document that is not an object
 * is reported on the file. Returns undefined when the report holds a problem.
 */
export function parseJsonObject(text: string, report: ManifestReport): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const found = findJsonSyntaxError(text);
    if (found) {
      const { line, column } = lineAndColumn(text, found.offset);
      report.errorAt(line, column, `is not valid JSON: ${found.message}`);
    } else {
      report.error('', `is not valid JSON: ${(error as Error).message}`);
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    report.error('', 'must hold a JSON object at the top level');
    return undefined;
  }
  return value as Record<string, unknown>;
}

const MAX_DEPTH = 512;

/**
 * Locates the first syntax error in a JSON text, because JSON.parse does not always say where it stopped.
 * Only called after JSON.parse failed; returns undefined when it finds nothing wrong.
 */
export function findJsonSyntaxError(text: string): { offset: number; message: string } | undefined {
  let at = 0;
  class Stop {
    constructor(
      readonly offset: number,
      readonly message: string,
    ) {}
  }
  const fail = (message: string, offset = at): never => {
    throw new Stop(offset, message);
  };
  const describe = (): string => (at >= text.length ? 'end of input' : `character ${JSON.stringify(text[at])}`);
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at += 1;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, at)) at += word.length;
    else fail(`unexpected ${describe()}`);
  };
  const string = () => {
    at += 1;
    while (true) {
      if (at >= text.length) fail('unterminated string');
      const char = text.charCodeAt(at);
      if (char === 34) {
        at += 1;
        return;
      }
      if (char < 0x20) fail('control character inside a string; escape it');
      if (char === 92) {
        const next = text[at + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) fail('invalid \\u escape');
          at += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) {
          at += 2;
        } else {
          fail('invalid escape sequence');
        }
      } else {
        at += 1;
      }
    }
  };
  const number = () => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(at, at + 400));
    if (!match || match[0] === '-' || match[0] === '') fail('invalid number');
    at += match![0].length;
  };
  const value = (depth: number): void => {
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH} levels`);
    space();
    const char = text[at];
    if (char === '{') {
      at += 1;
      space();
      if (text[at] === '}') {
        at += 1;
        return;
      }
      while (true) {
        space();
        if (text[at] !== '"') fail(`expected a property name in double quotes, found ${describe()}`);
        string();
        space();
        if (text[at] !== ':') fail(`expected ':' after the property name, found ${describe()}`);
        at += 1;
        value(depth + 1);
        space();
        if (text[at] === ',') {
          at += 1;
          continue;
        }
        if (text[at] === '}') {
          at += 1;
          return;
        }
        fail(`expected ',' or '}', found ${describe()}`);
      }
    }
    if (char === '[') {
      at += 1;
      space();
      if (text[at] === ']') {
        at += 1;
        return;
      }
      while (true) {
        value(depth + 1);
        space();
        if (text[at] === ',') {
          at += 1;
          continue;
        }
        if (text[at] === ']') {
          at += 1;
          return;
        }
        fail(`expected ',' or ']', found ${describe()}`);
      }
    }
    if (char === '"') string();
    else if (char === 't') literal('true');
    else if (char === 'f') literal('false');
    else if (char === 'n') literal('null');
    else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) number();
    else fail(`unexpected ${describe()}`);
  };
  try {
    value(0);
    space();
    if (at < text.length) fail(`unexpected ${describe()} after the JSON value`);
    return undefined;
  } catch (error) {
    if (error instanceof Stop) return { offset: error.offset, message: error.message };
    throw error;
  }
}
