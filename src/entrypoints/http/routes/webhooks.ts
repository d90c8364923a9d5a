import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AtlasDeps } from '../../../application/deps.ts';
import { type ReceiveWebhookInput, receiveWebhook } from '../../../application/sync/receive-webhook.ts';
import { ValidationError } from '../../../domain/errors.ts';
import { withProblems } from '../schemas/problem.ts';
import { WebhookHeadersSchema, WebhookReceiptSchema } from '../schemas/sync.ts';

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** Where each input of the delivery travels: a problem with it is reported there, as the client sent it. */
const WIRE_PATHS: Record<keyof ReceiveWebhookInput, string> = {
  deliveryId: 'headers/x-github-delivery',
  event: 'headers/x-github-event',
  signature: 'headers/x-hub-signature-256',
  payload: 'body',
};

function atWirePaths(error: unknown): unknown {
  if (!(error instanceof ValidationError)) return error;
  const wire = (path: string) => WIRE_PATHS[path as keyof ReceiveWebhookInput] ?? path;
  return new ValidationError(error.problems.map((problem) => ({ ...problem, path: wire(problem.path) })));
}

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
        headers: WebhookHeadersSchema,
        response: withProblems({ 200: WebhookReceiptSchema, 202: WebhookReceiptSchema }),
      },
    },
    async (request, reply) => {
      const receipt = await receiveWebhook(deps, {
        deliveryId: header(request.headers['x-github-delivery']),
        event: header(request.headers['x-github-event']),
        signature: header(request.headers['x-hub-signature-256']),
        payload: typeof request.body === 'string' ? request.body : '',
      }).catch((error: unknown) => {
        throw atWirePaths(error);
      });
      return reply.status(receipt.outcome === 'queued' ? 202 : 200).send(receipt);
    },
  );
};
