import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  type Resource,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { listSkillFiles, type SkillFiles } from '../../application/catalog/list-skill-files.ts';
import { listSkills } from '../../application/catalog/list-skills.ts';
import { readSkillFile } from '../../application/catalog/read-skill-file.ts';
import { searchItems } from '../../application/catalog/search-items.ts';
import { decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { invalidParams, type McpCall, protocolError } from './mcp-call.ts';
import { mimeTypeOf, textOf } from './mime-types.ts';
import { parseSkillUri, skillFileUri, skillMdUri } from './skill-uri.ts';
import { verbatimFrontmatter } from './verbatim-frontmatter.ts';

/** The extension's identifier, the key of its settings under `capabilities.extensions`. */
export const SKILLS_EXTENSION_ID = 'io.modelcontextprotocol/skills';

/** The per-skill limits every conforming host accepts; a larger skill is not served through the extension. */
export const SKILL_LIMITS = { maxResources: 512, maxTotalBytes: 16 * 1024 * 1024 } as const;

/**
 * How long a listing or entry may be taken as current. Short: a publish should reach agents within a minute.
 * Every answer depends on who asks (team-only skills), so none may be shared across callers: `private`.
 */
const CACHE = { ttlMs: 60_000, cacheScope: 'private' } as const;
const SKILLS_PAGE = 20;
const RESOURCES_PAGE = 50;
const DIRECTORY_PAGE = 100;
const DIRECTORY_MIME = 'inode/directory';

/** One file of a skill entry, as the extension defines it. */
export interface SkillResource {
  uri: string;
  digest: string;
  size: number;
}

/** A skill entry: the URI of its SKILL.md, the frontmatter verbatim, and every file with digest and size. */
export interface SkillEntry {
  uri: string;
  frontmatter: Readonly<Record<string, unknown>>;
  resources: SkillResource[];
}

export type SkillServing = { servable: true; entry: SkillEntry } | { servable: false; reason: string };

/** Whether the extension serves a skill, and its entry when it does. */
export function skillServing(skill: SkillFiles): SkillServing {
  const { item, files, totalBytes } = skill;
  if (files.length > SKILL_LIMITS.maxResources) {
    return {
      servable: false,
      reason: `it has ${files.length} files; the MCP Skills extension serves at most ${SKILL_LIMITS.maxResources} per skill`,
    };
  }
  if (totalBytes > SKILL_LIMITS.maxTotalBytes) {
    return {
      servable: false,
      reason: `its files add up to ${totalBytes} bytes; the MCP Skills extension serves at most 16 MiB (${SKILL_LIMITS.maxTotalBytes} bytes) per skill`,
    };
  }
  const skillMd = files.find((file) => file.path === 'SKILL.md');
  const frontmatter = skillMd && verbatimFrontmatter(skill.skillMd, skillMd.sha256);
  if (!frontmatter || frontmatter.name !== item.name) {
    return {
      servable: false,
      reason: `its SKILL.md frontmatter is not a YAML mapping with a name equal to "${item.name}" and a description`,
    };
  }
  return {
    servable: true,
    entry: {
      uri: skillMdUri(item),
      frontmatter,
      resources: files.map((file) => ({
        uri: skillFileUri(item, file.path),
        digest: `sha256:${file.sha256}`,
        size: file.size,
      })),
    },
  };
}

/** A request schema that only names the method: params are checked by hand, so a bad one is -32602, not -32603. */
const methodOnly = <M extends string>(method: M) => z.looseObject({ method: z.literal(method) });

/** The request's params as an object; anything else is -32602. */
function paramsOf(request: Record<string, unknown>): Record<string, unknown> {
  const { params } = request;
  if (params === undefined) return {};
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    throw invalidParams('params must be an object');
  return params as Record<string, unknown>;
}

function stringParam(params: Record<string, unknown>, key: string, required: true): string;
function stringParam(params: Record<string, unknown>, key: string, required: false): string | undefined;
function stringParam(params: Record<string, unknown>, key: string, required: boolean): string | undefined {
  const value = params[key];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 4096) {
    throw invalidParams(`params.${key} must be a string of 1 to 4096 characters`);
  }
  return value;
}

/**
 * The Skills extension (SEP-2640) on one request's server: `skills/list`, `skills/get`,
 * `resources/directory/read`, and every file of every skill the caller may read as a `skill://` resource for
 * `resources/read` and `resources/list`. Every method reads through the catalog's use cases with the caller's
 * actor, so a skill the caller may not read is answered exactly like one that does not exist.
 */
