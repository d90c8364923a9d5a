import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema } from 'typebox';
import { findTeamSlugs } from '../../application/catalog/find-team-slugs.ts';
import { getInstallInstructions, installLocation } from '../../application/catalog/get-install-instructions.ts';
import { getItem } from '../../application/catalog/get-item.ts';
import { listItemVersions } from '../../application/catalog/list-item-versions.ts';
import { listSkillFiles } from '../../application/catalog/list-skill-files.ts';
import { readSkillFile } from '../../application/catalog/read-skill-file.ts';
import { searchItems } from '../../application/catalog/search-items.ts';
import { ITEM_KINDS } from '../../domain/catalog/item-kind.ts';
import { formatItemRef, parseItemRef } from '../../domain/catalog/item-ref.ts';
import { toTag } from '../../domain/catalog/tag.ts';
import { AtlasError, UnauthenticatedError } from '../../domain/errors.ts';
import { storableTextProblem } from '../../domain/manifests/json-safe.ts';
import { presentInstall, presentItem, presentVersion } from '../http/presenters-items.ts';
import { describeError, type McpCall } from './mcp-call.ts';
import { mimeTypeOf, textOf } from './mime-types.ts';
import { skillFileUri, skillMdUri } from './skill-uri.ts';
import { skillServing } from './skills-extension.ts';
import {
  DEFAULT_READ_BYTES,
  DESCRIPTION_CUT,
  GetInstallConfigInput,
  GetInstallConfigOutput,
  GetItemInput,
  GetItemOutput,
  ITEM_PARTS,
  ReadSkillFileInput,
  ReadSkillFileOutput,
  SearchCatalogInput,
  SearchCatalogOutput,
  type SearchResult,
} from './tool-schemas.ts';

type Content = CallToolResult['content'];

/** One tool: its wire definition, and what it does for one call with arguments its input schema accepted. */
interface ToolDefinition<I> {
  readonly tool: Tool;
  readonly inputSchema: TSchema;
  run(call: McpCall, input: I): Promise<{ structured: object; content: Content }>;
}

const ajv = new Ajv({ allErrors: true, useDefaults: true, coerceTypes: false, strict: false });
addFormats.default(ajv);

/** How many versions get_item shows; the HTTP API pages through the rest. */
const VERSIONS_SHOWN = 10;

/** Cuts to at most `max` characters (code points), ending with an ellipsis when it cut. */
function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

const json = (value: unknown) => `\`\`\`json\n${JSON.stringify(value, null, 2)}\n\`\`\``;

function define<I>(
  name: string,
  title: string,
  description: string,
  inputSchema: TSchema,
  outputSchema: TSchema,
  annotations: Tool['annotations'],
  run: ToolDefinition<I>['run'],
): ToolDefinition<I> {
  return {
    tool: {
      name,
      title,
      description,
      inputSchema: inputSchema as unknown as Tool['inputSchema'],
      outputSchema: outputSchema as unknown as Tool['outputSchema'],
      annotations: { title, openWorldHint: false, ...annotations },
    },
    inputSchema,
    run,
  };
}

