import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { nameProblem } from '../catalog/item-name.ts';
import { formatItemRef, parseItemRef } from '../catalog/item-ref.ts';
import { ValidationError } from '../errors.ts';
import { checkStorable } from './json-safe.ts';
import type { JsonObject, ParsedManifest } from './manifest.ts';
import { charLength, ManifestReport } from './manifest-report.ts';
import { decodeManifestText, parseJsonObject } from './manifest-text.ts';
import { exactVersionProblem, webUrlProblem } from './manifest-values.ts';
import {
  checkSchemaBounds,
  checkSchemaReferencesAndPatterns,
  scanJsonShape,
  UNTRUSTED_SCHEMA_LIMITS,
} from './untrusted-schema.ts';

const FILE = 'tool.json';
const SCHEMA_2020 = 'https://json-schema.org/draft/2020-12/schema';
export const TOOL_DESCRIPTION_SOFT_LIMIT = 1024;
export const TOOL_DESCRIPTION_HARD_LIMIT = 4096;
/** Bytes of a whole tool.json, checked before it is parsed: the schema's own limit plus room for the rest. */
export const TOOL_JSON_MAX_BYTES = 4 * UNTRUSTED_SCHEMA_LIMITS.maxJsonChars;
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export type ToolImplementation =
  | { type: 'http'; url: string; method: (typeof HTTP_METHODS)[number] }
  | { type: 'command'; command: string; args?: string[] }
  /** `server` is an Atlas item reference such as `mcp/platform/github`. */
  | { type: 'mcp'; server: string; tool: string };

/** A tool definition as LLM APIs take it, plus where it runs. Unknown fields are kept. */
export interface ToolJson {
  name: string;
  description: string;
  /** A JSON Schema (draft 2020-12) whose `type` is `object`. */
  input_schema: JsonObject;
  version?: string;
  implementation?: ToolImplementation;
}

export type ParsedTool = ParsedManifest<ToolJson, 'tool'>;

const MAYBE_UNSTORABLE = /\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

const TOP_LEVEL_FIELDS = ['$schema', 'name', 'description', 'input_schema', 'version', 'implementation'];

// One validator for the process, built on first use: compiling the 2020-12 meta-schema costs milliseconds.
// It only ever validates a tool's schema against the meta-schema (linear in the schema's size); a tool's schema
// is never compiled, since Ajv's compile time grows with its properties and patterns (seconds for 10,000).
// `strict: false` because tool schemas in the wild carry annotations (`x-...`) that strict mode refuses; formats
// are not asserted because clients differ on them.
let validator: Ajv2020 | undefined;
function schemaValidator(): Ajv2020 {
  validator ??= new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
  return validator;
}

/** The tool-name rule of LLM APIs (Anthropic, OpenAI): letters, digits, underscores and hyphens. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * The catalog name of a tool: its name in lowercase with underscores as hyphens (`get_weather` is
 * `get-weather`); undefined when that breaks the item-name rule (e.g. a double underscore).
 */
export function toolItemName(name: string): string | undefined {
  const candidate = name.toLowerCase().replaceAll('_', '-');
  return nameProblem(candidate, 64) === undefined ? candidate : undefined;
}

/**
 * Parses and validates a tool.json.
 * - `name` follows the LLM tool-name rule and, as `toolItemName`, equals `folderName`; `description` is 1-1024 characters (up to 4096 is
 *   accepted with a warning);
 * - the file is at most `TOOL_JSON_MAX_BYTES`; `input_schema` is bounded in size, depth and keys
 *   (`UNTRUSTED_SCHEMA_LIMITS`) before anything else reads it, is an object schema (`type: "object"`) valid against
 *   the JSON Schema 2020-12 meta-schema, its patterns are short valid regular expressions and every `$ref` resolves
 *   inside it; it is never compiled, so parsing stays cheap on any path;
 * - `version`, when given, is exact; `implementation` is http (http(s) URL and method), command (a command and
 *   string args) or mcp (an `mcp/namespace/name` reference and a tool name);
 * - unknown fields are kept with a warning; a NUL or lone surrogate in any string or key is refused.
 */