export function registerSkillsExtension(server: Server, call: McpCall): void {
  const { deps, actor } = call;
  const guarded =
    <T>(work: (request: Record<string, unknown>) => Promise<T>) =>
    async (request: Record<string, unknown>) => {
      try {
        return await work(request);
      } catch (error) {
        throw protocolError(call, error);
      }
    };

  server.setRequestHandler(
    methodOnly('skills/list'),
    guarded(async (request) => {
      const cursor = stringParam(paramsOf(request), 'cursor', false);
      const page = await listSkills(deps, { limit: SKILLS_PAGE, cursor }, actor);
      const skills = page.items.flatMap((skill) => {
        const serving = skillServing(skill);
        return serving.servable ? [serving.entry] : [];
      });
      return {
        resultType: 'complete',
        skills,
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
        ...CACHE,
      };
    }),
  );

  server.setRequestHandler(
    methodOnly('skills/get'),
    guarded(async (request) => {
      const uri = stringParam(paramsOf(request), 'uri', true);
      const location = parseSkillUri(uri);
      const notServed = () => invalidParams(`No skill is served at ${uri}`);
      if (location?.path !== 'SKILL.md') throw notServed();
      const skill = await listSkillFiles(deps, { ref: location.ref }, actor).catch((error: unknown) => {
        throw error instanceof NotFoundError ? notServed() : error;
      });
      const serving = skillServing(skill);
      if (!serving.servable) throw invalidParams(`The skill at ${uri} is not served over MCP: ${serving.reason}`);
      return { resultType: 'complete', skill: serving.entry, ...CACHE };
    }),
  );

  server.setRequestHandler(
    methodOnly('resources/directory/read'),
    guarded(async (request) => {
      const params = paramsOf(request);
      const uri = stringParam(params, 'uri', true).replace(/(?<=.)\/$/, '');
      const cursor = stringParam(params, 'cursor', false);
      const notADirectory = () => invalidParams(`${uri} is not a directory resource this server serves`);
      const location = parseSkillUri(uri);
      if (!location) throw notADirectory();
      const skill = await listSkillFiles(deps, { ref: location.ref }, actor).catch((error: unknown) => {
        throw error instanceof NotFoundError ? notADirectory() : error;
      });
      const children = directoryChildren(skill, location.path);
      if (!children) throw notADirectory();
      const start = cursor === undefined ? 0 : decodeCursor(`dir:${uri}`, cursor, 1)[0];
      if (typeof start !== 'number' || !Number.isSafeInteger(start) || start < 0) {
        throw invalidParams('params.cursor is not a cursor this list issued');
      }
      const page = children.slice(start, start + DIRECTORY_PAGE);
      const next = start + DIRECTORY_PAGE;
      return {
        resultType: 'complete',
        resources: page,
        ...(next < children.length ? { nextCursor: encodeCursor(`dir:${uri}`, [next]) } : {}),
      };
    }),
  );

  server.setRequestHandler(
    methodOnly('resources/read'),
    guarded(async (request) => {
      const uri = stringParam(paramsOf(request), 'uri', true);
      const notServed = () =>
        invalidParams(`No resource is served at ${uri} (list a directory with resources/directory/read)`);
      const location = parseSkillUri(uri);
      if (!location || location.path === '') throw notServed();
      const { file, bytes } = await readSkillFile(deps, location, actor).catch((error: unknown) => {
        throw error instanceof NotFoundError ? notServed() : error;
      });
      const mimeType = mimeTypeOf(file.path);
      const text = textOf(bytes);
      const content =
        text === undefined ? { uri, mimeType, blob: Buffer.from(bytes).toString('base64') } : { uri, mimeType, text };
      return { resultType: 'complete', contents: [content], ...CACHE };
    }),
  );

  server.setRequestHandler(
    ListResourcesRequestSchema,
    guarded(async (request) => {
      const cursor = stringParam(paramsOf(request), 'cursor', false);
      const page = await searchItems(deps, { kind: 'skill', sort: 'name', limit: RESOURCES_PAGE, cursor }, actor);
      const resources: Resource[] = page.items.map((item) => ({
        uri: skillMdUri(item),
        name: item.name,
        ...(item.title ? { title: item.title } : {}),
        description: item.description,
        mimeType: 'text/markdown',
      }));
      return { resources, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    }),
  );

  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: [
      {
        uriTemplate: 'skill://{namespace}/{name}/{+path}',
        name: 'skill-file',
        title: 'A file of a skill',
        description:
          "Any file of a skill in the catalog, e.g. skill://platform/pdf-tools/SKILL.md; a skill's file list, with sha256 digests and sizes, is its skills/get entry.",
      },
    ],
  }));
}

/**
 * The direct children of a directory of a skill, files and subdirectories sorted by name; undefined when the
 * path is not a directory of the skill (a file, or nothing). `''` is the skill's root.
 */
export function directoryChildren(skill: SkillFiles, path: string): Resource[] | undefined {
  const prefix = path === '' ? '' : `${path}/`;
  const children = new Map<string, Resource>();
  for (const file of skill.files) {
    if (!file.path.startsWith(prefix)) continue;
    const [name, ...deeper] = file.path.slice(prefix.length).split('/');
    if (!name || children.has(name)) continue;
    children.set(
      name,
      deeper.length > 0
        ? { uri: skillFileUri(skill.item, `${prefix}${name}`), name, mimeType: DIRECTORY_MIME }
        : { uri: skillFileUri(skill.item, file.path), name, mimeType: mimeTypeOf(file.path), size: file.size },
    );
  }
  if (children.size === 0) return undefined;
  return [...children.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
