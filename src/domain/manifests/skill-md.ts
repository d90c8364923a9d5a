import { type Document, isMap, isScalar, parseDocument, stringify } from 'yaml';
import { nameProblem } from '../catalog/item-name.ts';
import { checkStorable, setOwn, toJsonValue } from './json-safe.ts';
import type { JsonObject, JsonValue, ParsedManifest } from './manifest.ts';
import { charLength, isPlainObject, jsonPointer, ManifestReport } from './manifest-report.ts';
import { decodeManifestText, lineAndColumn } from './manifest-text.ts';

const FILE = 'SKILL.md';

/** The frontmatter fields the Agent Skills specification defines. */
export const SKILL_SPEC_FIELDS = [
  'name',
  'description',
  'license',
  'compatibility',
  'metadata',
  'allowed-tools',
] as const;

/** Frontmatter fields Claude Code understands beyond the spec: kept, with a warning that other clients ignore them. */
export const CLAUDE_CODE_SKILL_FIELDS = [
  'when_to_use',
  'argument-hint',
  'disable-model-invocation',
  'user-invocable',
  'model',
  'context',
  'agent',
  'hooks',
  'paths',
  'shell',
  'effort',
] as const;

export const SKILL_DESCRIPTION_SOFT_LIMIT = 1024;
export const SKILL_DESCRIPTION_HARD_LIMIT = 4096;
export const SKILL_COMPATIBILITY_LIMIT = 500;
/** Aliases a frontmatter may expand; a handful is plenty, thousands is an alias bomb. */
const MAX_YAML_ALIASES = 100;

/** A SKILL.md frontmatter as stored: the author's fields, metadata values as strings. */
export interface SkillFrontmatter {
  name: string;
  description: string;
  license?: string;
  compatibility?: string;
  metadata?: Record<string, string>;
  /** A space-separated string per the spec; a list as Claude Code also accepts. */
  'allowed-tools'?: string | string[];
  /** Not a spec field, but common; `metadata.version` is where it belongs. */
  version?: string;
  [field: string]: JsonValue | undefined;
}

export type ParsedSkill = ParsedManifest<SkillFrontmatter, 'skill'> & {
  /** The Markdown after the frontmatter, with LF line ends. */
  readonly body: string;
};

/**
 * Parses and validates a SKILL.md: strict UTF-8 (a BOM and CRLF are accepted), YAML frontmatter between `---`
 * lines at the very top, then Markdown.
 * - refused: invalid UTF-8 or YAML (reported as `SKILL.md:LINE`), duplicate keys, alias bombs, a frontmatter that
 *   is not a mapping; text PostgreSQL cannot store (a NUL or lone surrogate in any value or key, a NUL in the body); a missing or invalid `name` or one that differs from `folderName`; a missing or empty
 *   `description` or one over 4096 characters; a `compatibility` over 500; nested `metadata` values;
 * - accepted with a warning: a description over 1024 characters, number or boolean metadata values (stored as
 *   text), a list for `allowed-tools`, Claude Code fields, unknown fields, and a top-level `version`.
 * The version is `metadata.version`, else the top-level `version`. Without `folderName` (a new item, whose folder
 * the name will make) the name is checked against the naming rule only.
 */
