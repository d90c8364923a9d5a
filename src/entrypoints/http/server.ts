import { createAtlas } from '../../composition-root.ts';
import type { AtlasConfig } from '../../config.ts';
import { startSyncRuntime } from '../worker/sync-runtime.ts';
import { buildApp } from './app.ts';
import { connectionTimeouts, limitConnectionsPerAddress } from './connection-limits.ts';

/** Request fields that carry secrets; pino replaces them before a line is written. */
export const LOG_REDACT = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-hub-signature-256"]'];

/** Starts Atlas: opens the database, builds the app, listens, and shuts down cleanly on SIGINT/SIGTERM. */
export async function startServer(config: AtlasConfig): Promise<{ url: string; stop(): Promise<void> }> {
  // Serve also runs a sync worker and takes part in electing the poller (see sync-runtime.ts).
  const started = performance.now();
  const atlas = await createAtlas(config);
  const app = await buildApp(atlas.deps, {
    maxBodyBytes: config.maxBodyBytes,
    maxRequestBytes: config.maxRequestBytes,
    publishConcurrency: config.publishConcurrency,
    processMetrics: true,
    corsOrigins: config.corsOrigins,
    allowedHosts: config.allowedHosts,
    trustProxy: config.trustProxy,
    fastify: {
      ...connectionTimeouts(config.connections),
      logger: {
        level: config.logLevel,
        redact: LOG_REDACT,
      },
    },
  });
  limitConnectionsPerAddress(app.server, config.connections.maxPerAddress);
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close();
    await atlas.close();
    throw error;
  }
  const runtime = startSyncRuntime(atlas.deps, { log: app.log });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host =
    config.host === '127.0.0.1' || config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host}:${port}`;
  app.log.info(
    {
      url,
      database: atlas.database.engine,
      ...(atlas.database.engine === 'pglite' ? { databaseThread: atlas.database.ownThread } : {}),
      home: config.home,
      readyMs: Math.round(performance.now() - started),
    },
    `Atlas is ready at ${url}`,
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await app.close();
      await runtime.stop();
      await atlas.close();
    })();
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // Every time, not once: a signal that comes again while stopping (Ctrl-C reaches both a launcher and its
    // server, allocator-respawn.ts) must not end the process before the database is closed.
    process.on(signal, () => {
      if (stopping) return;
      app.log.info({ signal }, 'shutting down');
      stop().then(
        () => process.exit(0),
        (error) => {
          app.log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
  return { url, stop };
}