const searchCatalog = define<SearchCatalogInput>(
  'search_catalog',
  'Search the catalog',
  'Search the organisation\'s catalog of agent skills, MCP servers and tools with a few words ("extract tables from a PDF"), ranked as the catalog\'s own search ranks them. Results are short: call get_item on the one you mean to use. Only what your user may see is returned.',
  SearchCatalogInput,
  SearchCatalogOutput,
  { readOnlyHint: true, idempotentHint: true },
  async ({ deps, actor }, input) => {
    const kinds = [...new Set(input.kinds ?? [])];
    // The search takes one kind and one tag; more of either are applied to the page it returns.
    const kind = kinds.length === 1 ? kinds[0] : undefined;
    const someKinds = kinds.length > 1 && kinds.length < ITEM_KINDS.length ? new Set(kinds) : undefined;
    const tags = (input.tags ?? []).map((tag, index) => toTag(tag, `tags/${index}`));
    const page = await searchItems(
      deps,
      {
        q: input.query,
        kind,
        team: input.team,
        tag: tags[0],
        limit: input.limit ?? 10,
        cursor: input.cursor,
      },
      actor,
    );
    const items = page.items.filter(
      (item) => (!someKinds || someKinds.has(item.kind)) && tags.every((tag) => item.tags.includes(tag)),
    );
    const teams = await findTeamSlugs(
      deps,
      items.map((item) => item.teamId),
    );
    const results = items.map(
      (item): SearchResult => ({
        ref: `${item.kind}/${item.namespace}/${item.name}`,
        kind: item.kind,
        title: item.title,
        description: cut(item.description, DESCRIPTION_CUT),
        version: item.version,
        team: item.teamId ? (teams.get(item.teamId) ?? null) : null,
        installs: item.usageCount,
        status: item.status,
        ...(item.kind === 'skill' ? { uri: skillMdUri(item) } : {}),
      }),
    );
    const structured: SearchCatalogOutput = { results, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    const lines = results.map((r, index) => {
      const facts = [
        r.version ? `v${r.version}` : undefined,
        r.team ? `team ${r.team}` : undefined,
        `${r.installs} install${r.installs === 1 ? '' : 's'}`,
        r.status === 'deprecated' ? 'deprecated' : undefined,
      ].filter(Boolean);
      return [
        `${index + 1}. ${r.ref}${r.title ? ` — ${r.title}` : ''} (${facts.join(', ')})`,
        `   ${r.description}`,
        ...(r.uri ? [`   SKILL.md: ${r.uri}`] : []),
      ].join('\n');
    });
    const head =
      results.length === 0
        ? `Nothing in the catalog matches "${input.query}"${page.nextCursor ? ' on this page' : ''}.`
        : `${results.length} result${results.length === 1 ? '' : 's'} for "${input.query}":`;
    const more = page.nextCursor ? [`More results: call search_catalog again with cursor "${page.nextCursor}".`] : [];
    return { structured, content: [{ type: 'text', text: [head, ...lines, ...more].join('\n') }] };
  },
);

const getItemTool = define<GetItemInput>(
  'get_item',
  'Get an item',
  "An item's metadata, its latest versions and its manifest (a skill's SKILL.md frontmatter, an MCP server's server.json, a tool's tool.json); for a skill, every file with its skill:// URI, size and sha256 digest. Read the files you need afterwards, SKILL.md first.",
  GetItemInput,
  GetItemOutput,
  { readOnlyHint: true, idempotentHint: true },
  async ({ deps, actor }, input) => {
    const ref = parseItemRef(input.ref);
    const include = new Set(input.include ?? ITEM_PARTS);
    const details = await getItem(deps, ref, actor);
    const structured: GetItemOutput = {
      item: presentItem(details.item),
      owner: details.owner,
      team: details.team,
    };
    if (include.has('manifest')) structured.manifest = { ...details.item.manifest };
    if (include.has('versions')) {
      const versions = await listItemVersions(deps, { ref, limit: VERSIONS_SHOWN }, actor);
      structured.versions = versions.items.map(presentVersion);
      structured.moreVersions = versions.nextCursor !== undefined;
    }
    if (ref.kind === 'skill') {
      const skill = await listSkillFiles(deps, { ref }, actor);
      const serving = skillServing(skill);
      structured.skill = {
        uri: skillMdUri(ref),
        servable: serving.servable,
        ...(serving.servable ? {} : { reason: `not served by skills/list and skills/get: ${serving.reason}` }),
        fileCount: skill.files.length,
        totalBytes: skill.totalBytes,
      };
      if (include.has('files')) {
        structured.files = skill.files.map((file) => ({
          path: file.path,
          executable: file.executable,
          uri: skillFileUri(ref, file.path),
          size: file.size,
          digest: `sha256:${file.sha256}`,
        }));
      }
    } else if (include.has('files')) {
      structured.files = details.files.map((file) => ({ path: file.path, executable: file.executable }));
    }
    const { item } = structured;
    const lines = [
      `${item.ref}${item.title ? ` — ${item.title}` : ''}${item.version ? ` (v${item.version})` : ''}`,
      item.description,
      `Owner ${details.owner ?? 'unknown'}${details.team ? `, team ${details.team}` : ''}; visible to ${item.visibility === 'org' ? 'the organisation' : 'its team'}; ${item.usageCount} installs; status ${item.status}${item.statusMessage ? ` (${item.statusMessage})` : ''}; commit ${item.commitSha}.`,
    ];
    if (structured.skill) {
      lines.push(
        structured.skill.servable
          ? `Skill: ${structured.skill.uri} (${structured.skill.fileCount} files, ${structured.skill.totalBytes} bytes).`
          : `Skill: ${structured.skill.uri}, ${structured.skill.reason}; read its files one by one with read_skill_file.`,
      );
    }
    if (structured.files) {
      lines.push('Files:');
      for (const file of structured.files) {
        lines.push(`- ${file.path}${file.size !== undefined ? ` (${file.size} bytes, ${file.digest})` : ''}`);
      }
    }
    if (structured.versions) {
      lines.push(`Versions (newest first${structured.moreVersions ? `, latest ${VERSIONS_SHOWN}` : ''}):`);
      for (const v of structured.versions) {
        lines.push(
          `- ${v.commitSha.slice(0, 12)} ${v.date.slice(0, 10)}${v.version ? ` v${v.version}` : ''}: ${cut(v.message.split('\n')[0] ?? '', 120)}`,
        );
      }
    }
    if (structured.manifest) lines.push(`Manifest:\n${json(structured.manifest)}`);
    return { structured, content: [{ type: 'text', text: lines.join('\n') }] };
  },
);

const readSkillFileTool = define<ReadSkillFileInput>(
  'read_skill_file',
  'Read a file of a skill',
  "Reads one file of a skill, for clients that cannot read resources: SKILL.md by default, or any path of the skill's manifest (get_item lists them). Long files come in pieces: pass nextOffset as offset for the next. A binary file comes back as a link to its resource.",
  ReadSkillFileInput,
  ReadSkillFileOutput,
  { readOnlyHint: true, idempotentHint: true },
  async ({ deps, actor }, input) => {
    const ref = parseItemRef(input.ref);
    const path = input.path ?? 'SKILL.md';
    const { file, bytes } = await readSkillFile(deps, { ref, path }, actor);
    const uri = skillFileUri(ref, file.path);
    const mimeType = mimeTypeOf(file.path);
    const digest = `sha256:${file.sha256}`;
    const base = { ref: formatItemRef(ref), path: file.path, uri, mimeType, size: file.size, digest };
    if (textOf(bytes) === undefined) {
      const structured: ReadSkillFileOutput = { ...base, binary: true, offset: 0, length: 0 };
      return {
        structured,
        content: [
          {
            type: 'resource_link',
            uri,
            name: file.path.split('/').at(-1) ?? file.path,
            title: `${file.path} of ${base.ref}`,
            mimeType,
            size: file.size,
          },
          {
            type: 'text',
            text: `${file.path} is a binary file (${file.size} bytes, ${digest}); read its bytes with resources/read on ${uri}.`,
          },
        ],
      };
    }
    const { start, end } = utf8Window(bytes, input.offset ?? 0, input.maxBytes ?? DEFAULT_READ_BYTES);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(start, end));
    const more = end < bytes.length;
    const structured: ReadSkillFileOutput = {
      ...base,
      binary: false,
      offset: start,
      length: end - start,
      ...(more ? { nextOffset: end } : {}),
      text,
    };
    const content: Content = [{ type: 'text', text }];
    if (more || start > 0) {
      content.push({
        type: 'text',
        text: `[bytes ${start}-${end} of ${file.size} of ${file.path}${more ? `; call read_skill_file with offset ${end} for the rest` : ''}]`,
      });
    }
    return { structured, content };
  },
);

