import { ValidationError } from './errors.ts';

type CursorValue = string | number | null;

/**
 * Opaque keyset cursors: the sort key values of the last row of a page, tagged with the list and
 * sort they belong to, so a cursor from one list cannot be replayed against another.
 */
export function encodeCursor(tag: string, values: readonly CursorValue[]): string {
  return Buffer.from(JSON.stringify([tag, ...values])).toString('base64url');
}

export function decodeCursor(tag: string, cursor: string, arity: number): CursorValue[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const valid =
    Array.isArray(parsed) &&
    parsed.length === arity + 1 &&
    parsed[0] === tag &&
    parsed.slice(1).every((v) => v === null || typeof v === 'string' || typeof v === 'number');
  if (!valid) {
    throw new ValidationError({
      path: 'cursor',
      message: 'is not a cursor this list issued; start again without a cursor',
    });
  }
  return (parsed as CursorValue[]).slice(1);
}
