import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AtlasDeps } from '../../../application/deps.ts';
import { createTeam } from '../../../application/teams/create-team.ts';
import { getTeam } from '../../../application/teams/get-team.ts';
import { listTeams } from '../../../application/teams/list-teams.ts';
import { putTeamMember } from '../../../application/teams/put-team-member.ts';
import { removeTeamMember } from '../../../application/teams/remove-team-member.ts';
import { presentMember, presentTeam } from '../presenters.ts';
import { NoContent, PageQuerySchema } from '../schemas/common.ts';
import { withProblems } from '../schemas/problem.ts';
import {
  MemberAnswerSchema,
  MemberParamsSchema,
  MemberRoleSchema,
  NewTeamSchema,
  TeamAnswerSchema,
  TeamDetailsSchema,
  TeamPageSchema,
  TeamParamsSchema,
} from '../schemas/teams.ts';

/** Teams and their members. */
export const teamRoutes: FastifyPluginAsyncTypebox<{ deps: AtlasDeps }> = async (app, { deps }) => {
  app.post(
    '',
    {
      schema: {
        tags: ['teams'],
        summary: 'Create a team; you become its owner',
        security: [{ bearer: [] }],
        body: NewTeamSchema,
        response: withProblems({ 201: TeamAnswerSchema }),
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
        querystring: PageQuerySchema,
        response: withProblems({ 200: TeamPageSchema }),
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
        params: TeamParamsSchema,
        response: withProblems({ 200: TeamDetailsSchema }),
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
        params: MemberParamsSchema,
        body: MemberRoleSchema,
        response: withProblems({ 200: MemberAnswerSchema }),
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
        params: MemberParamsSchema,
        response: withProblems({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await removeTeamMember(deps, request.params, request.actor);
      return reply.status(204).send(null);
    },
  );
};
