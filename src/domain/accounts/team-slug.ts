import type { Branded } from '../value.ts';
import { toNamespaceName } from './namespace-name.ts';

/** A team slug is a namespace: lowercase `a-z0-9-`, 2-39 characters. */
export type TeamSlug = Branded<'TeamSlug'>;

export function toTeamSlug(value: unknown, where = 'slug'): TeamSlug {
  return toNamespaceName(value, where) as string as TeamSlug;
}
