import type { Actor } from '../../domain/accounts/actor.ts';
import { type ApiToken, TOKEN_SCOPES, type TokenScope } from '../../domain/accounts/api-token.ts';
import { type Problem, UnauthenticatedError, ValidationError } from '../../domain/errors.ts';
import { storableTextProblem } from '../../domain/manifests/json-safe.ts';
import { auditEntry } from '../audit.ts';
import type { AtlasDeps } from '../deps.ts';
import { issueToken } from './issue-token.ts';

export interface CreateTokenInput {
  readonly name: string;
  /** ISO 8601; absent for the default lifetime, 90 days. */
  readonly expiresAt?: string;
  /** What the token may do (see TOKEN_SCOPES); `['full']` when absent. */
  readonly scopes?: readonly string[];
}

const MAX_LIFETIME_MS = 366 * 24 * 3600 * 1000;
/** A token nobody remembers making should not work forever. */
export const DEFAULT_TOKEN_LIFETIME_MS = 90 * 24 * 3600 * 1000;

/**
 * Creates a personal API token for the CLI or CI. The secret is returned once; only its hash is kept.
 * - the name is 1-100 characters of text PostgreSQL can store; an expiry must be in the future and within a year;
 * - without an expiry the token lives 90 days: every token expires;
 * - `scopes` is a non-empty list of known scopes, each once (`full` when absent): a `registry:read` token reads
 *   the MCP Registry API and nothing else, so it can sit in an editor's settings without opening the whole API.
 */
export async function createToken(
  { db, clock }: Pick<AtlasDeps, 'db' | 'clock'>,
  input: CreateTokenInput,
  actor: Actor,
): Promise<{ token: ApiToken; secret: string }> {
  if (!actor.user) throw new UnauthenticatedError('sign in first');
  const now = clock.now();
  const problems: Problem[] = [];
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
  const scopes = scopesOf(input.scopes, problems);
  if (problems.length > 0) throw new ValidationError(problems);
  const user = actor.user;
  const issued = issueToken(user.id, 'personal', name, now, expiresAt, scopes);
  await db.transaction(async (tx) => {
    await tx.tokens.insert(issued.token);
    await tx.audit.append(
      auditEntry(actor, now, 'token.create', `token/${issued.token.id}`, {
        name,
        expiresAt: expiresAt.toISOString(),
        scopes,
      }),
    );
  });
  return issued;
}

function scopesOf(scopes: readonly string[] | undefined, problems: Problem[]): TokenScope[] {
  if (scopes === undefined) return ['full'];
  const known = new Set<string>(TOKEN_SCOPES);
  const out: TokenScope[] = [];
  if (!Array.isArray(scopes) || scopes.length === 0) {
    problems.push({ path: 'scopes', message: `must list at least one of ${TOKEN_SCOPES.join(', ')}` });
    return out;
  }
  scopes.forEach((scope, index) => {
    if (typeof scope !== 'string' || !known.has(scope)) {
      problems.push({
        path: `scopes/${index}`,
        message: `${JSON.stringify(scope)} is not a scope; the scopes are ${TOKEN_SCOPES.join(', ')}`,
      });
    } else if (out.includes(scope as TokenScope)) {
      problems.push({ path: `scopes/${index}`, message: `${scope} is listed twice` });
    } else {
      out.push(scope as TokenScope);
    }
  });
  return out;
}
