import { type Static, Type } from 'typebox';
import { ITEM_STATUSES, type ItemStatus, VISIBILITIES } from '../../../domain/catalog/catalog-item.ts';
import { INSTALL_CLIENTS, INSTALL_PATH_SCOPES } from '../../../domain/catalog/install-clients.ts';
import { ITEM_SORTS } from '../../../domain/catalog/item-repository.ts';
import { DateTime, literalUnion, PageQuery, pageOf, refTo, Sha } from './common.ts';
import { FacetsQuery, FacetsSchema } from './facets.ts';
import { ItemKindSchema, ItemStatusSchema } from './item-values.ts';
import { FieldProblemSchema } from './problem.ts';

export { ItemKindSchema, ItemStatusSchema };
export const VisibilitySchema = literalUnion(VISIBILITIES);
/** The statuses a caller may set: `invalid` is sync's verdict on a folder, never a choice. */
export const SettableStatusSchema = literalUnion(
  ITEM_STATUSES.filter((status): status is Exclude<ItemStatus, 'invalid'> => status !== 'invalid'),
);
export const ItemSortSchema = literalUnion(ITEM_SORTS);
export const InstallClientSchema = literalUnion(INSTALL_CLIENTS);
export const InstallScopeSchema = literalUnion(INSTALL_PATH_SCOPES, {
  description: "user: the user's own config or folder (the default); project: the project's, when the client has one.",
});

/** A parsed manifest (SKILL.md front matter, server.json, tool.json): open, as each format allows more fields. */
export const ManifestSchema = Type.Record(Type.String(), Type.Unknown());
export type Manifest = Static<typeof ManifestSchema>;

export const ItemSchema = Type.Object(
  {
    ref: Type.String({ examples: ['skill/platform/pdf-tools'] }),
    kind: ItemKindSchema,
    namespace: Type.String(),
    name: Type.String(),
    title: Type.Union([Type.String(), Type.Null()]),
    description: Type.String(),
    version: Type.Union([Type.String(), Type.Null()]),
    serverName: Type.Optional(
      Type.String({
        description:
          'MCP servers: the server.json `name`, which one item at most declares (compared exactly). Absent for skills, tools, and an MCP server whose name another item holds.',
        examples: ['io.github.acme/weather'],
      }),
    ),
    tags: Type.Array(Type.String()),
    visibility: VisibilitySchema,
    status: ItemStatusSchema,
    statusMessage: Type.Union([Type.String(), Type.Null()]),
    usageCount: Type.Integer(),
    treeSha: Type.String(),
    commitSha: Type.String(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'Item' },
);
export type Item = Static<typeof ItemSchema>;

// ---- Paths, queries and headers

export const ItemParamsSchema = Type.Object({
  kind: ItemKindSchema,
  namespace: Type.String({ maxLength: 39 }),
  name: Type.String({ maxLength: 64 }),
});
export type ItemParams = Static<typeof ItemParamsSchema>;

/** `.../files/*`: the item and a path inside it. */
export const ItemFileParamsSchema = Type.Object({
  ...ItemParamsSchema.properties,
  '*': Type.String({ maxLength: 1024 }),
});

/** `.../versions/:commit`. */
export const ItemVersionParamsSchema = Type.Object({
  ...ItemParamsSchema.properties,
  commit: Type.String({ maxLength: 64 }),
});

/** `?at=`: a file or archive at any commit. */
export const AtCommitQuerySchema = Type.Object({ at: Type.Optional(Sha) }, { additionalProperties: false });

export const IfMatchHeadersSchema = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 100 })) });

export const SearchQuerySchema = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        maxLength: 200,
        description:
          'Words, in any order: an item matches when any of them does, best matches first (name, title, description, ' +
          'tags, then the start of SKILL.md). Words inside punctuation are found by their parts (`next.js`, ' +
          '`snake_case`); a misspelt word of five letters or more still finds what it meant, ranked lower.',
      }),
    ),
    kind: Type.Optional(ItemKindSchema),
    namespace: Type.Optional(Type.String({ maxLength: 39 })),
    team: Type.Optional(Type.String({ maxLength: 39 })),
    tag: Type.Optional(Type.String({ maxLength: 32 })),
    owner: Type.Optional(Type.String({ maxLength: 39 })),
    status: Type.Optional(ItemStatusSchema),
    sort: Type.Optional(ItemSortSchema),
    ...PageQuery,
    ...FacetsQuery,
  },
  { additionalProperties: false },
);
export type SearchQuery = Static<typeof SearchQuerySchema>;

