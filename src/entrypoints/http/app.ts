import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import type { AtlasDeps } from '../../application/deps.ts';
import { handleError, sendProblem } from './error-handler.ts';
import { registerMetrics } from './metrics.ts';
import { healthRoutes } from './routes/health.ts';

export interface AppOptions {
  /** Largest request body in bytes. */
  readonly maxBodyBytes?: number;
  /** Node process metrics (memory, event loop) on /metrics; off in tests that build many apps. */
  readonly processMetrics?: boolean;
  readonly fastify?: FastifyServerOptions;
}

/** Builds the HTTP app with every route; never listens (see server.ts). */
export async function buildApp(deps: AtlasDeps, options: AppOptions = {}) {
  const app = Fastify({
    bodyLimit: options.maxBodyBytes ?? 1024 * 1024,
    // Unknown fields are an error, not silently dropped; querystrings still coerce "10" to 10.
    ajv: { customOptions: { removeAdditional: false, allErrors: true, coerceTypes: 'array', useDefaults: true } },
    ...options.fastify,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Before any route is registered, so every route inherits it.
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, 404, 'not_found', `no route for ${request.method} ${request.url.split('?')[0]}`),
  );

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Atlas',
        version: '0.1.0',
        description: 'The catalog of skills, MCP servers and tools for AI agents.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A session or API token.' } },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const registry = registerMetrics(app, { processMetrics: options.processMetrics ?? false });
  await app.register(healthRoutes, { deps, registry });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}

export type AtlasApp = Awaited<ReturnType<typeof buildApp>>;
