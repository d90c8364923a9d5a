import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyServerOptions } from 'fastify';
import type { ConnectionLimits } from '../../config.ts';

/**
 * Fastify server options that close slow clients: headers, the whole request and idle keep-alive each have a
 * deadline. Fastify's own defaults turn Node's request timeout off, so a client trickling a body is never closed.
 */
export function connectionTimeouts(limits: ConnectionLimits): FastifyServerOptions {
  return {
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // A socket with no traffic at all for as long as a whole request may take is gone.
    connectionTimeout: limits.requestTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      // Node checks the header and request deadlines on this interval (30 s by default).
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    },
  } as FastifyServerOptions;
}

/**
 * Caps the open connections of each remote address: one over the cap is destroyed as it arrives, before a byte
 * of it is parsed. Counts the TCP peer, so behind a proxy it counts the proxy (config turns it off there).
 */
export function limitConnectionsPerAddress(server: Server, maxPerAddress: number): void {
  if (maxPerAddress <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = (open.get(address) ?? 0) + 1;
    if (count > maxPerAddress) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
