import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { preHandlerHookHandler } from 'fastify';
import { Type } from 'typebox';
import { createToken } from '../../../application/accounts/create-token.ts';
import { listTokens } from '../../../application/accounts/list-tokens.ts';
import { revokeToken } from '../../../application/accounts/revoke-token.ts';
import type { AtlasDeps } from '../../../application/deps.ts';
import { presentToken } from '../presenters.ts';
import { withProblems } from '../schemas.ts';

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
      schema: {
        tags: ['tokens'],
        summary: 'Create a personal API token; its secret is in this answer only',
        security: [{ bearer: [] }],
        body: Type.Object(
          {
            name: Type.String({ maxLength: 100, examples: ['laptop CLI'] }),
            expiresAt: Type.Optional(Type.String({ format: 'date-time', examples: ['2027-06-30T00:00:00Z'] })),
          },
          { additionalProperties: false },
        ),
        response: withProblems({
          201: Type.Object({ token: Type.Ref('Token'), secret: Type.String({ description: 'Shown once.' }) }),
        }),
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
      schema: {
        tags: ['tokens'],
        summary: "The signed-in user's tokens (sessions included), without secrets",
        security: [{ bearer: [] }],
        response: withProblems({ 200: Type.Object({ items: Type.Array(Type.Ref('Token')) }) }),
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
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: withProblems({ 204: Type.Null() }),
      },
    },
    async (request, reply) => {
      await revokeToken(deps, request.params.id, request.actor);
      return reply.status(204).send(null);
    },
  );
};
