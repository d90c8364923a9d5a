import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { McpCall } from './mcp-call.ts';
import { createMcpServer } from './mcp-server.ts';

// The SDK builds one per server unless given one: one per process is enough.
const validator = new AjvJsonSchemaValidator();

/**
 * Answers one JSON-RPC request as a stateless MCP server: a server and a transport of its own, and a JSON answer
 * rather than an event stream. The MCP SDK is loaded with this module, on the endpoint's first request.
 */
export async function answerMcp(call: McpCall, request: Request): Promise<Response> {
  const server = createMcpServer(call, validator);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  try {
    await server.connect(transport);
    const response = await transport.handleRequest(request);
    // The body is read before the server closes.
    return new Response(await response.text(), { status: response.status, headers: response.headers });
  } finally {
    await server.close();
  }
}
