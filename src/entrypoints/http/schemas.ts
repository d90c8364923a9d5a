import { type TSchema, Type } from 'typebox';

/** The RFC 9457 problem document every error answers with. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable machine-readable error code.' }),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    problems: Type.Optional(
      Type.Array(
        Type.Object({
          path: Type.String({ description: 'Where: a field, JSON pointer or file path.' }),
          message: Type.String({ description: 'What is wrong.' }),
        }),
      ),
    ),
    currentTreeSha: Type.Optional(
      Type.String({ description: "A write refused for its revision: the item's current tree SHA, for If-Match." }),
    ),
  },
  {
    $id: 'Problem',
    examples: [
      {
        type: 'urn:atlas:problem:validation',
        title: 'Bad Request',
        status: 400,
        code: 'validation',
        detail: 'username: must be at least 2 characters',
        problems: [{ path: 'username', message: 'must be at least 2 characters' }],
      },
    ],
  },
);

/** Adds the problem document for every error status to a route's responses. */
export function withProblems<T extends Record<number, TSchema>>(responses: T) {
  const problem = Type.Ref('Problem');
  return { ...responses, '4xx': problem, '5xx': problem };
}

const DateTime = Type.String({ format: 'date-time' });

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

export const MemberSchema = Type.Object(
  {
    username: Type.String(),
    displayName: Type.String(),
    role: Type.Union([Type.Literal('owner'), Type.Literal('maintainer'), Type.Literal('member')]),
    since: DateTime,
  },
  { $id: 'Member' },
);

export const TokenSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    kind: Type.Union([Type.Literal('session'), Type.Literal('personal')]),
    name: Type.String(),
    prefix: Type.String({ description: 'The first characters of the secret, to tell tokens apart.' }),
    createdAt: DateTime,
    expiresAt: Type.Union([DateTime, Type.Null()]),
    lastUsedAt: Type.Union([DateTime, Type.Null()]),
    revokedAt: Type.Union([DateTime, Type.Null()]),
  },
  { $id: 'Token' },
);

export const AuditEntrySchema = Type.Object(
  {
    id: Type.String(),
    at: DateTime,
    actor: Type.Union([Type.String(), Type.Null()]),
    action: Type.String(),
    target: Type.String(),
    details: Type.Record(Type.String(), Type.Unknown()),
    ip: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'AuditEntry' },
);

export const ItemSchema = Type.Object(
  {
    ref: Type.String({ examples: ['skill/platform/pdf-tools'] }),
    kind: Type.Union([Type.Literal('skill'), Type.Literal('mcp'), Type.Literal('tool')]),
    namespace: Type.String(),
    name: Type.String(),
    title: Type.Union([Type.String(), Type.Null()]),
    description: Type.String(),
    version: Type.Union([Type.String(), Type.Null()]),
    tags: Type.Array(Type.String()),
    visibility: Type.Union([Type.Literal('org'), Type.Literal('team')]),
    status: Type.Union([
      Type.Literal('active'),
      Type.Literal('deprecated'),
      Type.Literal('deleted'),
      Type.Literal('invalid'),
    ]),
    statusMessage: Type.Union([Type.String(), Type.Null()]),
    usageCount: Type.Integer(),
    treeSha: Type.String(),
    commitSha: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Item' },
);

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(Type.String({ maxLength: 1000 })),
};

/** Shared schemas, registered once so routes reference them by `$id`. */
export const SHARED_SCHEMAS = [
  ProblemSchema,
  UserSchema,
  TeamSchema,
  MemberSchema,
  TokenSchema,
  AuditEntrySchema,
  ItemSchema,
];