/** A window of UTF-8 bytes that starts and ends on character boundaries (at least one character when any is left). */
export function utf8Window(bytes: Uint8Array, offset: number, maxBytes: number): { start: number; end: number } {
  const size = bytes.length;
  const continues = (at: number) => at < size && ((bytes[at] as number) & 0xc0) === 0x80;
  let start = Math.min(offset, size);
  while (start > 0 && continues(start)) start--;
  let end = Math.min(start + maxBytes, size);
  while (end > start && continues(end)) end--;
  if (end === start && start < size) {
    end = start + 1;
    while (continues(end)) end++;
  }
  return { start, end };
}

const getInstallConfig = define<GetInstallConfigInput>(
  'get_install_config',
  'Get install instructions',
  "What a client needs to use an item, rendered exactly as the catalog's API and CLI render it: an MCP server's config entry for the client (secret values are placeholders the user fills in, never values), a skill's target folder and archive, or a tool's definition. Read-only: it records no install (the user's own `atlas install` does).",
  GetInstallConfigInput,
  GetInstallConfigOutput,
  { readOnlyHint: true, destructiveHint: false, idempotentHint: true },
  async ({ deps, actor, baseUrl }, input) => {
    const ref = parseItemRef(input.ref);
    const result = await getInstallInstructions(deps, { ref, client: input.client }, actor);
    const archivePath = `/api/v1/items/${formatItemRef(ref)}/archive`;
    const install = presentInstall(result.install, archivePath);
    const scope = input.scope ?? 'user';
    const location = installLocation(result.install, scope);
    const structured: GetInstallConfigOutput = {
      ref: formatItemRef(ref),
      client: input.client,
      scope,
      location,
      usageCount: result.item.usageCount,
      install,
      ...(install.kind === 'skill' ? { archiveUrl: `${baseUrl}${archivePath}` } : {}),
    };
    const lines: string[] = [];
    if (install.kind === 'mcp') {
      const { config } = install;
      const where =
        location ??
        (Object.entries(config.configPath)
          .map(([other, path]) => `${path} (${other} scope: no ${scope}-scope file is known for ${input.client})`)
          .join(' or ') ||
          `the ${input.client} config`);
      lines.push(
        `Add this entry under "${config.containerKey}" as "${config.serverKey}" in ${where}:`,
        json(config.entry),
      );
      if (config.inputs?.length) lines.push('And these to the top-level "inputs" list:', json(config.inputs));
      if (config.command) lines.push(`Or run: ${config.command}`);
      if (config.secrets.length > 0) {
        lines.push(`The user provides ${config.secrets.join(', ')} themselves; never ask for or write their values.`);
      }
      lines.push(...config.notes);
    } else if (install.kind === 'skill') {
      lines.push(
        `Download ${structured.archiveUrl}: a zip of the skill's folder (the request needs the user's Atlas token).`,
        ...install.notes,
      );
    } else {
      lines.push('The tool definition:', json(install.definition));
    }
    return { structured, content: [{ type: 'text', text: lines.join('\n') }] };
  },
);

