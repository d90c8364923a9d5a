import { type Branded, invalid, requireString } from '../value.ts';

/**
 * An email address as accounts use it: trimmed, one `@`, a dotted domain, at most 254 characters.
 * The domain is lowercased; uniqueness is case-insensitive over the whole address.
 */
export type Email = Branded<'Email'>;

const LOCAL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function toEmail(value: unknown, where = 'email'): Email {
  const text = requireString(value, where).trim();
  if (text.length > 254) invalid(where, 'must be at most 254 characters');
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) invalid(where, 'must be an address like name@example.com');
  const local = text.slice(0, at);
  const domain = text.slice(at + 1).toLowerCase();
  if (local.length > 64 || !LOCAL.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    invalid(where, 'has an invalid part before the @ (ASCII letters, digits and . _ % + - only)');
  }
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) {
    invalid(where, 'has an invalid domain (ASCII letters, digits, hyphens and dots, like example.com)');
  }
  return `${local}@${domain}` as Email;
}
