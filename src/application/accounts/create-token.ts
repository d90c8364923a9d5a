import type { Actor } from '../../domain/accounts/actor.ts';
import type { ApiToken } from '../../domain/accounts/api-token.ts';
import { UnauthenticatedError, ValidationError } from '../../domain/errors.ts';
import { storableTextProblem } from '../../domain/manifests/json-safe.ts';
import { auditEntry } from '../audit.ts';
import type { AtlasDeps } from '../deps.ts';
import { issueToken } from './issue-token.ts';

export interface CreateTokenInput {
  readonly name: string;
  /** ISO 8601; absent for the default lifetime, 90 days. */
  readonly expiresAt?: string;
}

const MAX_LIFETIME_MS = 366 * 24 * 3600 * 1000;
/** A token nobody remembers making should not work forever. */
export const DEFAULT_TOKEN_LIFETIME_MS = 90 * 24 * 3600 * 1000;

/**
 * Creates a personal API token for the CLI or CI. The secret is returned once; only its hash is kept.
 * - the name is 1-100 characters of text PostgreSQL can store; an expiry must be in the future and within a year;
 * - without an expiry the token lives 90 days: every token expires.
 */
export async function createToken(
  { db, clock }: Pick<AtlasDeps, 'db' | 'clock'>,
  input: CreateTokenInput,
  actor: Actor,
): Promise<{ token: ApiToken; secret: string }> {
  if (!actor.user) throw new UnauthenticatedError('sign in first');
  const now = clock.now();
  const problems = [];
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  const unstorable = storableTextProblem(name);
  if (unstorable) problems.push({ path: 'name', message: unstorable });
  else if (name.length < 1 || name.length > 100) problems.push({ path: 'name', message: 'must be 1-100 characters' });
  let expiresAt = new Date(now.getTime() + DEFAULT_TOKEN_LIFETIME_MS);
  if (input.expiresAt !== undefined) {
    expiresAt = new Date(input.expiresAt);
    if (Number.isNaN(expiresAt.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(input.expiresAt)) {
      problems.push({ path: 'expiresAt', message: 'must be an ISO 8601 date-time, e.g. 2027-01-31T00:00:00Z' });
    } else if (expiresAt <= now) {
      problems.push({ path: 'expiresAt', message: 'must be in the future' });
    } else if (expiresAt.getTime() - now.getTime() > MAX_LIFETIME_MS) {
      problems.push({ path: 'expiresAt', message: 'must be within a year' });
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
  const user = actor.user;
  const issued = issueToken(user.id, 'personal', name, now, expiresAt);
  await db.transaction(async (tx) => {
    await tx.tokens.insert(issued.token);
    await tx.audit.append(
      auditEntry(actor, now, 'token.create', `token/${issued.token.id}`, {
        name,
        expiresAt: expiresAt.toISOString(),
      }),
    );
  });
  return issued;
}
