import { ValidationError } from '../errors.ts';
import { COMMON_PASSWORDS } from './common-passwords.ts';

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

const LOOK_ALIKES: Record<string, string> = {
  '@': 'a',
  '4': 'a',
  '3': 'e',
  '1': 'i',
  '!': 'i',
  '0': 'o',
  $: 's',
  '5': 's',
  '7': 't',
};

/**
 * Whether a password is one guessing tools try first: on the common list (case-insensitively), or a
 * stem from it followed by digits or symbols, look-alike characters read as letters (`P@ssw0rd2024!`).
 */
export function isCommonPassword(password: string): boolean {
  const lowered = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lowered)) return true;
  const stem = lowered.replace(/[^\p{L}]+$/u, '');
  if (stem === '') return false;
  if (COMMON_PASSWORDS.has(stem)) return true;
  return COMMON_PASSWORDS.has([...stem].map((c) => LOOK_ALIKES[c] ?? c).join(''));
}

/**
 * The password rule: 10-256 characters, not one of the commonest passwords (see isCommonPassword),
 * and not built from the account's own username or email.
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
  if (length >= PASSWORD_MIN && isCommonPassword(password)) problems.push('is too common; choose another');
  if (problems.length > 0) throw new ValidationError(problems.map((message) => ({ path: 'password', message })));
  return password;
}
