import { isMap, parseDocument } from 'yaml';
import { decodeManifestText } from '../../domain/manifests/manifest-text.ts';

/** Aliases a frontmatter may expand, as the SKILL.md parser allows. */
const MAX_YAML_ALIASES = 100;
const MAX_MEMO_ENTRIES = 2_000;
/** Frontmatter by the SHA-256 of its SKILL.md: the same bytes always give the same object. */
const memo = new Map<string, Readonly<Record<string, unknown>> | null>();

/**
 * A SKILL.md's YAML frontmatter rendered verbatim as a JSON object, as a Skills extension entry carries it (not
 * the catalog's stored manifest, which turns metadata values into strings); undefined when there is none, it
 * is not a mapping, or it lacks a string `name` and `description`.
 */
export function verbatimFrontmatter(
  skillMd: Uint8Array,
  sha256: string,
): Readonly<Record<string, unknown>> | undefined {
  let found = memo.get(sha256);
  if (found === undefined) {
    found = parse(skillMd);
    if (memo.size >= MAX_MEMO_ENTRIES) memo.delete(memo.keys().next().value as string);
    memo.set(sha256, found);
  }
  return found ?? undefined;
}

function parse(bytes: Uint8Array): Readonly<Record<string, unknown>> | null {
  try {
    // Split exactly as the SKILL.md parser does: a first line `---`, then the fields up to the next `---` line.
    const lines = decodeManifestText(bytes, 'SKILL.md').split('\n');
    if (lines[0]?.trimEnd() !== '---') return null;
    const close = lines.findIndex((line, index) => index > 0 && line.trimEnd() === '---');
    if (close < 0) return null;
    const doc = parseDocument(lines.slice(1, close).join('\n'), { uniqueKeys: true });
    if (doc.errors.length > 0 || !isMap(doc.contents)) return null;
    // Through JSON: what the wire carries is what a client parsing the same YAML compares against.
    const fields = JSON.parse(JSON.stringify(doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }))) as Record<string, unknown>;
    if (typeof fields.name !== 'string' || typeof fields.description !== 'string') return null;
    return Object.freeze(fields);
  } catch {
    return null;
  }
}
