import { ValidationError } from './errors.ts';

/** A string that passed the checks of the value object named by `B`. */
export type Branded<B extends string> = string & { readonly __brand: B };

/** Reads a required string for a value object, or throws a ValidationError naming `where`. */
export function requireString(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new ValidationError({ path: where, message: 'must be a string' });
  return value;
}

export function invalid(where: string, message: string): never {
  throw new ValidationError({ path: where, message });
}
