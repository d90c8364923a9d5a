import { nameProblem } from '../catalog/item-name.ts';
import { type Branded, invalid, requireString } from '../value.ts';

/**
 * A namespace: a username or a team slug. Both share one space, so a team and a user never claim
 * the same name. Lowercase `a-z0-9-`, 2-39 characters; input is folded to lowercase first so that
 * case variants of a taken name collide, and anything outside ASCII (look-alikes) is refused.
 */
export type NamespaceName = Branded<'NamespaceName'>;

const RESERVED = new Set(['admin', 'api', 'atlas', 'root', 'system', 'me', 'new', 'settings', 'healthz', 'metrics']);

export function toNamespaceName(value: unknown, where = 'namespace'): NamespaceName {
  const text = requireString(value, where).toLowerCase();
  if (text.length === 1) invalid(where, 'must be at least 2 characters');
  const problem = nameProblem(text, 39);
  if (problem) invalid(where, problem);
  if (RESERVED.has(text)) invalid(where, `"${text}" is reserved`);
  return text as NamespaceName;
}

/** Looks a namespace up without claiming it: lowercases, no reservation check. */
export function normalizeNamespace(value: string): string {
  return value.toLowerCase();
}
