import { type Static, Type } from 'typebox';
import { DateTime, refTo } from './common.ts';
import { TeamRoleSchema, TeamSchema } from './teams.ts';

export const UserSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    username: Type.String(),
    email: Type.String(),
    displayName: Type.String(),
    isAdmin: Type.Boolean(),
    createdAt: DateTime,
  },
  {
    $id: 'User',
    examples: [
      {
        id: '01936f5e-1b2c-7d3e-8f40-123456789abc',
        username: 'alice',
        email: 'alice@example.com',
        displayName: 'Alice',
        isAdmin: false,
        createdAt: '2026-11-30T09:00:00.000Z',
      },
    ],
  },
);
export type User = Static<typeof UserSchema>;

const newAccountFields = {
  email: Type.String({ maxLength: 254, examples: ['alice@example.com'] }),
  username: Type.String({ maxLength: 39, examples: ['alice'] }),
  password: Type.String({ maxLength: 256, examples: ['a long passphrase'] }),
  displayName: Type.Optional(Type.String({ maxLength: 100 })),
};

/** `POST /auth/register`. */
export const NewAccountSchema = Type.Object(newAccountFields, { additionalProperties: false });
export type NewAccount = Static<typeof NewAccountSchema>;

/** `POST /users`: an account an administrator creates. */
export const NewUserSchema = Type.Object(
  { ...newAccountFields, isAdmin: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type NewUser = Static<typeof NewUserSchema>;

/** `POST /auth/login`. */
export const LoginSchema = Type.Object(
  {
    login: Type.String({
      minLength: 1,
      maxLength: 254,
      description: 'Email or username.',
      examples: ['alice'],
    }),
    password: Type.String({ maxLength: 256 }),
  },
  { additionalProperties: false },
);
export type Login = Static<typeof LoginSchema>;

export const SignedInSchema = Type.Object({
  user: refTo(UserSchema),
  token: Type.String({ description: 'A session token; send it as `Authorization: Bearer <token>`.' }),
});
export type SignedIn = Static<typeof SignedInSchema>;

export const UserAnswerSchema = Type.Object({ user: refTo(UserSchema) });
export type UserAnswer = Static<typeof UserAnswerSchema>;

/** `GET /me`: the signed-in user, with their teams and roles. */
export const MeSchema = Type.Object({
  user: refTo(UserSchema),
  teams: Type.Array(Type.Object({ team: refTo(TeamSchema), role: TeamRoleSchema })),
});
export type Me = Static<typeof MeSchema>;
