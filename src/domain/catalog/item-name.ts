import { type Branded, invalid, requireString } from '../value.ts';

/** Lowercase `a-z0-9-`, 1-64 characters, no leading, trailing or double hyphen (the Agent Skills rule). */
export type ItemName = Branded<'ItemName'>;

export const NAME_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Checks a name against the naming rule shared by items and namespaces; returns the reason it fails. */
export function nameProblem(value: string, max: number): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > max) return `must be at most ${max} characters`;
  if (!NAME_PATTERN.test(value)) {
    return 'may contain only lowercase letters a-z, digits and single hyphens, and must not start or end with a hyphen';
  }
  return undefined;
}

export function toItemName(value: unknown, where = 'name'): ItemName {
  const text = requireString(value, where);
  const problem = nameProblem(text, 64);
  if (problem) invalid(where, problem);
  return text as ItemName;
}
