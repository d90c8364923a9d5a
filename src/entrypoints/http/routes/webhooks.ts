import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AtlasDeps } from '../../../application/deps.ts';
import { receiveWebhook } from '../../../application/sync/receive-webhook.ts';
import { withProblems } from '../schemas.ts';

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** GitHub push webhooks: verified, stored by delivery id, queued, and answered at once. */
export const webhookRoutes: FastifyPluginAsyncTypebox<{ deps: AtlasDeps }> = async (app, { deps }) => {
  // The signature covers the exact bytes GitHub sent, so this route keeps the body as text.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  // GitHub can also send form-encoded deliveries; taking them as text lets the answer say to switch to JSON.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );

  app.post(
    '/github',
    {
      schema: {
        tags: ['sync'],
        summary: 'Receive a GitHub push webhook (signed with ATLAS_WEBHOOK_SECRET)',
        description:
          'Answers 202 once the delivery is stored and a sync is queued; 200 for a repeat, a ping, or a push Atlas does not follow.',
        headers: Type.Object({
          'x-github-event': Type.Optional(Type.String({ maxLength: 100 })),
          'x-github-delivery': Type.Optional(Type.String({ maxLength: 200 })),
          'x-hub-signature-256': Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: withProblems({
          200: Type.Object({ outcome: Type.String(), reason: Type.Optional(Type.String()) }),
          202: Type.Object({ outcome: Type.String() }),
        }),
      },
    },
    async (request, reply) => {
      const receipt = await receiveWebhook(deps, {
        deliveryId: header(request.headers['x-github-delivery']),
        event: header(request.headers['x-github-event']),
        signature: header(request.headers['x-hub-signature-256']),
        payload: typeof request.body === 'string' ? request.body : '',
      });
      return reply.status(receipt.outcome === 'queued' ? 202 : 200).send(receipt);
    },
  );
};
