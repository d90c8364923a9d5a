import { type ItemRef, toItemRef } from '../../domain/catalog/item-ref.ts';

/**
 * Skill resources under the MCP Skills extension: `skill://<namespace>/<name>/<path>`. The namespace is the URI's
 * authority (team slugs and usernames are valid reg-names), the skill's name is the last segment of the skill
 * path as the extension requires, and each segment of a file's path is percent-encoded, so any path git holds
 * makes a valid URI and reads back to the same path.
 */
const PREFIX = 'skill://';

/** A skill's namespace and name, as an item reference or a catalog row holds them. */
export interface SkillName {
  readonly namespace: string;
  readonly name: string;
}

/** The skill's root directory: `skill://platform/pdf-tools`, no trailing slash. */
export function skillRootUri(ref: SkillName): string {
  return `${PREFIX}${ref.namespace}/${ref.name}`;
}

/** A file of the skill: `skill://platform/pdf-tools/scripts/extract.py`. */
export function skillFileUri(ref: SkillName, path: string): string {
  return `${skillRootUri(ref)}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** The URI of the skill's SKILL.md: what skills/get takes and a search result points at. */
export function skillMdUri(ref: SkillName): string {
  return skillFileUri(ref, 'SKILL.md');
}

export interface SkillLocation {
  readonly ref: ItemRef;
  /** The path inside the skill folder; '' for the skill's root directory. */
  readonly path: string;
}

/**
 * Reads a `skill://` URI back into the skill and a path inside it; undefined for anything else (another
 * scheme, a query or fragment, an empty or `.`/`..` segment, bad percent-encoding, a namespace or name the
 * catalog could not hold).
 */
export function parseSkillUri(uri: string): SkillLocation | undefined {
  if (!uri.startsWith(PREFIX) || /[?#\s]/.test(uri)) return undefined;
  const [namespace, name, ...rest] = uri.slice(PREFIX.length).split('/');
  let segments: string[];
  let ref: ItemRef;
  try {
    segments = rest.map((segment) => decodeURIComponent(segment));
    ref = toItemRef({ kind: 'skill', namespace, name });
  } catch {
    return undefined;
  }
  // The authority is compared as written: `skill://Platform/...` is not the URI this server hands out.
  if (ref.namespace !== namespace || segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('/'))) {
    return undefined;
  }
  return { ref, path: segments.join('/') };
}
