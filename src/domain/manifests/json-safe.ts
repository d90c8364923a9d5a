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
