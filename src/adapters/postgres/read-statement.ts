/**
 * A statement that only reads, which the embedded database's thread takes first: a SELECT, or the EXECUTE of one
 * (`readPrepared` prepares reads only). Anything else, a WITH that may write included, waits its turn; the order
 * only decides who waits, never what a statement sees.
 */
export const isReadStatement = (text: string): boolean => /^\s*(select|execute)\b/i.test(text);
