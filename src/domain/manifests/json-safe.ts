import { ValidationError } from '../errors.ts';
import type { JsonValue } from './manifest.ts';
import { jsonPointer, type ManifestReport } from './manifest-report.ts';

/**
 * Copies a parsed value into plain JSON data, reporting what JSON cannot hold (binary, dates, infinities, NaN)
 * under `pointer`. Returns undefined for a refused value.
 */
export function toJsonValue(value: unknown, pointer: string, report: ManifestReport): JsonValue | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    report.error(pointer, 'must be a finite number (.inf and .nan cannot be stored)');
    return undefined;
  }
  if (Array.isArray(value)) {
    const out: JsonValue[] = [];
    value.forEach((item, index) => {
      const copy = toJsonValue(item, `${pointer}${jsonPointer(index)}`, report);
      if (copy !== undefined) out.push(copy);
    });
    return out;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      const out: { [key: string]: JsonValue } = {};
      for (const [key, item] of Object.entries(value)) {
        const copy = toJsonValue(item, `${pointer}${jsonPointer(key)}`, report);
        if (copy !== undefined)
          Object.defineProperty(out, key, { value: copy, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
  }
  report.error(
    pointer,
    'must be plain data (text, numbers, booleans, lists or mappings); tagged values such as !!binary are not allowed',
  );
  return undefined;
}

/** Sets an own property, even one named `__proto__`, which a plain assignment would turn into a prototype. */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A lone UTF-16 surrogate: JavaScript strings can hold one, UTF-8 (and so PostgreSQL) cannot. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why PostgreSQL could not store `text` in a text or jsonb column, or undefined when it can: U+0000 (refused by
 * both) and lone surrogates (not UTF-8; a driver would send U+FFFD or jsonb refuse the `\ud800` escape).
 */
export function storableTextProblem(text: string): string | undefined {
  if (text.includes('\0')) return 'must not contain a NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode text (it holds a lone surrogate such as \\ud800)';
  return undefined;
}

/** Returns `text` when PostgreSQL can store it; otherwise throws a ValidationError naming `where`. */
export function requireStorableText(text: string, where: string): string {
  const problem = storableTextProblem(text);
  if (problem) throw new ValidationError({ path: where, message: problem });
  return text;
}

/**
 * Nesting a stored manifest may have: deeper than any real one needs, shallow enough that no recursive reader
 * (PostgreSQL's jsonb parser and functions, code that walks a manifest) runs out of stack on it.
 */
export const MAX_STORABLE_DEPTH = 64;

/**
 * Reports under its JSON pointer every string and every key in a parsed JSON value that PostgreSQL could not
 * store (see storableTextProblem), and values nested deeper than MAX_STORABLE_DEPTH. Returns true when the whole
 * tree is storable. Walks without recursion, so a deeply nested document cannot overflow the stack here.
 */
export function checkStorable(value: unknown, pointer: string, report: ManifestReport): boolean {
  let ok = true;
  const fail = (at: string, message: string) => {
    report.error(at, message);
    ok = false;
  };
  type Entry = { value: unknown; pointer: string; depth: number; keyProblem?: string };
  const stack: Entry[] = [{ value, pointer, depth: 0 }];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (next.keyProblem) fail(next.pointer, `the key ${next.keyProblem}`);
    if (typeof next.value === 'string') {
      const problem = storableTextProblem(next.value);
      if (problem) fail(next.pointer, problem);
      continue;
    }
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth >= MAX_STORABLE_DEPTH) {
      fail(next.pointer, `is nested too deeply (more than ${MAX_STORABLE_DEPTH} levels)`);
      continue;
    }
    const depth = next.depth + 1;
    const children: Entry[] = [];
    if (Array.isArray(next.value)) {
      next.value.forEach((item, index) => {
        children.push({ value: item, pointer: `${next.pointer}${jsonPointer(index)}`, depth });
      });
    } else {
      for (const [key, item] of Object.entries(next.value)) {
        const keyProblem = storableTextProblem(key);
        // The pointer itself must be storable too: a sync records it as the problem's path.
        const at = `${next.pointer}${jsonPointer(keyProblem ? storableText(key, 200) : key)}`;
        children.push({ value: item, pointer: at, depth, ...(keyProblem ? { keyProblem } : {}) });
      }
    }
    // Pushed last to first, so problems come out in document order.
    for (let index = children.length - 1; index >= 0; index -= 1) stack.push(children[index]!);
  }
  return ok;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is replaced
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F]/g;

/** The longest text `storableText` keeps by default, in UTF-16 code units. */
export const STORABLE_TEXT_LIMIT = 2000;

/**
 * Makes any text storable, for recording what went wrong: NULs and lone surrogates become U+FFFD, other control
 * characters but tab and line feed become U+FFFD, and the text is cut to `max` code units (never inside a pair).
 */
export function storableText(text: string, max = STORABLE_TEXT_LIMIT): string {
  const cleaned = String(text).replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD').replace(CONTROL, '\uFFFD');
  if (cleaned.length <= max) return cleaned;
  let end = Math.max(0, max - 1);
  const last = cleaned.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${cleaned.slice(0, end)}…`;
}
