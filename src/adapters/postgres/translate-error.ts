import {
  AtlasError,
  ConflictError,
  NotFoundError,
  ServerNameTakenError,
  UnavailableError,
  ValidationError,
} from '../../domain/errors.ts';
import { redactDatabaseError } from './connection.ts';

interface DriverError {
  code?: string;
  constraint?: string;
  detail?: string;
  message?: string;
  cause?: unknown;
}

/** What a unique constraint means to a caller, by the constraint's name (see schema.ts). */
const UNIQUE_MESSAGES: Record<string, string> = {
  users_email_key: 'email is already registered',
  users_username_key: 'that username is taken',
  namespaces_pkey: 'that name is taken by a user or a team',
  teams_slug_key: 'that team slug is taken',
  catalog_items_kind_namespace_name_key: 'an item with that reference already exists',
  catalog_items_git_path_key: 'an item already lives at that path',
  api_tokens_token_hash_key: 'token already exists',
  item_versions_item_id_commit_sha_key: 'that version is already recorded',
};

function driverErrorOf(error: unknown): DriverError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const candidate = current as DriverError;
    if (typeof candidate.code === 'string') return candidate;
    current = candidate.cause;
  }
  return undefined;
}

/**
 * Turns a driver error into the domain's: SQLSTATE 23505 is a ConflictError, and so on. Any other
 * database failure becomes a DatabaseError without bound values (see redactDatabaseError).
 */
export function translateError(error: unknown): unknown {
  if (error instanceof AtlasError) return error;
  const driver = driverErrorOf(error);
  const code = driver?.code;
  // What is not translated is redacted: the error will be logged, and must not carry bound values.
  if (!code) return redactDatabaseError(error);
  if (code === '23505') {
    if (driver.constraint === 'catalog_items_server_name_key') {
      return new ServerNameTakenError('that server name is declared by another item');
    }
    return new ConflictError((driver.constraint && UNIQUE_MESSAGES[driver.constraint]) ?? 'already exists');
  }
  // 23503: a foreign key refused the write (a referenced row is missing, or a restricted delete).
  if (code === '23503') {
    if (driver.message?.includes('update or delete')) return new ConflictError('other records still refer to it');
    return new NotFoundError('a referenced record does not exist');
  }
  // 22021 "invalid byte sequence for encoding UTF8" (a NUL in text) and 22P05 "unsupported Unicode escape
  // sequence" (\u0000 in jsonb): the domain checks come first; this is the last line of defence against a 500.
  // The driver's message may quote the value, so it is not passed on.
  if (code === '22021' || code === '22P05') {
    return new ValidationError({
      path: 'request',
      message: 'holds text the database cannot store (a NUL character or invalid Unicode); remove it and try again',
    });
  }
  // Connection failures: refused, reset, timed out, or the server shutting down (57P01..57P03).
  if (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', '57P01', '57P02', '57P03', '08006', '08001'].includes(code)
  ) {
    return new UnavailableError('the database is unreachable');
  }
  return redactDatabaseError(error);
}

/** Runs a database call and translates what it throws. */
export async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translateError(error);
  }
}