export function parseSkillMd(bytes: Uint8Array, folderName?: string): ParsedSkill {
  const text = decodeManifestText(bytes, FILE);
  const report = new ManifestReport(FILE);
  const lines = text.split('\n');
  if (lines[0]?.trimEnd() !== '---') {
    report.errorAt(1, undefined, 'must start with a YAML frontmatter: a line "---", the fields, then a closing "---"');
    report.throwIfFailed();
  }
  const close = lines.findIndex((line, index) => index > 0 && line.trimEnd() === '---');
  if (close < 0) {
    report.errorAt(1, undefined, 'the frontmatter opened on line 1 is never closed by a "---" line');
    report.throwIfFailed();
  }
  const yamlText = lines.slice(1, close).join('\n');
  const body = lines.slice(close + 1).join('\n');

  const doc = parseDocument(yamlText, { uniqueKeys: true, prettyErrors: true });
  // Frontmatter line N is file line N + 1: the opening "---" is line 1.
  for (const error of doc.errors) {
    const pos = error.linePos?.[0];
    const message = `invalid YAML: ${shortYamlMessage(error.message)}`;
    if (pos) report.errorAt(pos.line + 1, undefined, message);
    else report.error('', message);
  }
  for (const warning of doc.warnings) {
    const pos = warning.linePos?.[0];
    const message = `YAML: ${shortYamlMessage(warning.message)}`;
    if (pos) report.warnAt(pos.line + 1, message);
    else report.warn('', message);
  }
  report.throwIfFailed();
  if (!isMap(doc.contents)) {
    report.errorAt(2, undefined, 'the frontmatter must be a mapping of fields such as "name: pdf-tools"');
    report.throwIfFailed();
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    const message = (error as Error).message;
    report.error(
      '',
      /excessive alias/i.test(message)
        ? 'invalid YAML: the frontmatter expands too many aliases (a YAML alias bomb); refused'
        : `invalid YAML: ${shortYamlMessage(message)}`,
    );
    report.throwIfFailed();
  }
  const fields = data as Record<string, unknown>;
  checkStorable(fields, '', report);
  const nul = body.indexOf('\0');
  if (nul >= 0) {
    report.errorAt(close + 1 + lineAndColumn(body, nul).line, undefined, 'must not contain a NUL character (U+0000)');
  }
  const manifest = checkFields(fields, doc, folderName, report);
  report.throwIfFailed();
  const version = manifest.metadata?.version ?? manifest.version;
  return {
    kind: 'skill',
    name: manifest.name,
    description: manifest.description.trim(),
    ...(version !== undefined ? { version } : {}),
    manifest,
    warnings: report.warnings,
    body,
  };
}

function checkFields(
  fields: Record<string, unknown>,
  doc: Document,
  folderName: string | undefined,
  report: ManifestReport,
): SkillFrontmatter {
  const out: Record<string, JsonValue> = {};
  const name = report.string(fields, 'name', '', { required: true });
  if (name !== undefined) {
    const problem = nameProblem(name, 64);
    if (problem) report.error('/name', problem);
    if (folderName !== undefined && name !== folderName) {
      report.error('/name', `must equal the folder name "${folderName}"`);
    }
  }
  const description = report.string(fields, 'description', '', {
    required: true,
    notBlank: true,
    max: SKILL_DESCRIPTION_HARD_LIMIT,
  });
  if (description !== undefined && charLength(description) > SKILL_DESCRIPTION_SOFT_LIMIT) {
    report.warn(
      '/description',
      `is ${charLength(description)} characters; the Agent Skills spec allows ${SKILL_DESCRIPTION_SOFT_LIMIT} and some clients cut or refuse longer ones`,
    );
  }
  report.string(fields, 'license', '');
  report.string(fields, 'compatibility', '', { min: 1, max: SKILL_COMPATIBILITY_LIMIT });

  for (const [key, value] of Object.entries(fields)) {
    const at = jsonPointer(key);
    if (key === 'metadata') {
      const metadata = checkMetadata(value, doc, report);
      if (metadata !== undefined) setOwn(out, key, metadata);
    } else if (key === 'allowed-tools') {
      const tools = checkAllowedTools(value, report);
      if (tools !== undefined) setOwn(out, key, tools);
    } else if (key === 'version') {
      const version = scalarText(value, doc.get('version', true));
      if (version === undefined) {
        report.error(at, 'must be a string such as "1.2.0"');
      } else {
        setOwn(out, key, version);
        const nested = isPlainObject(fields.metadata) ? fields.metadata.version : undefined;
        report.warn(
          at,
          nested === undefined
            ? 'is not an Agent Skills field; put it in metadata.version'
            : 'is not an Agent Skills field and metadata.version is also set; metadata.version is used',
        );
      }
    } else {
      const copy = toJsonValue(value, at, report);
      if (copy === undefined) continue;
      setOwn(out, key, copy);
      if ((CLAUDE_CODE_SKILL_FIELDS as readonly string[]).includes(key)) {
        report.warn(at, `is a Claude Code field, not an Agent Skills one; kept, but other clients ignore it`);
      } else if (!(SKILL_SPEC_FIELDS as readonly string[]).includes(key)) {
        report.warn(at, 'is not an Agent Skills field; kept as is');
      }
    }
  }
  return out as SkillFrontmatter;
}

