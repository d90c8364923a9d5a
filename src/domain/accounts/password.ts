import { ValidationError } from '../errors.ts';

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

/**
 * The password rule: 10-256 characters, and not built from the account's own username or email.
 * Throws a ValidationError at `password` listing what is wrong; never echoes the password.
 */
export function checkPassword(password: unknown, account: { username?: string; email?: string }): string {
  const problems: string[] = [];
  if (typeof password !== 'string') throw new ValidationError({ path: 'password', message: 'must be a string' });
  const length = [...password].length;
  if (length < PASSWORD_MIN) problems.push(`must be at least ${PASSWORD_MIN} characters`);
  if (length > PASSWORD_MAX) problems.push(`must be at most ${PASSWORD_MAX} characters`);
  const lowered = password.toLowerCase();
  const local = account.email?.split('@')[0]?.toLowerCase();
  const parts = [account.username?.toLowerCase(), local, account.email?.toLowerCase()].filter(
    (p): p is string => p !== undefined && p.length >= 3,
  );
  if (parts.some((part) => lowered.includes(part))) problems.push('must not contain your username or email');
  if (length >= PASSWORD_MIN && new Set(password).size < 4)
    problems.push('must use more than three different characters');
  if (problems.length > 0) throw new ValidationError(problems.map((message) => ({ path: 'password', message })));
  return password;
}
