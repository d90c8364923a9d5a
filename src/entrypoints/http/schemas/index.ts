import { UserSchema } from './accounts.ts';
import { AuditEntrySchema } from './audit.ts';
import { ItemSchema } from './items.ts';
import { ProblemSchema } from './problem.ts';
import { MemberSchema, TeamSchema } from './teams.ts';
import { TokenSchema } from './tokens.ts';

/**
 * The schemas with an `$id`, registered once (`app.addSchema`) so routes reference them with `refTo` and the
 * OpenAPI document holds each as one component. The order names the components (`def-0`, ...): append, do not
 * reorder. Each resource's schemas and types are imported from its own file, not from here.
 */
export const SHARED_SCHEMAS = [
  ProblemSchema,
  UserSchema,
  TeamSchema,
  MemberSchema,
  TokenSchema,
  AuditEntrySchema,
  ItemSchema,
];
