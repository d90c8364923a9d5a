import { type Problem, ValidationError } from '../errors.ts';
import type { ManifestWarning } from './manifest.ts';

/** Escapes one JSON pointer segment (RFC 6901): `~` as `~0`, `/` as `~1`. */
export function pointerSegment(segment: string | number): string {
  return String(segment).replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Builds a JSON pointer such as `/packages/0/version` from its segments. */
export function jsonPointer(...segments: (string | number)[]): string {
  return segments.map((segment) => `/${pointerSegment(segment)}`).join('');
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Length in Unicode code points, which is what JSON Schema and the Agent Skills spec call characters. */
export function charLength(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

interface StringRule {
  required?: boolean;
  /** Minimum length in characters; 1 refuses the empty string. */
  min?: number;
  max?: number;
  /** Refuses strings made only of whitespace. */
  notBlank?: boolean;
}

/**
 * Collects every problem and warning found in one manifest file. Paths are the file name plus a JSON pointer
 * (`server.json#/packages/0/version`), the bare file name for the whole document, or `file:line` for syntax errors.
 */
export class ManifestReport {
  readonly problems: Problem[] = [];
  readonly warnings: ManifestWarning[] = [];

  constructor(readonly file: string) {}

  path(pointer: string): string {
    return pointer === '' ? this.file : `${this.file}#${pointer}`;
  }

  error(pointer: string, message: string): void {
    this.problems.push({ path: this.path(pointer), message });
  }

  errorAt(line: number, column: number | undefined, message: string): void {
    const where = column === undefined ? `${line}` : `${line}:${column}`;
    this.problems.push({ path: `${this.file}:${where}`, message });
  }

  warn(pointer: string, message: string): void {
    this.warnings.push({ path: this.path(pointer), message });
  }

  warnAt(line: number, message: string): void {
    this.warnings.push({ path: `${this.file}:${line}`, message });
  }

  get failed(): boolean {
    return this.problems.length > 0;
  }

  /** Throws one ValidationError carrying every problem found so far, if any. */
  throwIfFailed(): void {
    if (this.failed) throw new ValidationError(this.problems);
  }

  /** Reads an optional (or required) string field; reports a missing, mistyped or out-of-range value. */
  string(owner: Record<string, unknown>, key: string, pointer: string, rule: StringRule = {}): string | undefined {
    const value = owner[key];
    const at = `${pointer}${jsonPointer(key)}`;
    if (value === undefined) {
      if (rule.required) this.error(at, 'is required');
      return undefined;
    }
    if (typeof value !== 'string') {
      this.error(at, 'must be a string');
      return undefined;
    }
    const length = charLength(value);
    if (rule.notBlank && value.trim() === '') {
      this.error(at, 'must not be empty');
      return undefined;
    }
    if (rule.min !== undefined && length < rule.min) {
      this.error(at, rule.min === 1 ? 'must not be empty' : `must be at least ${rule.min} characters`);
      return undefined;
    }
    if (rule.max !== undefined && length > rule.max) {
      this.error(at, `must be at most ${rule.max} characters (it has ${length})`);
      return undefined;
    }
    return value;
  }

  boolean(owner: Record<string, unknown>, key: string, pointer: string): boolean | undefined {
    const value = owner[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') {
      this.error(`${pointer}${jsonPointer(key)}`, 'must be true or false');
      return undefined;
    }
    return value;
  }

  object(
    owner: Record<string, unknown>,
    key: string,
    pointer: string,
    required = false,
  ): Record<string, unknown> | undefined {
    const value = owner[key];
    const at = `${pointer}${jsonPointer(key)}`;
    if (value === undefined) {
      if (required) this.error(at, 'is required');
      return undefined;
    }
    if (!isPlainObject(value)) {
      this.error(at, 'must be an object');
      return undefined;
    }
    return value;
  }

  array(owner: Record<string, unknown>, key: string, pointer: string): unknown[] | undefined {
    const value = owner[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) {
      this.error(`${pointer}${jsonPointer(key)}`, 'must be a list');
      return undefined;
    }
    return value;
  }

  /** Reads an optional list of strings, reporting each item that is not one. */
  stringList(owner: Record<string, unknown>, key: string, pointer: string): string[] | undefined {
    const list = this.array(owner, key, pointer);
    if (!list) return undefined;
    let ok = true;
    list.forEach((item, index) => {
      if (typeof item !== 'string') {
        this.error(`${pointer}${jsonPointer(key, index)}`, 'must be a string');
        ok = false;
      }
    });
    return ok ? (list as string[]) : undefined;
  }

  /** Warns about each key the format does not define; the key is kept. */
  unknownKeys(owner: Record<string, unknown>, pointer: string, known: readonly string[], what: string): void {
    for (const key of Object.keys(owner)) {
      if (!known.includes(key)) this.warn(`${pointer}${jsonPointer(key)}`, `is not a known ${what} field; kept as is`);
    }
  }
}
