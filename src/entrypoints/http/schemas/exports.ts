import { type Static, Type } from 'typebox';

/**
 * The managed settings files Atlas generates for administrators to distribute, as each client documents them:
 * Claude Code's `managed-mcp.json` and `managed-settings.json` (code.claude.com/docs/en/managed-mcp), GitHub
 * Copilot's enterprise `managed-settings.json` (docs.github.com, "Enterprise managed settings") and Kiro's MCP
 * registry file (kiro.dev/docs/cli/mcp/governance).
 */

export const MANAGED_EXPORTS = {
  'claude-code': ['managed-settings.json', 'managed-mcp.json'],
  copilot: ['managed-settings.json'],
  kiro: ['registry.json'],
} as const;
export type ManagedClient = keyof typeof MANAGED_EXPORTS;
export const MANAGED_CLIENTS = Object.keys(MANAGED_EXPORTS) as ManagedClient[];

/** The header that names what a file left out and why: URI-encoded JSON, an array of sentences. */
export const EXPORT_NOTES_HEADER = 'atlas-export-notes';

export const ManagedExportQuerySchema = Type.Object({
  team: Type.Optional(Type.String({ maxLength: 64, description: "Only this team's servers (its slug)." })),
  tag: Type.Optional(
    Type.String({ maxLength: 32, description: 'Only approved servers carrying this tag, e.g. `approved`.' }),
  ),
  marketplace: Type.Optional(
    Type.Union([Type.Literal('extra'), Type.Literal('strict')], {
      description:
        "Claude Code's managed-settings.json only: add Atlas's plugin marketplace (`/marketplaces/claude-code.json`) under `extraKnownMarketplaces` (`extra`), and also make it the only one allowed (`strict`, `strictKnownMarketplaces`).",
    }),
  ),
});
export type ManagedExportQuery = Static<typeof ManagedExportQuerySchema>;

/** An allowlist or denylist entry: exactly one matcher. */
export const McpServerMatcherSchema = Type.Union([
  Type.Object(
    { serverUrl: Type.String({ minLength: 1, description: 'A remote URL; `*` matches any text.' }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      serverCommand: Type.Array(Type.String(), {
        minItems: 1,
        description: 'The exact command and every argument of a stdio server.',
      }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { serverName: Type.String({ pattern: '^[A-Za-z0-9_-]+$', description: 'The name a server is installed under.' }) },
    { additionalProperties: false },
  ),
]);

const UrlSource = Type.Object(
  { source: Type.Literal('url'), url: Type.String({ format: 'uri' }) },
  { additionalProperties: false },
);

export const ClaudeManagedSettingsSchema = Type.Object(
  {
    allowedMcpServers: Type.Array(McpServerMatcherSchema),
    deniedMcpServers: Type.Array(McpServerMatcherSchema),
    allowManagedMcpServersOnly: Type.Literal(true),
    extraKnownMarketplaces: Type.Optional(
      Type.Record(Type.String({ pattern: '^[a-z0-9-]+$' }), Type.Object({ source: UrlSource })),
    ),
    strictKnownMarketplaces: Type.Optional(Type.Array(UrlSource)),
  },
  { additionalProperties: false, description: "A fragment of Claude Code's managed-settings.json." },
);
export type ClaudeManagedSettingsFile = Static<typeof ClaudeManagedSettingsSchema>;

const StringMap = Type.Record(Type.String(), Type.String());

export const ClaudeManagedMcpSchema = Type.Object(
  {
    mcpServers: Type.Record(
      Type.String({ pattern: '^[A-Za-z0-9_-]+$' }),
      Type.Union([
        Type.Object(
          {
            type: Type.Literal('stdio'),
            command: Type.String({ minLength: 1 }),
            args: Type.Array(Type.String()),
            env: Type.Optional(StringMap),
          },
          { additionalProperties: false },
        ),
        Type.Object(
          {
            type: Type.Union([Type.Literal('http'), Type.Literal('sse')]),
            url: Type.String({ minLength: 1 }),
            headers: Type.Optional(StringMap),
          },
          { additionalProperties: false },
        ),
      ]),
    ),
  },
  { additionalProperties: false, description: "Claude Code's managed-mcp.json: the `.mcp.json` form." },
);
export type ClaudeManagedMcpFile = Static<typeof ClaudeManagedMcpSchema>;

export const CopilotManagedSettingsSchema = Type.Object(
  {
    allowedMcpServers: Type.Array(McpServerMatcherSchema),
    deniedMcpServers: Type.Array(McpServerMatcherSchema),
  },
  { additionalProperties: false, description: "The MCP keys of GitHub Copilot's enterprise managed-settings.json." },
);
export type CopilotManagedSettingsFile = Static<typeof CopilotManagedSettingsSchema>;

const KiroPositional = Type.Object({ type: Type.Literal('positional'), value: Type.String() });
const KiroPair = Type.Object({ name: Type.String({ minLength: 1 }), value: Type.Optional(Type.String()) });
const KiroCommon = {
  name: Type.String({ minLength: 3, maxLength: 200, pattern: '^[a-zA-Z0-9._-]+$' }),
  title: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  description: Type.String({ minLength: 1, maxLength: 100 }),
  version: Type.String({ maxLength: 255 }),
  _meta: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
};

export const KiroRegistrySchema = Type.Object(
  {
    servers: Type.Array(
      Type.Object({
        server: Type.Union([
          Type.Object(
            {
              ...KiroCommon,
              packages: Type.Array(
                Type.Object({
                  registryType: Type.Union([Type.Literal('npm'), Type.Literal('pypi'), Type.Literal('oci')]),
                  registryBaseUrl: Type.Optional(Type.String({ format: 'uri' })),
                  identifier: Type.String({ minLength: 1 }),
                  transport: Type.Object({ type: Type.Literal('stdio') }, { additionalProperties: false }),
                  runtimeArguments: Type.Optional(Type.Array(KiroPositional)),
                  packageArguments: Type.Optional(Type.Array(KiroPositional)),
                  environmentVariables: Type.Optional(Type.Array(KiroPair)),
                }),
                { minItems: 1, maxItems: 1 },
              ),
            },
            { additionalProperties: false },
          ),
          Type.Object(
            {
              ...KiroCommon,
              remotes: Type.Array(
                Type.Object({
                  type: Type.Union([Type.Literal('streamable-http'), Type.Literal('sse')]),
                  url: Type.String({ minLength: 1 }),
                  headers: Type.Optional(Type.Array(KiroPair)),
                }),
                { minItems: 1, maxItems: 1 },
              ),
            },
            { additionalProperties: false },
          ),
        ]),
      }),
    ),
  },
  { description: "Kiro's (and Amazon Q Developer's) MCP registry file: one package or one remote per server." },
);
export type KiroRegistryFile = Static<typeof KiroRegistrySchema>;
