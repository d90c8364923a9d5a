import { type Static, Type } from 'typebox';
import { INSTALL_PATH_SCOPES } from '../../domain/catalog/install-clients.ts';
import { ITEM_KINDS } from '../../domain/catalog/item-kind.ts';
import { literalUnion } from '../http/schemas/common.ts';
import {
  InstallClientSchema,
  InstallInstructionsSchema,
  ItemKindSchema,
  ItemSchema,
  ItemStatusSchema,
  ItemVersionSchema,
  ManifestSchema,
} from '../http/schemas/items.ts';

/**
 * The inputs and outputs of the MCP tools, as JSON Schemas built from the HTTP wire contract's parts. A tool
 * schema carries no `$id` and no `$ref`: a client compiles every tool's schemas into one validator, where a
 * shared `$id` would collide and a `$ref` to the OpenAPI components would not resolve.
 */

/** `kind/namespace/name`, parsed by the domain (which lowers the namespace and names every problem). */
const Ref = Type.String({
  minLength: 5,
  maxLength: 140,
  pattern: '^[^/\\s]+/[^/\\s]+/[^/\\s]+$',
  description: 'An item reference, kind/namespace/name, e.g. skill/platform/pdf-tools.',
});

export const MAX_SEARCH_LIMIT = 50;
export const MAX_READ_BYTES = 256 * 1024;
export const DEFAULT_READ_BYTES = 64 * 1024;
export const DESCRIPTION_CUT = 300;

export const SearchCatalogInput = Type.Object(
  {
    query: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'What you need, in a few words: "extract tables from a PDF". A misspelt name still matches.',
    }),
    kinds: Type.Optional(
      Type.Array(ItemKindSchema, {
        minItems: 1,
        maxItems: ITEM_KINDS.length,
        uniqueItems: true,
        description: 'Only these kinds: skill (SKILL.md folders), mcp (MCP servers), tool (tool definitions).',
      }),
    ),
    team: Type.Optional(Type.String({ minLength: 1, maxLength: 39, description: 'Only items of this team (slug).' })),
    tags: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 32 }), {
        minItems: 1,
        maxItems: 5,
        uniqueItems: true,
        description: 'Only items that carry every one of these tags.',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SEARCH_LIMIT, default: 10 })),
    cursor: Type.Optional(
      Type.String({ maxLength: 1000, description: 'The nextCursor of the previous page, for more results.' }),
    ),
  },
  { additionalProperties: false },
);
export type SearchCatalogInput = Static<typeof SearchCatalogInput>;

export const SearchResult = Type.Object({
  ref: Type.String(),
  kind: ItemKindSchema,
  title: Type.Union([Type.String(), Type.Null()]),
  description: Type.String({ maxLength: DESCRIPTION_CUT, description: 'Cut to 300 characters.' }),
  version: Type.Union([Type.String(), Type.Null()]),
  team: Type.Union([Type.String(), Type.Null()], { description: 'The owning team, when a team owns it.' }),
  installs: Type.Integer({ minimum: 0 }),
  status: ItemStatusSchema,
  uri: Type.Optional(Type.String({ description: 'Skills: the SKILL.md resource, readable with resources/read.' })),
});
export type SearchResult = Static<typeof SearchResult>;

export const SearchCatalogOutput = Type.Object({
  results: Type.Array(SearchResult),
  nextCursor: Type.Optional(Type.String()),
});
export type SearchCatalogOutput = Static<typeof SearchCatalogOutput>;

export const ITEM_PARTS = ['versions', 'files', 'manifest'] as const;
export type ItemPart = (typeof ITEM_PARTS)[number];

