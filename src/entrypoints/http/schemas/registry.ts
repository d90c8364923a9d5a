import { type Static, Type } from 'typebox';

// The MCP Registry API (OpenAPI version 2025-12-01): the generic read API that VS Code, GitHub and Docker read.
// Written from the published specification; objects admit fields they do not name, as the specification does.

/** The `_meta` key of the registry's own data about a server version. */
export const OFFICIAL_META = 'io.modelcontextprotocol.registry/official';
/** The `_meta` key of Atlas's data about the item behind a server version. */
export const ATLAS_META = 'io.atlas/catalog';
/** The registry API's page size: its default and its largest. */
export const REGISTRY_LIMIT = { default: 30, max: 100 } as const;

const open = { additionalProperties: true } as const;

const InputFields = {
  description: Type.Optional(Type.String()),
  isRequired: Type.Optional(Type.Boolean()),
  format: Type.Optional(
    Type.Union([Type.Literal('string'), Type.Literal('number'), Type.Literal('boolean'), Type.Literal('filepath')]),
  ),
  value: Type.Optional(Type.String()),
  isSecret: Type.Optional(Type.Boolean()),
  default: Type.Optional(Type.String()),
  placeholder: Type.Optional(Type.String()),
  choices: Type.Optional(Type.Array(Type.String())),
};
const Input = Type.Object(InputFields, open);
const WithVariables = { ...InputFields, variables: Type.Optional(Type.Record(Type.String(), Input)) };

const KeyValueInput = Type.Object({ ...WithVariables, name: Type.String() }, open);
const PositionalArgument = Type.Object(
  {
    ...WithVariables,
    type: Type.Literal('positional'),
    valueHint: Type.Optional(Type.String()),
    isRepeated: Type.Optional(Type.Boolean()),
  },
  open,
);
const NamedArgument = Type.Object(
  { ...WithVariables, type: Type.Literal('named'), name: Type.String(), isRepeated: Type.Optional(Type.Boolean()) },
  open,
);
const Argument = Type.Union([PositionalArgument, NamedArgument]);

const StdioTransport = Type.Object({ type: Type.Literal('stdio') }, open);
const HttpTransport = (type: 'streamable-http' | 'sse') =>
  Type.Object(
    {
      type: Type.Literal(type),
      url: Type.String(),
      headers: Type.Optional(Type.Array(KeyValueInput)),
      variables: Type.Optional(Type.Record(Type.String(), Input)),
    },
    open,
  );

const PackageSchema = Type.Object(
  {
    registryType: Type.String(),
    registryBaseUrl: Type.Optional(Type.String()),
    identifier: Type.String(),
    version: Type.Optional(Type.String({ minLength: 1, not: Type.Literal('latest') })),
    fileSha256: Type.Optional(Type.String({ pattern: '^[a-f0-9]{64}$' })),
    runtimeHint: Type.Optional(Type.String()),
    transport: Type.Union([StdioTransport, HttpTransport('streamable-http'), HttpTransport('sse')]),
    runtimeArguments: Type.Optional(Type.Array(Argument)),
    packageArguments: Type.Optional(Type.Array(Argument)),
    environmentVariables: Type.Optional(Type.Array(KeyValueInput)),
  },
  open,
);

/** A server.json as its publisher wrote it, for one version. */
export const ServerDetailSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.String({ minLength: 3, maxLength: 200, pattern: '^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$' }),
    description: Type.String({ minLength: 1, maxLength: 100 }),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    version: Type.String({ maxLength: 255 }),
    websiteUrl: Type.Optional(Type.String()),
    repository: Type.Optional(
      Type.Object(
        {
          url: Type.String(),
          source: Type.String(),
          id: Type.Optional(Type.String()),
          subfolder: Type.Optional(Type.String()),
        },
        open,
      ),
    ),
    icons: Type.Optional(Type.Array(Type.Object({ src: Type.String() }, open))),
    packages: Type.Optional(Type.Array(PackageSchema)),
    remotes: Type.Optional(Type.Array(Type.Union([HttpTransport('streamable-http'), HttpTransport('sse')]))),
    _meta: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  open,
);

/** What the registry says about one server version: its status and when it was published and changed. */
export const OfficialMetaSchema = Type.Object(
  {
    status: Type.Union([Type.Literal('active'), Type.Literal('deprecated'), Type.Literal('deleted')]),
    statusMessage: Type.Optional(Type.String({ maxLength: 500 })),
    statusChangedAt: Type.Optional(Type.String({ format: 'date-time' })),
    publishedAt: Type.String({ format: 'date-time', description: 'The first publish of this version.' }),
    updatedAt: Type.String({ format: 'date-time', description: 'The last change of the server entry.' }),
    isLatest: Type.Boolean(),
  },
  { additionalProperties: false },
);

/** Atlas's own data about the item behind a server version. */
export const AtlasMetaSchema = Type.Object({
  ref: Type.String({ description: 'The item reference, `mcp/<namespace>/<name>`.' }),
  team: Type.Union([Type.String(), Type.Null()], { description: "The slug of the item's team." }),
  installs: Type.Integer({ minimum: 0 }),
  url: Type.String({ description: "The item's page in Atlas." }),
});

export const ServerResponseSchema = Type.Object({
  server: ServerDetailSchema,
  _meta: Type.Object(
    { [OFFICIAL_META]: OfficialMetaSchema, [ATLAS_META]: Type.Optional(AtlasMetaSchema) },
    { additionalProperties: true },
  ),
});
export type ServerResponse = Static<typeof ServerResponseSchema>;

export const ServerListSchema = Type.Object({
  servers: Type.Array(ServerResponseSchema),
  metadata: Type.Object({
    count: Type.Integer({ minimum: 0, description: 'How many servers this page holds.' }),
    nextCursor: Type.Optional(
      Type.String({ description: 'Send it back as `cursor` for the next page; absent on the last page.' }),
    ),
  }),
});
export type ServerList = Static<typeof ServerListSchema>;

/** A refusal: the specification's `error` string, and the same as an RFC 9457 problem. */
export const RegistryErrorSchema = Type.Object({
  error: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
});
export type RegistryError = Static<typeof RegistryErrorSchema>;

export const ServerListQuerySchema = Type.Object(
  {
    cursor: Type.Optional(Type.String({ maxLength: 2000, description: 'The `nextCursor` of the previous page.' })),
    limit: Type.Integer({ minimum: 1, maximum: REGISTRY_LIMIT.max, default: REGISTRY_LIMIT.default }),
    search: Type.Optional(
      Type.String({ maxLength: 200, description: 'A substring of the server name, title or description.' }),
    ),
    updated_since: Type.Optional(
      Type.String({ format: 'date-time', description: 'RFC 3339; deleted servers are then included.' }),
    ),
    version: Type.Optional(Type.String({ maxLength: 255, description: '`latest`, or an exact version.' })),
    include_deleted: Type.Boolean({ default: false }),
  },
  { additionalProperties: true },
);

export const ServerLookupQuerySchema = Type.Object(
  { include_deleted: Type.Boolean({ default: false }) },
  { additionalProperties: true },
);
