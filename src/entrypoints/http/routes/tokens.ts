import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { preHandlerHookHandler } from 'fastify';
import { createToken } from '../../../application/accounts/create-token.ts';
import { listTokens } from '../../../application/accounts/list-tokens.ts';
import { revokeToken } from '../../../application/accounts/revoke-token.ts';
import type { AtlasDeps } from '../../../application/deps.ts';
import { presentToken } from '../presenters.ts';
import { NoContent } from '../schemas/common.ts';
import { withProblems } from '../schemas/problem.ts';
import { CreatedTokenSchema, NewTokenSchema, TokenListSchema, TokenParamsSchema } from '../schemas/tokens.ts';
import { noStore } from './accounts.ts';

/** Personal API tokens: create (the secret is shown once), list without secrets, revoke. */
export const tokenRoutes: FastifyPluginAsyncTypebox<{
  deps: AtlasDeps;
  limitByAddress: preHandlerHookHandler;
  limitByUser: preHandlerHookHandler;
}> = async (app, { deps, limitByAddress, limitByUser }) => {
  app.post(
    '',
    {
      preHandler: [limitByAddress, limitByUser],
      onSend: noStore,
      schema: {
        tags: ['tokens'],
        summary: 'Create a personal API token; its secret is in this answer only',
        security: [{ bearer: [] }],
        body: NewTokenSchema,
        response: withProblems({ 201: CreatedTokenSchema }),
      },
    },
    async (request, reply) => {
      const { token, secret } = await createToken(deps, request.body, request.actor);
      return reply.status(201).send({ token: presentToken(token), secret });
    },
  );

  app.get(
    '',
    {
      onSend: noStore,
      schema: {
        tags: ['tokens'],
        summary: "The signed-in user's tokens (sessions included), without secrets",
        security: [{ bearer: [] }],
        response: withProblems({ 200: TokenListSchema }),
      },
    },
    async (request) => ({ items: (await listTokens(deps, request.actor)).map(presentToken) }),
  );

  app.delete(
    '/:id',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Revoke a token at once',
        security: [{ bearer: [] }],
        params: TokenParamsSchema,
        response: withProblems({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await revokeToken(deps, request.params.id, request.actor);
      return reply.status(204).send(null);
    },
  );
};
