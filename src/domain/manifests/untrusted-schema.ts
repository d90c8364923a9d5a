import { isPlainObject, jsonPointer, type ManifestReport, pointerSegment } from './manifest-report.ts';

/**
 * What a JSON Schema written by a stranger may be. A schema compiler's cost grows with these (Ajv took 4 s to
 * compile 10,000 properties and overflowed its stack on deep nesting), so they are checked on the parsed JSON
 * (and, with room to spare, on the text by `scanJsonShape` before it is parsed) before anything else reads the
 * schema. Generous for real tools: the largest MCP tool schemas seen in the wild are tens of kilobytes, a few
 * hundred keys and under ten levels deep.
 */
export const UNTRUSTED_SCHEMA_LIMITS = {
  /** Characters of the schema written as compact JSON. */
  maxJsonChars: 128 * 1024,
  /** Levels of nested objects and arrays. */
  maxDepth: 32,
  /** Object members (properties, keywords and the keys of data such as `default`) in the whole schema. */
  maxKeys: 4096,
  /** Characters of one `pattern` or `patternProperties` key. */
  maxPatternChars: 1024,
} as const;

/**
 * Checks the size, depth and key count of an untrusted schema, reporting each bound crossed at the JSON pointer
 * where it was crossed. Iterative with an explicit stack, so no input can exhaust the call stack.
 * Returns false when a bound is crossed: nothing else should look at the schema then.
 */
export function checkSchemaBounds(schema: unknown, at: string, report: ManifestReport): boolean {
  const limits = UNTRUSTED_SCHEMA_LIMITS;
  let ok = true;
  let keys = 0;
  let tooDeep = false;
  const stack: { value: unknown; pointer: string; depth: number }[] = [{ value: schema, pointer: at, depth: 1 }];
  while (stack.length > 0) {
    const { value, pointer, depth } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > limits.maxDepth) {
      if (!tooDeep) report.error(pointer, `nests deeper than ${limits.maxDepth} levels; flatten the schema`);
      tooDeep = true;
      ok = false;
      continue;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i -= 1) {
        const child = value[i];
        if (typeof child === 'object' && child !== null) {
          stack.push({ value: child, pointer: `${pointer}/${i}`, depth: depth + 1 });
        }
      }
      continue;
    }
    const names = Object.keys(value);
    keys += names.length;
    if (keys > limits.maxKeys) {
      report.error(pointer, `brings the schema over ${limits.maxKeys} keys (properties and keywords); split the tool`);
      return false;
    }
    for (let i = names.length - 1; i >= 0; i -= 1) {
      const child = (value as Record<string, unknown>)[names[i]!];
      if (typeof child === 'object' && child !== null) {
        stack.push({ value: child, pointer: `${pointer}/${pointerSegment(names[i]!)}`, depth: depth + 1 });
      }
    }
  }
  // Only measured once the shape is bounded, so the serialisation itself stays cheap.
  if (ok) {
    const chars = JSON.stringify(schema).length;
    if (chars > limits.maxJsonChars) {
      report.error(at, `is ${chars} characters of JSON; the limit is ${limits.maxJsonChars}`);
      ok = false;
    }
  }
  return ok;
}

/** Keywords whose value is one subschema, a map of them, or a list of them (2020-12, plus draft-07's). */
const ONE_SCHEMA = [
  'additionalProperties',
  'items',
  'contains',
  'not',
  'if',
  'then',
  'else',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
  'additionalItems',
];
const SCHEMA_MAP = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'dependencies'];
const SCHEMA_LIST = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];

/** The base URI of a schema without `$id`: relative `$id`s and `$ref`s resolve against it, and nothing else is there. */
const ROOT_URI = 'https://input-schema.atlas.invalid/';

/**
 * Checks what only a compiler would otherwise find, without compiling: every `pattern` and `patternProperties` key
 * is a short, valid Unicode regular expression (built, never run), and every `$ref`/`$dynamicRef` resolves inside
 * the schema (a pointer that exists, an `$anchor`, or an `$id` the schema declares). Call after `checkSchemaBounds`.
 */
