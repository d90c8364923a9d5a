/**
 * Running a statement PGlite has prepared (`PREPARE name AS text`): PGlite has one session and no protocol-level
 * named statements, so a prepared statement runs as `EXECUTE name(values)`, its values written as literals. Used
 * by `readPrepared` (prepared-statements.ts) on PGlite in the calling thread, and by the database thread
 * (pglite-worker.ts) for the statements it prepares itself.
 */

/**
 * Ends a statement that must be planned for its values every time it runs (how common a value is decides the
 * plan): the database thread never prepares a statement whose text ends with it. A comment, so a server ignores it.
 */
export const PLAN_EACH_TIME = '/* planned each time */';

/** A value a literal carries exactly: a string without NUL (which would end the statement's text there), a number, a boolean, a bigint, or nothing. */
export type Plain = string | number | boolean | bigint | null | undefined;

export const isPlain = (value: unknown): value is Plain =>
  typeof value === 'string'
    ? !value.includes('\0')
    : value == null || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint';

/**
 * Every value quoted as a string: the text PGlite's text-format bind would have sent, which PostgreSQL converts
 * to the parameter's type the same way. Needs `standard_conforming_strings` (a backslash is a backslash).
 */
const literalOf = (value: Plain) => (value == null ? 'null' : `'${String(value).replaceAll("'", "''")}'`);

/**
 * Runs the statement prepared as `name` from `text` on `target` (PGlite, one of its transactions, or the
 * database thread). A failure names `text`, the statement as written, never the EXECUTE whose literals carry the
 * values: an error's statement may be logged (a token's hash).
 */
export async function executePrepared<R, O>(
  target: { query(text: string, params: unknown[], options?: O): Promise<R> },
  name: string,
  text: string,
  params: readonly Plain[],
  options?: O,
): Promise<R> {
  const args = params.length === 0 ? '' : `(${params.map(literalOf).join(', ')})`;
  try {
    return await target.query(`execute ${name}${args}`, [], options);
  } catch (error) {
    if (error instanceof Error) Object.assign(error, { query: text });
    throw error;
  }
}
