import type { FastifyPluginAsync, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { AtlasDeps } from '../../application/deps.ts';
import { UnauthenticatedError } from '../../domain/errors.ts';
import { type HostCheck, hostProblem } from './host-check.ts';
import type { McpCall } from './mcp-call.ts';

const MCP_PATH = '/mcp';

/**
 * The endpoint's handling, with the MCP SDK and its schemas (about 20 MiB of a process once loaded): imported on
 * the first MCP request, so that a server nobody calls over MCP never holds it.
 */
let endpoint: Promise<typeof import('./mcp-endpoint.ts')> | undefined;
const loadEndpoint = () => {
  endpoint ??= import('./mcp-endpoint.ts');
  return endpoint;
};

/** A JSON-RPC error with no id, as the transport itself answers what it refuses. */
const rpcError = (message: string) => ({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });

/**
 * Refuses, with 403 and a JSON-RPC error, a request to the endpoint whose `Host` is not one of Atlas's names or whose
 * `Origin` is neither Atlas's nor an allowed one (see host-check.ts). An application hook, added before
 * authentication, so that a foreign name is refused before a token is even looked up. `request.host` is the Host
 * header, or X-Forwarded-Host from a proxy ATLAS_TRUST_PROXY trusts.
 */
export function mcpHostGuard(check: HostCheck): onRequestHookHandler {
  return async (request, reply) => {
    if (request.routeOptions.url !== MCP_PATH) return;
    const origin = request.headers.origin;
    const problem = hostProblem(check, request.host || undefined, Array.isArray(origin) ? origin[0] : origin);
    if (problem === undefined) return;
    request.log.warn({ host: request.host, origin }, 'MCP request refused: %s', problem);
    return reply.status(403).type('application/json').send(rpcError(problem));
  };
}

/** The request headers the transport reads; nothing else (credentials included) is handed to it. */
const TRANSPORT_HEADERS = ['accept', 'content-type', 'mcp-protocol-version', 'mcp-session-id', 'last-event-id'];

function toWebRequest(request: FastifyRequest, baseUrl: string): Request {
  const headers = new Headers();
  for (const name of TRANSPORT_HEADERS) {
    const value = request.headers[name];
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const body = typeof request.body === 'string' ? request.body : '';
  return new Request(new URL(request.url, baseUrl), { method: 'POST', headers, body });
}

/**
 * `POST /mcp`: the catalog as an MCP server over Streamable HTTP, stateless: every request gets a server and a
 * transport of its own, and JSON answers rather than event streams. The caller is whoever the bearer token
 * names (resolved for every route in onRequest); without one, only what public read allows, and nothing at all
 * (401 with a Bearer challenge) when public read is off. `GET` (a server-to-client stream) and `DELETE` (ending
 * a session) have no meaning without sessions: 405. Before any of it, mcpHostGuard refuses a foreign Host or Origin.
 */
export const mcpRoutes: FastifyPluginAsync<{ deps: AtlasDeps }> = async (app, { deps }) => {
  // The transport parses and checks the body itself, so that malformed JSON, a wrong media type or a message
  // that is not JSON-RPC get the JSON-RPC errors MCP clients expect. The app's body limit still applies.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.post(
    MCP_PATH,
    {
      schema: {
        tags: ['mcp'],
        summary: 'The MCP endpoint: tools to search and read the catalog, and the MCP Skills extension',
        security: [{ bearer: [] }],
      },
    },
    async (request, reply) => {
      if (!deps.authorizer.canBrowse(request.actor)) {
        throw new UnauthenticatedError('sign in to use the catalog over MCP: send Authorization: Bearer <token>');
      }
      const baseUrl = `${request.protocol}://${request.host || 'localhost'}`;
      const call: McpCall = { deps, actor: request.actor, log: request.log, baseUrl };
      const { answerMcp } = await loadEndpoint();
      const response = await answerMcp(call, toWebRequest(request, baseUrl));
      // A use case asked the caller to sign in: HTTP says so, with the challenge (see the error handler).
      if (call.unauthenticated) throw call.unauthenticated;
      const body = await response.text();
      reply.status(response.status);
      response.headers.forEach((value, name) => {
        if (name !== 'content-length') reply.header(name, value);
      });
      return reply.send(body === '' ? null : body);
    },
  );

  const notAllowed = async (_request: FastifyRequest, reply: FastifyReply) =>
    reply
      .status(405)
      .header('allow', 'POST')
      .type('application/json')
      .send(rpcError('Method not allowed: this endpoint is stateless; POST JSON-RPC messages to it'));
  const hidden = { schema: { hide: true } };
  app.get(MCP_PATH, hidden, notAllowed);
  app.delete(MCP_PATH, hidden, notAllowed);
};
