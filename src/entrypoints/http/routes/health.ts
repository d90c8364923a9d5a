import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Registry } from 'prom-client';
import type { AtlasDeps } from '../../../application/deps.ts';
import { HealthSchema } from '../schemas/health.ts';

/** Liveness, readiness (the database answers) and Prometheus metrics. */
export const healthRoutes: FastifyPluginAsyncTypebox<{ deps: AtlasDeps; registry: Registry }> = async (
  app,
  { deps, registry },
) => {
  app.get(
    '/healthz',
    { schema: { tags: ['operations'], summary: 'Liveness: the process answers', response: { 200: HealthSchema } } },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: the database answers',
        response: { 200: HealthSchema, 503: HealthSchema },
      },
    },
    async (_request, reply) => {
      try {
        await deps.db.ping();
        return { status: 'ok' };
      } catch {
        return reply.status(503).send({ status: 'database unreachable' });
      }
    },
  );
  app.get(
    '/metrics',
    { schema: { tags: ['operations'], summary: 'Prometheus metrics', produces: ['text/plain'] } },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  );
};
