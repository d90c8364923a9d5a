import { type Static, Type } from 'typebox';
import { DateTime, PageQuery, pageOf, refTo } from './common.ts';

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
export type AuditEntry = Static<typeof AuditEntrySchema>;

export const AuditQuerySchema = Type.Object(
  {
    actor: Type.Optional(Type.String({ maxLength: 64, description: 'A username.' })),
    action: Type.Optional(
      Type.String({ maxLength: 100, description: 'An action, or a prefix ending in "." such as "team."' }),
    ),
    target: Type.Optional(Type.String({ maxLength: 300 })),
    since: Type.Optional(DateTime),
    until: Type.Optional(DateTime),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuerySchema>;

export const AuditPageSchema = pageOf(refTo(AuditEntrySchema));
export type AuditPage = Static<typeof AuditPageSchema>;
