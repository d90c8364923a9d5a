import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AtlasDeps } from '../../../application/deps.ts';
import { createTeam } from '../../../application/teams/create-team.ts';
import { getTeam } from '../../../application/teams/get-team.ts';
import { listTeams } from '../../../application/teams/list-teams.ts';
import { putTeamMember } from '../../../application/teams/put-team-member.ts';
import { removeTeamMember } from '../../../application/teams/remove-team-member.ts';
import { presentMember, presentTeam } from '../presenters.ts';
import { PageQuery, withProblems } from '../schemas.ts';

const Slug = Type.Object({ slug: Type.String({ maxLength: 64 }) });
const SlugAndUser = Type.Object({ slug: Type.String({ maxLength: 64 }), username: Type.String({ maxLength: 64 }) });

/** Teams and their members. */
export const teamRoutes: FastifyPluginAsyncTypebox<{ deps: AtlasDeps }> = async (app, { deps }) => {
  app.post(
    '',
    {
      schema: {
        tags: ['teams'],
        summary: 'Create a team; you become its owner',
        security: [{ bearer: [] }],
        body: Type.Object(
          {
            slug: Type.String({ maxLength: 39, examples: ['platform'] }),
            name: Type.String({ maxLength: 100, examples: ['Platform team'] }),
            description: Type.Optional(Type.String({ maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: withProblems({ 201: Type.Object({ team: Type.Ref('Team') }) }),
      },
    },
    async (request, reply) => {
      const team = await createTeam(deps, request.body, request.actor);
      return reply.status(201).send({ team: presentTeam(team) });
    },
  );

  app.get(
    '',
    {
      schema: {
        tags: ['teams'],
        summary: 'List teams by slug',
        security: [{ bearer: [] }],
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: withProblems({
          200: Type.Object({ items: Type.Array(Type.Ref('Team')), nextCursor: Type.Optional(Type.String()) }),
        }),
      },
    },
    async (request) => {
      const page = await listTeams(
        deps,
        { limit: request.query.limit ?? 20, cursor: request.query.cursor },
        request.actor,
      );
      return { items: page.items.map(presentTeam), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/:slug',
    {
      schema: {
        tags: ['teams'],
        summary: 'A team with its members and their roles',
        security: [{ bearer: [] }],
        params: Slug,
        response: withProblems({
          200: Type.Object({ team: Type.Ref('Team'), members: Type.Array(Type.Ref('Member')) }),
        }),
      },
    },
    async (request) => {
      const { team, members } = await getTeam(deps, request.params.slug, request.actor);
      return { team: presentTeam(team), members: members.map(presentMember) };
    },
  );

  app.put(
    '/:slug/members/:username',
    {
      schema: {
        tags: ['teams'],
        summary: 'Add a member or change their role (team owners)',
        security: [{ bearer: [] }],
        params: SlugAndUser,
        body: Type.Object(
          { role: Type.Union([Type.Literal('owner'), Type.Literal('maintainer'), Type.Literal('member')]) },
          { additionalProperties: false },
        ),
        response: withProblems({ 200: Type.Object({ member: Type.Ref('Member') }) }),
      },
    },
    async (request) => {
      const member = await putTeamMember(deps, { ...request.params, role: request.body.role }, request.actor);
      return { member: presentMember(member) };
    },
  );

  app.delete(
    '/:slug/members/:username',
    {
      schema: {
        tags: ['teams'],
        summary: 'Remove a member (team owners), or leave the team yourself',
        security: [{ bearer: [] }],
        params: SlugAndUser,
        response: withProblems({ 204: Type.Null() }),
      },
    },
    async (request, reply) => {
      await removeTeamMember(deps, request.params, request.actor);
      return reply.status(204).send(null);
    },
  );
};
