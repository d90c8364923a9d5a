import type { Branded } from '../value.ts';
import { toNamespaceName } from './namespace-name.ts';

/** A username is a namespace: lowercase `a-z0-9-`, 2-39 characters. */
export type Username = Branded<'Username'>;

export function toUsername(value: unknown, where = 'username'): Username {
  return toNamespaceName(value, where) as string as Username;
}