export function parseToolJson(bytes: Uint8Array, folderName?: string): ParsedTool {
  if (bytes.length > TOOL_JSON_MAX_BYTES) {
    throw new ValidationError({
      path: FILE,
      message: `is ${bytes.length} bytes; a tool definition may have at most ${TOOL_JSON_MAX_BYTES}`,
    });
  }
  const text = decodeManifestText(bytes, FILE);
  // The whole file may hold what its input_schema may, plus room for the rest (a document is one level deeper).
  const { maxKeys, maxDepth } = UNTRUSTED_SCHEMA_LIMITS;
  const shape = scanJsonShape(text, maxKeys + 1024, maxDepth + 1);
  if (shape) {
    throw new ValidationError({
      path: `${FILE}#${shape.pointer}`,
      message:
        shape.crossed === 'depth'
          ? `nests deeper than ${maxDepth} levels below the top of the file; flatten the schema`
          : `brings the file over ${maxKeys + 1024} keys (an input_schema may have ${maxKeys}); split the tool`,
    });
  }
  const report = new ManifestReport(FILE);
  const doc = parseJsonObject(text, report);
  report.throwIfFailed();
  // Only an escape can put a NUL or a lone surrogate into text decoded as strict UTF-8 and parsed as JSON, so a
  // document without one skips the walk (which costs tens of milliseconds on a 10,000-key schema).
  if (MAYBE_UNSTORABLE.test(text)) checkStorable(doc, '', report);
  const tool = doc!;

  const name = report.string(tool, 'name', '', { required: true });
  if (name !== undefined) {
    if (!TOOL_NAME.test(name)) {
      report.error('/name', 'must be 1-64 letters, digits, "_" or "-", as LLM APIs require of tool names');
    } else if (toolItemName(name) === undefined) {
      report.error(
        '/name',
        'must give a catalog name in lowercase with "_" as "-" (no "__", no leading or trailing "_")',
      );
    } else if (folderName !== undefined && toolItemName(name) !== folderName) {
      report.error('/name', `must match the folder name "${folderName}" (the name in lowercase, "_" as "-")`);
    }
  }
  const description = report.string(tool, 'description', '', {
    required: true,
    notBlank: true,
    max: TOOL_DESCRIPTION_HARD_LIMIT,
  });
  if (description !== undefined && charLength(description) > TOOL_DESCRIPTION_SOFT_LIMIT) {
    report.warn(
      '/description',
      `is ${charLength(description)} characters; keep it under ${TOOL_DESCRIPTION_SOFT_LIMIT}, as some LLM APIs refuse longer ones`,
    );
  }
  const version = report.string(tool, 'version', '');
  if (version !== undefined) {
    const problem = exactVersionProblem(version);
    if (problem) report.error('/version', problem);
  }
  if (tool.input_schema === undefined && (tool.inputSchema !== undefined || tool.parameters !== undefined)) {
    const found = tool.inputSchema !== undefined ? 'inputSchema' : 'parameters';
    report.error('/input_schema', `is required (found "${found}"; rename it to "input_schema")`);
  } else {
    const schema = report.object(tool, 'input_schema', '', true);
    if (schema) checkInputSchema(schema, report);
  }
  const implementation = report.object(tool, 'implementation', '');
  if (implementation) checkImplementation(implementation, report);
  report.unknownKeys(tool, '', TOP_LEVEL_FIELDS, 'tool.json');
  report.throwIfFailed();
  return {
    kind: 'tool',
    name: name!,
    description: description!.trim(),
    ...(version !== undefined ? { version } : {}),
    manifest: tool as unknown as ToolJson,
    warnings: report.warnings,
  };
}