export const GetItemInput = Type.Object(
  {
    ref: Ref,
    include: Type.Optional(
      Type.Array(literalUnion(ITEM_PARTS), {
        uniqueItems: true,
        maxItems: ITEM_PARTS.length,
        description: 'What to add to the metadata; all three when absent.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type GetItemInput = Static<typeof GetItemInput>;

export const ItemFileEntry = Type.Object({
  path: Type.String(),
  executable: Type.Boolean(),
  uri: Type.Optional(Type.String({ description: 'Skills: the resource of the file.' })),
  size: Type.Optional(Type.Integer({ minimum: 0 })),
  digest: Type.Optional(Type.String({ pattern: '^sha256:[0-9a-f]{64}$' })),
});
export type ItemFileEntry = Static<typeof ItemFileEntry>;

export const SkillServing = Type.Object(
  {
    uri: Type.String({ description: 'The SKILL.md resource.' }),
    servable: Type.Boolean({ description: 'Whether skills/list and skills/get serve it (the extension limits).' }),
    reason: Type.Optional(Type.String()),
    fileCount: Type.Integer({ minimum: 0 }),
    totalBytes: Type.Integer({ minimum: 0 }),
  },
  { description: 'How the skill is served over the MCP Skills extension.' },
);
export type SkillServing = Static<typeof SkillServing>;

export const GetItemOutput = Type.Object({
  item: Type.Object({ ...ItemSchema.properties }),
  owner: Type.Union([Type.String(), Type.Null()]),
  team: Type.Union([Type.String(), Type.Null()]),
  manifest: Type.Optional(ManifestSchema),
  versions: Type.Optional(Type.Array(ItemVersionSchema)),
  moreVersions: Type.Optional(Type.Boolean()),
  files: Type.Optional(Type.Array(ItemFileEntry)),
  skill: Type.Optional(SkillServing),
});
export type GetItemOutput = Static<typeof GetItemOutput>;

export const ReadSkillFileInput = Type.Object(
  {
    ref: Ref,
    path: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        default: 'SKILL.md',
        description: 'A path from the skill manifest.',
      }),
    ),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'The first byte to read.' })),
    maxBytes: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_READ_BYTES, default: DEFAULT_READ_BYTES })),
  },
  { additionalProperties: false },
);
export type ReadSkillFileInput = Static<typeof ReadSkillFileInput>;

export const ReadSkillFileOutput = Type.Object({
  ref: Type.String(),
  path: Type.String(),
  uri: Type.String(),
  mimeType: Type.String(),
  size: Type.Integer({ minimum: 0 }),
  digest: Type.String({ pattern: '^sha256:[0-9a-f]{64}$', description: 'Of the whole file.' }),
  binary: Type.Boolean({ description: 'True when the file is not UTF-8 text: read its resource instead.' }),
  offset: Type.Integer({ minimum: 0 }),
  length: Type.Integer({ minimum: 0, description: 'Bytes of the file in `text`.' }),
  nextOffset: Type.Optional(Type.Integer({ minimum: 0, description: 'Where the rest starts, when there is more.' })),
  text: Type.Optional(Type.String()),
});
export type ReadSkillFileOutput = Static<typeof ReadSkillFileOutput>;

export const GetInstallConfigInput = Type.Object(
  {
    ref: Ref,
    client: InstallClientSchema,
    scope: Type.Optional(
      Type.Union(
        INSTALL_PATH_SCOPES.map((scope) => Type.Literal(scope)),
        {
          description: "user: the user's own config (default); project: the project's config, when the client has one.",
        },
      ),
    ),
  },
  { additionalProperties: false },
);
export type GetInstallConfigInput = Static<typeof GetInstallConfigInput>;

export const GetInstallConfigOutput = Type.Object({
  ref: Type.String(),
  client: InstallClientSchema,
  scope: literalUnion(INSTALL_PATH_SCOPES),
  location: Type.Union([Type.String(), Type.Null()], {
    description: 'The config file (MCP servers) or folder (skills) for that scope; null when the client has none.',
  }),
  usageCount: Type.Integer({ minimum: 0 }),
  install: InstallInstructionsSchema,
  archiveUrl: Type.Optional(Type.String({ description: "Skills: the zip of the skill's folder." })),
});
export type GetInstallConfigOutput = Static<typeof GetInstallConfigOutput>;