const TOOLS: readonly ToolDefinition<never>[] = [
  searchCatalog,
  getItemTool,
  readSkillFileTool,
  getInstallConfig,
] as unknown as ToolDefinition<never>[];
const VALIDATORS = new Map<string, ValidateFunction>(TOOLS.map((t) => [t.tool.name, ajv.compile(t.inputSchema)]));

function describeAjv(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => {
      const at = e.instancePath.replace(/^\//, '') || 'arguments';
      if (e.keyword === 'additionalProperties')
        return `${at}: ${String(e.params.additionalProperty)} is not a known argument`;
      if (e.keyword === 'required') return `${at}: ${String(e.params.missingProperty)} is required`;
      return `${at}: ${e.message ?? 'is invalid'}`;
    })
    .join('; ');
}

/** A string argument PostgreSQL could not store, as a problem to show; undefined when every string is fine. */
function unstorable(value: unknown, at: string): string | undefined {
  if (typeof value === 'string') {
    const problem = storableTextProblem(value);
    return problem ? `${at}: ${problem}` : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const found = unstorable(inner, at === 'arguments' ? key : `${at}/${key}`);
    if (found) return found;
  }
  return undefined;
}

const toolError = (text: string): CallToolResult => ({ isError: true, content: [{ type: 'text', text }] });

/**
 * The catalog's tools on one request's server. An unknown tool is a protocol error (-32602); arguments the
 * input schema refuses, and everything the use cases refuse, are tool errors the model can read and correct.
 */
export function registerTools(server: Server, call: McpCall): void {
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: TOOLS.map((t) => t.tool) }));
  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const { name } = request.params;
    const definition = TOOLS.find((t) => t.tool.name === name);
    const validate = VALIDATORS.get(name);
    if (!definition || !validate) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    // A copy: the validator fills in defaults in place.
    const input = structuredClone(request.params.arguments ?? {});
    if (!validate(input)) return toolError(`Invalid arguments for ${name}: ${describeAjv(validate.errors)}`);
    const problem = unstorable(input, 'arguments');
    if (problem) return toolError(`Invalid arguments for ${name}: ${problem}`);
    try {
      const { structured, content } = await definition.run(call, input as never);
      return { content, structuredContent: structured as Record<string, unknown> };
    } catch (error) {
      if (error instanceof UnauthenticatedError) call.unauthenticated ??= error;
      if (error instanceof AtlasError && error.code !== 'unavailable') return toolError(describeError(error));
      if (error instanceof AtlasError) return toolError(`${error.message}; try again`);
      call.log.error({ err: error, tool: name }, 'unhandled error in an MCP tool');
      return toolError('Something went wrong on our side; the error has been logged.');
    }
  });
}
