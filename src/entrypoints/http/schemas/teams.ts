import { type Static, Type } from 'typebox';
import { TEAM_ROLES } from '../../../domain/accounts/team.ts';
import { DateTime, literalUnion, pageOf, refTo } from './common.ts';

export const TeamRoleSchema = literalUnion(TEAM_ROLES);
export type TeamRole = Static<typeof TeamRoleSchema>;

export const TeamSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    slug: Type.String(),
    name: Type.String(),
    description: Type.String(),
    createdAt: DateTime,
  },
  { $id: 'Team' },
);
export type Team = Static<typeof TeamSchema>;

export const MemberSchema = Type.Object(
  {
    username: Type.String(),
    displayName: Type.String(),
    role: TeamRoleSchema,
    since: DateTime,
  },
  { $id: 'Member' },
);
export type Member = Static<typeof MemberSchema>;

export const TeamParamsSchema = Type.Object({ slug: Type.String({ maxLength: 64 }) });
export const MemberParamsSchema = Type.Object({
  slug: Type.String({ maxLength: 64 }),
  username: Type.String({ maxLength: 64 }),
});

export const NewTeamSchema = Type.Object(
  {
    slug: Type.String({ maxLength: 39, examples: ['platform'] }),
    name: Type.String({ maxLength: 100, examples: ['Platform team'] }),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type NewTeam = Static<typeof NewTeamSchema>;

export const TeamAnswerSchema = Type.Object({ team: refTo(TeamSchema) });
export type TeamAnswer = Static<typeof TeamAnswerSchema>;

export const TeamPageSchema = pageOf(refTo(TeamSchema));
export type TeamPage = Static<typeof TeamPageSchema>;

export const TeamDetailsSchema = Type.Object({ team: refTo(TeamSchema), members: Type.Array(refTo(MemberSchema)) });
export type TeamDetails = Static<typeof TeamDetailsSchema>;

export const MemberRoleSchema = Type.Object({ role: TeamRoleSchema }, { additionalProperties: false });
export type MemberRole = Static<typeof MemberRoleSchema>;

export const MemberAnswerSchema = Type.Object({ member: refTo(MemberSchema) });
export type MemberAnswer = Static<typeof MemberAnswerSchema>;
