import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type TProperties, Type } from 'typebox';
import type { AtlasDeps } from '../../application/deps.ts';
import {
  getRegistryServerVersion,
  listRegistryServerVersions,
} from '../../application/registry/get-registry-server.ts';
import { listRegistryServers } from '../../application/registry/list-registry-servers.ts';
import { AtlasError } from '../../domain/errors.ts';
import { STATUS_BY_CODE } from '../http/error-handler.ts';
import {
  type RegistryError,
  RegistryErrorSchema,
  ServerListQuerySchema,
  ServerListSchema,
  ServerLookupQuerySchema,
  ServerResponseSchema,
} from '../http/schemas/registry.ts';
import { presentServer, presentServerList, presentServerPage } from './registry-presenter.ts';

/** What every registry answer carries: any origin may read it from a browser, with a token if it has one. */
const REGISTRY_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, OPTIONS',
  'access-control-allow-headers': 'Authorization, Content-Type',
  'access-control-max-age': '86400',
  'cross-origin-resource-policy': 'cross-origin',
} as const;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * The MCP Registry API, read-only: `/v0.1` and `/v0` at the root for the whole catalog and under
 * `/registries/<team>/` for one team's servers. Server names arrive URL-encoded (`io.github.acme%2Fweather`) and
 * are also accepted with a bare `/`. CORS is open on every answer, errors included, whatever the app's own CORS
 * origins are, and preflights are answered here.
 */
export const registryRoutes: FastifyPluginAsyncTypebox<{ deps: AtlasDeps }> = async (app, { deps }) => {
  await app.register(registryScope, { deps, teamRegistry: false });
  await app.register(registryScope, { deps, teamRegistry: true, prefix: '/registries/:team' });
};

const registryScope: FastifyPluginAsyncTypebox<{ deps: AtlasDeps; teamRegistry: boolean }> = async (
  app,
  { deps, teamRegistry },
) => {
  app.setErrorHandler(sendRegistryError);
  app.addHook('onSend', async (_request, reply) => {
    reply.headers(REGISTRY_HEADERS);
  });

  const teamOf = (request: FastifyRequest) => (teamRegistry ? { team: (request.params as { team: string }).team } : {});
  const originOf = (request: FastifyRequest) => `${request.protocol}://${request.host}`;
  const sendJson = (reply: FastifyReply, body: unknown) =>
    reply.type('application/json; charset=utf-8').send(JSON.stringify(body));
  /** The server name from either form of the path: one encoded parameter, or a namespace and a name. */
  const serverNameOf = (params: Record<string, string>) =>
    params.serverName ?? `${params.namespace ?? ''}/${params.server ?? ''}`;

  const Team: TProperties = teamRegistry ? { team: Type.String({ maxLength: 64 }) } : {};
  const errors = { 400: RegistryErrorSchema, 401: RegistryErrorSchema, 404: RegistryErrorSchema };
  // `cors: false`: the app's own CORS plugin, when configured, leaves these routes to the headers above.
  // `tokenScope`: a token scoped to registry reads is let in here, and only here.
  const config = { cors: false, tokenScope: 'registry:read' } as const;

  for (const base of ['/v0.1', '/v0']) {
    const documented = base === '/v0.1' && !teamRegistry;
    const tags = ['mcp registry'];

    app.get(
      `${base}/servers`,
      {
        config,
        schema: {
          hide: !documented,
          tags,
          summary: 'List MCP servers',
          params: Type.Object(Team),
          querystring: ServerListQuerySchema,
          response: { 200: ServerListSchema, ...errors },
        },
      },
      async (request, reply) => {
        const q = request.query;
        const page = await listRegistryServers(
          deps,
          {
            ...teamOf(request),
            limit: q.limit,
            ...(q.cursor === undefined || q.cursor === '' ? {} : { cursor: q.cursor }),
            ...(q.search === undefined ? {} : { search: q.search }),
            ...(q.updated_since === undefined ? {} : { updatedSince: new Date(q.updated_since) }),
            ...(q.version === undefined || q.version === '' ? {} : { version: q.version }),
            includeDeleted: q.include_deleted,
          },
          request.actor,
        );
        return sendJson(reply, presentServerPage(page, originOf(request)));
      },
    );

    for (const name of ['/:serverName', '/:namespace/:server']) {
      const split = name !== '/:serverName';
      const NameParams: TProperties = split
        ? { namespace: Type.String({ maxLength: 200 }), server: Type.String({ maxLength: 200 }) }
        : { serverName: Type.String({ maxLength: 200, description: 'URL-encoded: `io.github.acme%2Fweather`.' }) };

      app.get(
        `${base}/servers${name}/versions`,
        {
          config,
          schema: {
            hide: !documented || split,
            tags,
            summary: 'List the versions of an MCP server, newest first',
            params: Type.Object({ ...Team, ...NameParams }),
            querystring: ServerLookupQuerySchema,
            response: { 200: ServerListSchema, ...errors },
          },
        },
        async (request, reply) => {
          const versions = await listRegistryServerVersions(
            deps,
            {
              ...teamOf(request),
              serverName: serverNameOf(request.params as Record<string, string>),
              includeDeleted: request.query.include_deleted,
            },
            request.actor,
          );
          return sendJson(reply, presentServerList(versions, originOf(request)));
        },
      );

      app.get(
        `${base}/servers${name}/versions/:version`,
        {
          config,
          schema: {
            hide: !documented || split,
            tags,
            summary: 'Get one version of an MCP server (`latest` for the latest)',
            params: Type.Object({ ...Team, ...NameParams, version: Type.String({ maxLength: 255 }) }),
            querystring: ServerLookupQuerySchema,
            response: { 200: ServerResponseSchema, ...errors },
          },
        },
        async (request, reply) => {
          const params = request.params as Record<string, string>;
          const found = await getRegistryServerVersion(
            deps,
            {
              ...teamOf(request),
              serverName: serverNameOf(params),
              version: params.version ?? '',
              includeDeleted: request.query.include_deleted,
            },
            request.actor,
          );
          return sendJson(reply, presentServer(found, originOf(request)));
        },
      );
    }

    for (const path of [
      '/servers',
      '/servers/:serverName/versions',
      '/servers/:serverName/versions/:version',
      '/servers/:namespace/:server/versions',
      '/servers/:namespace/:server/versions/:version',
    ]) {
      app.options(`${base}${path}`, { config, schema: { hide: true } }, async (_request, reply) =>
        reply.status(204).send(),
      );
    }
  }
};

function sendError(reply: FastifyReply, status: number, detail: string): FastifyReply {
  const body: RegistryError = { error: detail, title: TITLES[status] ?? 'Error', status, detail };
  return reply.status(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

/** The registry's errors in the specification's shape: `error`, with the problem fields beside it. */
function sendRegistryError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AtlasError) {
    const status = STATUS_BY_CODE[error.code];
    if (status === 401) reply.header('www-authenticate', 'Bearer');
    return sendError(reply, status, error.message);
  }
  if (error.validation) return sendError(reply, 400, error.message);
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return sendError(reply, error.statusCode, error.message);
  }
  request.log.error({ err: error }, 'registry request failed');
  return sendError(reply, 500, 'internal error');
}