function checkMetadata(value: unknown, doc: Document, report: ManifestReport): Record<string, string> | undefined {
  if (value === null) {
    report.warn('/metadata', 'is empty; dropped');
    return undefined;
  }
  if (!isPlainObject(value)) {
    report.error('/metadata', 'must be a mapping of keys to text values');
    return undefined;
  }
  const out: Record<string, string> = {};
  const node = doc.get('metadata', true);
  for (const [key, item] of Object.entries(value)) {
    const at = jsonPointer('metadata', key);
    if (typeof item === 'string') {
      setOwn(out, key, item);
    } else if (item === null) {
      report.warn(at, 'has no value; dropped');
    } else if (typeof item === 'object') {
      report.error(at, 'must be text; metadata values cannot be lists or mappings');
    } else {
      const text = scalarText(item, isMap(node) ? node.get(key, true) : undefined);
      if (text === undefined) {
        report.error(at, 'must be text');
        continue;
      }
      setOwn(out, key, text);
      report.warn(at, `is a ${typeof item}; stored as the text "${text}" (quote it to make that explicit)`);
    }
  }
  return out;
}

function checkAllowedTools(value: unknown, report: ManifestReport): string | string[] | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    report.warn(
      '/allowed-tools',
      'is a list; the Agent Skills spec expects one space-separated string (Claude Code accepts both)',
    );
    return value as string[];
  }
  report.error('/allowed-tools', 'must be a space-separated string of tool names (or a list of strings)');
  return undefined;
}

/** A scalar as the author wrote it, so `version: 1.10` stays "1.10" instead of the number 1.1. */
function scalarText(value: unknown, node: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') {
    if (isScalar(node) && typeof node.source === 'string' && node.source !== '') return node.source;
    if (typeof value === 'number' && !Number.isFinite(value)) return undefined;
    return String(value);
  }
  return undefined;
}

/** The first line of a yaml error, without the position the path already carries. */
function shortYamlMessage(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * The frontmatter the Agent Skills spec accepts, from a stored one: only the spec fields, a top-level `version`
 * moved into `metadata.version`, and an `allowed-tools` list joined with spaces, unless an entry holds a space
 * itself (`Bash(git status:*)`), which joining would split into other tools: such a list stays a list.
 * `dropped` names the other fields.
 */
export function strictSkillFrontmatter(manifest: SkillFrontmatter): { frontmatter: JsonObject; dropped: string[] } {
  const frontmatter: JsonObject = { name: manifest.name, description: manifest.description };
  if (manifest.license !== undefined) frontmatter.license = manifest.license;
  if (manifest.compatibility !== undefined) frontmatter.compatibility = manifest.compatibility;
  const metadata: Record<string, string> = { ...(manifest.metadata ?? {}) };
  if (metadata.version === undefined && manifest.version !== undefined) metadata.version = manifest.version;
  if (Object.keys(metadata).length > 0) frontmatter.metadata = metadata;
  const tools = manifest['allowed-tools'];
  if (tools !== undefined) {
    frontmatter['allowed-tools'] =
      Array.isArray(tools) && !tools.some((tool) => /\s/.test(tool)) ? tools.join(' ') : tools;
  }
  const dropped = Object.keys(manifest).filter(
    (key) => key !== 'version' && !(SKILL_SPEC_FIELDS as readonly string[]).includes(key),
  );
  return { frontmatter, dropped };
}

/**
 * Writes a SKILL.md that the strictest consumer (the Agent Skills spec) accepts: see `strictSkillFrontmatter`.
 * A description over 1024 characters is written as is: cutting an author's text is not export's call.
 */
export function renderStrictSkillMd(skill: { manifest: SkillFrontmatter; body: string }): string {
  const { frontmatter } = strictSkillFrontmatter(skill.manifest);
  const yaml = stringify(frontmatter, { lineWidth: 0 });
  return `---\n${yaml}---\n${skill.body}`;
}
