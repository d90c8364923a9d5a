import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listAudit } from '../../../application/audit/list-audit.ts';
import type { AtlasDeps } from '../../../application/deps.ts';
import { presentAudit } from '../presenters.ts';
import { PageQuery, withProblems } from '../schemas.ts';

/** The audit log, for site admins. */
export const auditRoutes: FastifyPluginAsyncTypebox<{ deps: AtlasDeps }> = async (app, { deps }) => {
  app.get(
    '',
    {
      schema: {
        tags: ['audit'],
        summary: 'Who wrote what, when and from where; newest first (administrators)',
        security: [{ bearer: [] }],
        querystring: Type.Object(
          {
            actor: Type.Optional(Type.String({ maxLength: 64, description: 'A username.' })),
            action: Type.Optional(
              Type.String({ maxLength: 100, description: 'An action, or a prefix ending in "." such as "team."' }),
            ),
            target: Type.Optional(Type.String({ maxLength: 300 })),
            since: Type.Optional(Type.String({ format: 'date-time' })),
            until: Type.Optional(Type.String({ format: 'date-time' })),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: withProblems({
          200: Type.Object({ items: Type.Array(Type.Ref('AuditEntry')), nextCursor: Type.Optional(Type.String()) }),
        }),
      },
    },
    async (request) => {
      const { limit, cursor, ...filter } = request.query;
      const page = await listAudit(deps, filter, { limit: limit ?? 20, cursor }, request.actor);
      return { items: page.items.map(presentAudit), nextCursor: page.nextCursor };
    },
  );
};
