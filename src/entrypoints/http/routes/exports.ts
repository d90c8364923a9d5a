import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TSchema } from 'typebox';
import type { AtlasDeps } from '../../../application/deps.ts';
import { listManagedServers, type ManagedServers } from '../../../application/registry/list-managed-servers.ts';
import {
  claudeManagedMcp,
  claudeManagedSettings,
  copilotManagedSettings,
  kiroRegistry,
  type ManagedFile,
} from '../../../lib/install/managed-settings.ts';
import {
  ClaudeManagedMcpSchema,
  ClaudeManagedSettingsSchema,
  CopilotManagedSettingsSchema,
  EXPORT_NOTES_HEADER,
  KiroRegistrySchema,
  type ManagedExportQuery,
  ManagedExportQuerySchema,
} from '../schemas/exports.ts';
import { withProblems } from '../schemas/problem.ts';
import { ATLAS_META } from '../schemas/registry.ts';

/** Kept well under what proxies allow in one header; the CLI says when notes were cut. */
const MAX_NOTES_LENGTH = 4000;

export interface ExportRoutesOptions {
  deps: AtlasDeps;
}

/**
 * Managed settings for administrators to distribute, generated from the catalog's approved MCP servers (active,
 * visible to the whole organisation, optionally one team's or one tag's): Claude Code's managed-mcp.json and
 * managed-settings.json, GitHub Copilot's managed-settings.json, Kiro's registry file. Administrators only.
 */
export const exportRoutes: FastifyPluginAsyncTypebox<ExportRoutesOptions> = async (app, { deps }) => {
  const origin = (request: FastifyRequest) => `${request.protocol}://${request.host}`;
  const route = (
    path: string,
    summary: string,
    schema: TSchema,
    render: (servers: ManagedServers, request: FastifyRequest) => ManagedFile<unknown>,
  ) =>
    app.get(
      path,
      {
        schema: {
          tags: ['exports'],
          summary,
          security: [{ bearer: [] }],
          querystring: ManagedExportQuerySchema,
          response: withProblems({ 200: schema }),
        },
      },
      async (request, reply) => {
        const query: ManagedExportQuery = request.query;
        const servers = await listManagedServers(deps, query, request.actor);
        return sendFile(reply, path.split('/').pop()!, render(servers, request));
      },
    );

  route(
    '/claude-code/managed-settings.json',
    "Claude Code's managed settings: the approved servers' allowlist, the retired ones' denylist (administrators)",
    ClaudeManagedSettingsSchema,
    ({ approved, retired }, request) => {
      // The marketplace is the admin's choice (?marketplace=extra|strict): Claude Code fetches it with no Atlas
      // token, so it serves only where anonymous reads are on or the network is trusted.
      const { marketplace } = request.query as ManagedExportQuery;
      return claudeManagedSettings(approved, retired, {
        ...(marketplace
          ? {
              marketplace: {
                name: 'atlas',
                url: `${origin(request)}/marketplaces/claude-code.json`,
                strict: marketplace === 'strict',
              },
            }
          : {}),
      });
    },
  );
  route(
    '/claude-code/managed-mcp.json',
    "Claude Code's managed-mcp.json: the approved servers, installed for everyone (administrators)",
    ClaudeManagedMcpSchema,
    ({ approved }) => claudeManagedMcp(approved),
  );
  route(
    '/copilot/managed-settings.json',
    "GitHub Copilot's enterprise managed settings: MCP allowlist and denylist (administrators)",
    CopilotManagedSettingsSchema,
    ({ approved, retired }) => copilotManagedSettings(approved, retired),
  );
  route(
    '/kiro/registry.json',
    "Kiro's and Amazon Q Developer's MCP registry file (administrators)",
    KiroRegistrySchema,
    ({ approved }) => kiroRegistry(approved, { metaKey: ATLAS_META }),
  );
};

function sendFile(reply: FastifyReply, name: string, { file, notes }: ManagedFile<unknown>): FastifyReply {
  if (notes.length > 0) {
    let kept = notes;
    let encoded = encodeURIComponent(JSON.stringify(kept));
    while (encoded.length > MAX_NOTES_LENGTH && kept.length > 1) {
      kept = kept.slice(0, -1);
      encoded = encodeURIComponent(JSON.stringify([...kept, `and ${notes.length - kept.length} more`]));
    }
    reply.header(EXPORT_NOTES_HEADER, encoded);
  }
  return reply
    .header('cache-control', 'no-store')
    .header('content-disposition', `attachment; filename="${name}"`)
    .type('application/json; charset=utf-8')
    .send(`${JSON.stringify(file, null, 2)}\n`);
}