/** `POST /items?namespace=&name=`: where a zip upload goes (a JSON body says it in the body). */
export const PublishQuerySchema = Type.Object(
  {
    namespace: Type.Optional(Type.String({ maxLength: 39 })),
    name: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

// ---- Bodies

export const FileInputSchema = Type.Object(
  {
    path: Type.String({ minLength: 1, maxLength: 1024, examples: ['SKILL.md'] }),
    content: Type.String({ description: 'The file, as text or base64.' }),
    encoding: Type.Optional(Type.Union([Type.Literal('utf8'), Type.Literal('base64')], { default: 'utf8' })),
    executable: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type FileInput = Static<typeof FileInputSchema>;

const Files = Type.Array(FileInputSchema, { minItems: 1, maxItems: 1000 });
const Tags = Type.Array(Type.String({ maxLength: 32 }), { maxItems: 20 });

export const PublishBodySchema = Type.Object(
  {
    namespace: Type.String({
      maxLength: 39,
      description: 'Your username or a team you belong to.',
      examples: ['platform'],
    }),
    name: Type.Optional(Type.String({ maxLength: 64, description: 'MCP servers only: the catalog name.' })),
    files: Files,
    tags: Type.Optional(Tags),
    visibility: Type.Optional(VisibilitySchema),
    message: Type.Optional(Type.String({ maxLength: 1000, description: 'A line for the commit message.' })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        namespace: 'platform',
        files: [
          {
            path: 'SKILL.md',
            content: '---\nname: pdf-tools\ndescription: Extract text and tables from PDF files.\n---\n# PDF tools\n',
          },
          { path: 'scripts/extract.py', content: 'print("hi")\n', executable: true },
        ],
        tags: ['pdf'],
      },
    ],
  },
);
export type PublishBody = Static<typeof PublishBodySchema>;

export const UpdateBodySchema = Type.Object(
  {
    files: Files,
    message: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type UpdateBody = Static<typeof UpdateBodySchema>;

export const PatchBodySchema = Type.Object(
  {
    tags: Type.Optional(Tags),
    visibility: Type.Optional(VisibilitySchema),
    status: Type.Optional(SettableStatusSchema),
    statusMessage: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    team: Type.Optional(Type.Union([Type.String({ maxLength: 39 }), Type.Null()])),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    examples: [{ status: 'deprecated', statusMessage: 'use skill/platform/pdf-tools-2' }],
  },
);
export type PatchBody = Static<typeof PatchBodySchema>;

/** No body at all is the usual DELETE; Fastify hands the validator null then. */
export const DeleteBodySchema = Type.Union([
  Type.Object(
    { message: Type.Optional(Type.String({ maxLength: 1000, description: 'A line for the commit message.' })) },
    { additionalProperties: false },
  ),
  Type.Null(),
]);
export type DeleteBody = Static<typeof DeleteBodySchema>;

export const InstallBodySchema = Type.Object(
  { client: InstallClientSchema },
  { additionalProperties: false, examples: [{ client: 'claude-code' }] },
);
export type InstallBody = Static<typeof InstallBodySchema>;

/** `GET .../install-config`: the same rendering as an install, without counting one. */
export const InstallConfigQuerySchema = Type.Object(
  { client: InstallClientSchema, scope: Type.Optional(InstallScopeSchema) },
  { additionalProperties: false, examples: [{ client: 'claude-code', scope: 'project' }] },
);
export type InstallConfigQuery = Static<typeof InstallConfigQuerySchema>;

// ---- Answers

export const ItemAnswerSchema = Type.Object({ item: refTo(ItemSchema) });
export type ItemAnswer = Static<typeof ItemAnswerSchema>;

/** What a publish or an update answers. */
export const PublishedSchema = Type.Object({
  item: refTo(ItemSchema),
  commitSha: Type.String(),
  treeSha: Type.String(),
  unchanged: Type.Boolean({ description: 'True when identical content was already published.' }),
  warnings: Type.Array(FieldProblemSchema),
});
export type Published = Static<typeof PublishedSchema>;

export const FileEntrySchema = Type.Object({ path: Type.String(), executable: Type.Boolean(), blobSha: Type.String() });
export type FileEntry = Static<typeof FileEntrySchema>;

/** `GET /items/{kind}/{namespace}/{name}`. */
export const ItemDetailsSchema = Type.Object({
  item: refTo(ItemSchema),
  manifest: ManifestSchema,
  files: Type.Array(FileEntrySchema),
  owner: Type.Union([Type.String(), Type.Null()]),
  team: Type.Union([Type.String(), Type.Null()]),
});
export type ItemDetails = Static<typeof ItemDetailsSchema>;

/** `GET /items`: one page of search results, with facet counts when asked for (`facets=true`). */
export const ItemPageSchema = Type.Object({
  ...pageOf(refTo(ItemSchema)).properties,
  facets: Type.Optional(FacetsSchema),
});
export type ItemPage = Static<typeof ItemPageSchema>;

/** One commit in an item's history. */
export const ItemVersionSchema = Type.Object({
  commitSha: Type.String(),
  treeSha: Type.Union([Type.String(), Type.Null()]),
  version: Type.Union([Type.String(), Type.Null()]),
  message: Type.String(),
  author: Type.Object({ name: Type.String(), email: Type.String() }),
  date: DateTime,
});
export type ItemVersion = Static<typeof ItemVersionSchema>;

export const ItemVersionPageSchema = pageOf(ItemVersionSchema);
export type ItemVersionPage = Static<typeof ItemVersionPageSchema>;

/** `GET .../versions/{commit}`: the item as it was at one commit. */
export const ItemAtVersionSchema = Type.Object({
  commitSha: Type.String(),
  treeSha: Type.String(),
  version: Type.Union([Type.String(), Type.Null()]),
  manifest: Type.Union([ManifestSchema, Type.Null()], {
    description: 'Null when the manifest was missing or invalid at that commit.',
  }),
  files: Type.Array(FileEntrySchema),
});
export type ItemAtVersion = Static<typeof ItemAtVersionSchema>;

// ---- Installs

/** Where a client reads a file or folder from: `~` is the home folder; project paths are relative to its root. */
const ClientPathsSchema = Type.Object({ user: Type.Optional(Type.String()), project: Type.Optional(Type.String()) });

/** An MCP server's config entry as one client needs it; secrets are placeholders, never values. */
export const McpInstallConfigSchema = Type.Object({
  client: InstallClientSchema,
  serverKey: Type.String({ description: "The entry's name in the client's servers map." }),
  entry: Type.Record(Type.String(), Type.Unknown(), {
    description: 'The object to place under `containerKey[serverKey]` in the config file (for Codex, a TOML table).',
  }),
  configPath: ClientPathsSchema,
  containerKey: Type.Union([Type.Literal('mcpServers'), Type.Literal('servers'), Type.Literal('mcp_servers')]),
  format: Type.Union([Type.Literal('json'), Type.Literal('jsonc'), Type.Literal('toml')], {
    description: "The config file's syntax: JSON, JSON with comments, or TOML (Codex).",
  }),
  secrets: Type.Array(Type.String(), { description: 'Secret variables the user provides.' }),
  notes: Type.Array(Type.String()),
  source: Type.Object(
    { type: Type.Union([Type.Literal('package'), Type.Literal('remote')]), index: Type.Integer() },
    { description: 'The package or remote of the server.json that was rendered.' },
  ),
  inputs: Type.Optional(
    Type.Array(
      Type.Object({
        type: Type.Literal('promptString'),
        id: Type.String(),
        description: Type.String(),
        password: Type.Optional(Type.Literal(true)),
      }),
      { description: 'VS Code only: entries for the top-level `inputs` list of `.vscode/mcp.json`.' },
    ),
  ),
  portable: Type.Optional(
    Type.Object(
      {
        entry: Type.Record(Type.String(), Type.Unknown()),
        configPath: ClientPathsSchema,
        containerKey: Type.Literal('mcpServers'),
      },
      {
        description:
          'VS Code only: the same server for the portable file Copilot agents read (`.mcp.json`, `~/.copilot/mcp-config.json`), with secrets from the environment.',
      },
    ),
  ),
  command: Type.Optional(
    Type.String({ description: 'Claude Code only: the `claude mcp add-json` command line, secrets left unexpanded.' }),
  ),
});
export type McpInstallConfig = Static<typeof McpInstallConfigSchema>;

/** What a client needs to use the item, by kind. */
export const InstallInstructionsSchema = Type.Union([
  Type.Object({ kind: Type.Literal('mcp'), config: McpInstallConfigSchema }),
  Type.Object({
    kind: Type.Literal('skill'),
    folder: Type.Union([ClientPathsSchema, Type.Null()], {
      description: 'Where the client reads the skill folder; null when it takes the zip by upload.',
    }),
    notes: Type.Array(Type.String()),
    archivePath: Type.String({ description: "The item's archive: the zip of its folder." }),
  }),
  Type.Object({ kind: Type.Literal('tool'), definition: ManifestSchema }),
]);
export type InstallInstructions = Static<typeof InstallInstructionsSchema>;

/** `POST .../installs`. */
export const InstallAnswerSchema = Type.Object({
  item: refTo(ItemSchema),
  usageCount: Type.Integer(),
  install: InstallInstructionsSchema,
});
export type InstallAnswer = Static<typeof InstallAnswerSchema>;

/** `GET .../install-config`: what an install would answer, read-only; `usageCount` is the count as it stands. */
export const InstallConfigSchema = Type.Object({
  item: refTo(ItemSchema),
  usageCount: Type.Integer(),
  client: InstallClientSchema,
  scope: InstallScopeSchema,
  location: Type.Union([Type.String(), Type.Null()], {
    description: 'The config file (MCP servers) or folder (skills) for that scope; null when the client has none.',
  }),
  install: InstallInstructionsSchema,
});
export type InstallConfig = Static<typeof InstallConfigSchema>;