export function checkSchemaReferencesAndPatterns(schema: Record<string, unknown>, at: string, report: ManifestReport) {
  const resources = new Map<string, unknown>();
  const anchors = new Set<string>();
  const refs: { pointer: string; ref: string; base: string }[] = [];
  const stack: { node: unknown; pointer: string; base: string }[] = [{ node: schema, pointer: at, base: ROOT_URI }];
  resources.set(ROOT_URI, schema);
  while (stack.length > 0) {
    const { node, pointer, base: parentBase } = stack.pop()!;
    if (!isPlainObject(node)) continue;
    let base = parentBase;
    if (typeof node.$id === 'string') {
      const id = absoluteUri(node.$id, parentBase);
      if (id === undefined) {
        report.error(`${pointer}/$id`, 'must be a URI');
      } else {
        base = id.split('#')[0]!;
        resources.set(base, node);
      }
    }
    for (const keyword of ['$anchor', '$dynamicAnchor']) {
      if (typeof node[keyword] === 'string') anchors.add(`${base}#${node[keyword]}`);
    }
    for (const keyword of ['$ref', '$dynamicRef']) {
      const ref = node[keyword];
      if (typeof ref === 'string') refs.push({ pointer: `${pointer}${jsonPointer(keyword)}`, ref, base });
    }
    if (typeof node.pattern === 'string') checkPattern(node.pattern, `${pointer}/pattern`, report);
    if (isPlainObject(node.patternProperties)) {
      for (const key of Object.keys(node.patternProperties)) {
        checkPattern(key, `${pointer}${jsonPointer('patternProperties', key)}`, report);
      }
    }
    const push = (child: unknown, ...segments: (string | number)[]) => {
      stack.push({ node: child, pointer: `${pointer}${jsonPointer(...segments)}`, base });
    };
    for (const keyword of ONE_SCHEMA) if (isPlainObject(node[keyword])) push(node[keyword], keyword);
    for (const keyword of SCHEMA_MAP) {
      const map = node[keyword];
      if (isPlainObject(map)) for (const [key, child] of Object.entries(map)) push(child, keyword, key);
    }
    for (const keyword of SCHEMA_LIST) {
      const list = node[keyword];
      if (Array.isArray(list)) for (const [index, child] of list.entries()) push(child, keyword, index);
    }
  }
  for (const { pointer, ref, base } of refs) {
    if (!resolves(ref, base, resources, anchors)) {
      report.error(pointer, `"${ref}" does not resolve inside the schema; tool schemas must be self-contained`);
    }
  }
}

function checkPattern(pattern: string, pointer: string, report: ManifestReport): void {
  const max = UNTRUSTED_SCHEMA_LIMITS.maxPatternChars;
  if (pattern.length > max) {
    report.error(pointer, `is ${pattern.length} characters; a pattern may have at most ${max}`);
    return;
  }
  try {
    // Building a RegExp parses it (linear in its length) but never runs it, so no input backtracks here.
    new RegExp(pattern, 'u');
  } catch (error) {
    report.error(pointer, `is not a valid regular expression: ${(error as Error).message}`);
  }
}

function absoluteUri(reference: string, base: string): string | undefined {
  try {
    return new URL(reference, base).href;
  } catch {
    return undefined;
  }
}

function resolves(ref: string, base: string, resources: Map<string, unknown>, anchors: Set<string>): boolean {
  const target = absoluteUri(ref, base);
  if (target === undefined) return false;
  const hash = target.indexOf('#');
  const resource = hash < 0 ? target : target.slice(0, hash);
  const fragment = hash < 0 ? '' : target.slice(hash + 1);
  const root = resources.get(resource);
  if (root === undefined) return false;
  if (fragment === '') return true;
  if (!fragment.startsWith('/')) return anchors.has(`${resource}#${safeDecode(fragment)}`);
  let node: unknown = root;
  for (const raw of fragment.slice(1).split('/')) {
    const segment = safeDecode(raw)?.replaceAll('~1', '/').replaceAll('~0', '~');
    if (segment === undefined || typeof node !== 'object' || node === null || !Object.hasOwn(node, segment)) {
      return false;
    }
    node = (node as Record<string, unknown>)[segment];
  }
  return true;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/**
 * Finds where a JSON text first holds more than `maxKeys` object members or nests deeper than `maxDepth`, without
 * parsing it: a linear scan that allocates almost nothing, so a document far over the bounds is refused before
 * JSON.parse builds (and the collector reclaims) tens of thousands of objects. Returns undefined for a document
 * within the bounds, or one too broken to scan (JSON.parse then reports where it is broken).
 */
export function scanJsonShape(
  text: string,
  maxKeys: number,
  maxDepth: number,
): { pointer: string; crossed: 'keys' | 'depth' } | undefined {
  const path: (string | number)[] = [];
  const inObject: boolean[] = [];
  let keys = 0;
  let expectingKey = false;
  const pointerOf = () =>
    path
      .map((segment) => {
        if (typeof segment === 'number') return `/${segment}`;
        try {
          return `/${pointerSegment(JSON.parse(segment) as string)}`;
        } catch {
          return '/?';
        }
      })
      .join('');
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if (char === 34) {
      let end = i + 1;
      while (true) {
        end = text.indexOf('"', end);
        if (end < 0) return undefined;
        let backslashes = 0;
        while (text.charCodeAt(end - 1 - backslashes) === 92) backslashes += 1;
        if (backslashes % 2 === 0) break;
        end += 1;
      }
      if (expectingKey) {
        path[path.length - 1] = text.slice(i, end + 1);
        keys += 1;
        expectingKey = false;
        if (keys > maxKeys) return { pointer: pointerOf(), crossed: 'keys' };
      }
      i = end;
    } else if (char === 123 || char === 91) {
      inObject.push(char === 123);
      path.push(char === 123 ? '' : 0);
      expectingKey = char === 123;
      if (inObject.length > maxDepth) {
        path.pop();
        return { pointer: pointerOf(), crossed: 'depth' };
      }
    } else if (char === 125 || char === 93) {
      inObject.pop();
      path.pop();
      expectingKey = false;
    } else if (char === 44 && inObject.length > 0) {
      if (inObject.at(-1)) expectingKey = true;
      else path[path.length - 1] = (path.at(-1) as number) + 1;
    }
  }
  return undefined;
}