function checkInputSchema(schema: Record<string, unknown>, report: ManifestReport): void {
  const at = '/input_schema';
  if (!checkSchemaBounds(schema, at, report)) return;
  if (schema.type !== 'object') report.error(`${at}/type`, 'must be "object": a tool takes an object of named inputs');
  let candidate = schema;
  if (schema.$schema !== undefined && schema.$schema !== SCHEMA_2020) {
    report.warn(`${at}/$schema`, `is not ${SCHEMA_2020}; the schema is checked as draft 2020-12`);
    const { $schema: _ignored, ...rest } = schema;
    candidate = rest;
  }
  const ajv = schemaValidator();
  const valid = ajv.validateSchema(candidate) as boolean;
  if (!valid) {
    for (const [path, message] of summarizeSchemaErrors(ajv.errors ?? [])) report.error(`${at}${path}`, message);
    return;
  }
  checkSchemaReferencesAndPatterns(candidate, at, report);
}

/** One message per schema location, since meta-schema alternatives (anyOf) report the same mistake several times. */
function summarizeSchemaErrors(errors: ErrorObject[]): Map<string, string> {
  const byPath = new Map<string, ErrorObject[]>();
  for (const error of errors) byPath.set(error.instancePath, [...(byPath.get(error.instancePath) ?? []), error]);
  const out = new Map<string, string>();
  for (const [path, group] of byPath) {
    const choice = group.find((error) => error.keyword === 'enum');
    if (choice) {
      const allowed = (choice.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ');
      out.set(
        path,
        `must be one of ${allowed}${group.some((e) => e.keyword === 'anyOf') ? ' (or a list of them)' : ''}`,
      );
      continue;
    }
    const first = group.find((error) => error.keyword !== 'anyOf' && error.keyword !== 'oneOf') ?? group[0]!;
    out.set(path, `${first.message ?? 'is invalid'} (JSON Schema 2020-12)`);
  }
  return out;
}

function checkImplementation(implementation: Record<string, unknown>, report: ManifestReport): void {
  const at = '/implementation';
  const type = report.string(implementation, 'type', at, { required: true });
  if (type === 'http') {
    const url = report.string(implementation, 'url', at, { required: true });
    if (url !== undefined) {
      const problem = webUrlProblem(url);
      if (problem) report.error(`${at}/url`, problem);
    }
    const method = report.string(implementation, 'method', at, { required: true });
    if (method !== undefined && !(HTTP_METHODS as readonly string[]).includes(method)) {
      report.error(`${at}/method`, `must be one of ${HTTP_METHODS.join(', ')}`);
    }
    report.unknownKeys(implementation, at, ['type', 'url', 'method'], 'http implementation');
  } else if (type === 'command') {
    report.string(implementation, 'command', at, { required: true, notBlank: true });
    report.stringList(implementation, 'args', at);
    report.unknownKeys(implementation, at, ['type', 'command', 'args'], 'command implementation');
  } else if (type === 'mcp') {
    const server = report.string(implementation, 'server', at, { required: true });
    if (server !== undefined) checkServerRef(server, `${at}/server`, report);
    report.string(implementation, 'tool', at, { required: true, notBlank: true });
    report.unknownKeys(implementation, at, ['type', 'server', 'tool'], 'mcp implementation');
  } else if (type !== undefined) {
    report.error(`${at}/type`, 'must be "http", "command" or "mcp"');
  }
}

function checkServerRef(server: string, at: string, report: ManifestReport): void {
  try {
    const ref = parseItemRef(server, at);
    if (ref.kind !== 'mcp') report.error(at, 'must reference an MCP server item: mcp/<namespace>/<name>');
    else if (formatItemRef(ref) !== server) report.error(at, `must be written as "${formatItemRef(ref)}"`);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    report.error(at, 'must be an MCP server item reference such as "mcp/platform/github"');
  }
}
