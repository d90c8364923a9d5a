import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { FastifyBaseLogger } from 'fastify';
import type { AtlasDeps } from '../../application/deps.ts';
import type { Actor } from '../../domain/accounts/actor.ts';
import { AtlasError, TooLargeError, UnauthenticatedError, ValidationError } from '../../domain/errors.ts';

/** One HTTP request to the MCP endpoint: who asks, where from, and what went wrong that HTTP must answer. */
export interface McpCall {
  readonly deps: AtlasDeps;
  readonly actor: Actor;
  readonly log: FastifyBaseLogger;
  /** `https://atlas.example.com`: links in answers (a skill's archive) are absolute. */
  readonly baseUrl: string;
  /**
   * Set when a use case asked the caller to sign in: the endpoint then answers the HTTP request 401 with a
   * Bearer challenge instead of the JSON-RPC result, as MCP clients expect to learn that they need a token.
   */
  unauthenticated?: UnauthenticatedError;
}

/** An error's message for the model, with every problem of a ValidationError. */
export function describeError(error: AtlasError): string {
  const problems = error instanceof ValidationError || error instanceof TooLargeError ? error.problems : [];
  if (problems.length <= 1) return error.message;
  return `${error.message}\n${problems.map((p) => `- ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n')}`;
}

/**
 * A protocol method's failure as a JSON-RPC error: what the caller asked for wrongly (unknown, hidden or
 * malformed) is -32602, as the Skills extension and the Resources specification require; a dependency that
 * cannot answer or anything unexpected is -32603, logged, with no internals in the message.
 */
export function protocolError(call: McpCall, error: unknown): McpError {
  if (error instanceof McpError) return error;
  if (error instanceof UnauthenticatedError) {
    call.unauthenticated ??= error;
    return new McpError(ErrorCode.InvalidRequest, error.message);
  }
  if (error instanceof AtlasError && error.code !== 'unavailable') {
    return new McpError(ErrorCode.InvalidParams, describeError(error));
  }
  if (error instanceof AtlasError) {
    call.log.warn({ err: error }, 'dependency unavailable');
    return new McpError(ErrorCode.InternalError, `${error.message}; try again`);
  }
  call.log.error({ err: error }, 'unhandled error in an MCP method');
  return new McpError(ErrorCode.InternalError, 'something went wrong on our side; the error has been logged');
}

export function invalidParams(message: string): McpError {
  return new McpError(ErrorCode.InvalidParams, message);
}
