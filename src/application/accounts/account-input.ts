import { type Email, toEmail } from '../../domain/accounts/email.ts';
import { checkPassword } from '../../domain/accounts/password.ts';
import { toUsername, type Username } from '../../domain/accounts/username.ts';
import { collectProblems } from '../../domain/errors.ts';
import { requireStorableText } from '../../domain/manifests/json-safe.ts';
import { invalid } from '../../domain/value.ts';

export interface AccountInput {
  readonly email: unknown;
  readonly username: unknown;
  readonly password: unknown;
  readonly displayName?: unknown;
}

/** Validates a new account's fields, every problem reported at once; text PostgreSQL cannot store is refused. */
export function parseAccountInput(input: AccountInput): {
  email: Email;
  username: Username;
  password: string;
  displayName: string;
} {
  const { email, username, displayName } = collectProblems({
    email: () => toEmail(input.email),
    username: () => toUsername(input.username),
    displayName: () => displayNameOf(input.displayName, input.username),
  });
  const { password } = collectProblems({
    password: () => requireStorableText(checkPassword(input.password, { username, email }), 'password'),
  });
  return { email, username, password, displayName };
}

function displayNameOf(value: unknown, username: unknown): string {
  if (value === undefined || value === null) return typeof username === 'string' ? username : '';
  if (typeof value !== 'string') invalid('displayName', 'must be a string');
  requireStorableText(value, 'displayName');
  const trimmed = value.trim().normalize('NFC');
  if (trimmed.length === 0 || trimmed.length > 100) invalid('displayName', 'must be 1-100 characters');
  return trimmed;
}
