import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listAudit } from '../../../application/audit/list-audit.ts';
import type { AtlasDeps } from '../../../application/deps.ts';
import { presentAudit } from '../presenters.ts';
import { AuditPageSchema, AuditQuerySchema } from '../schemas/audit.ts';
import { withProblems } from '../schemas/problem.ts';

/** The audit log, for site admins. */
export const auditRoutes: FastifyPluginAsyncTypebox<{ deps: AtlasDeps }> = async (app, { deps }) => {
  app.get(
    '',
    {
      schema: {
        tags: ['audit'],
        summary: 'Who wrote what, when and from where; newest first (administrators)',
        security: [{ bearer: [] }],
        querystring: AuditQuerySchema,
        response: withProblems({ 200: AuditPageSchema }),
      },
    },
    async (request) => {
      const { limit, cursor, ...filter } = request.query;
      const page = await listAudit(deps, filter, { limit: limit ?? 20, cursor }, request.actor);
      return { items: page.items.map(presentAudit), nextCursor: page.nextCursor };
    },
  );
};
