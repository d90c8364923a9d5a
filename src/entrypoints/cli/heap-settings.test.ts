import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { youngGenerationAfter } from '../../testing/young-generation-size.ts';

const HEAP_SETTINGS = JSON.stringify(fileURLToPath(new URL('./heap-settings.ts', import.meta.url)));
const CONNECTION = JSON.stringify(fileURLToPath(new URL('../../adapters/postgres/connection.ts', import.meta.url)));

/** The young generation under load in a new Node process, with or without the settings (and the database thread). */
function youngGenerationAfterAllocating(withSettings: boolean, databaseThread = false): number {
  return youngGenerationAfter(
    `${withSettings ? `await import(${HEAP_SETTINGS});` : ''}
    ${databaseThread ? `const { openPgliteThread } = await import(${CONNECTION}); const database = await openPgliteThread();` : ''}`,
    databaseThread ? 'await database.close();' : '',
  );
}

describe('heap settings', () => {
  it("keep V8's young generation at its starting size under allocation", () => {
    // Without them it grows to 32 MiB; with them it stays where the loader (tsx, here) left it, 4 MiB at most.
    expect(youngGenerationAfterAllocating(false)).toBeGreaterThanOrEqual(16);
    expect(youngGenerationAfterAllocating(true)).toBeLessThanOrEqual(8);
  });

  it('still hold once the embedded database runs in its thread', () => {
    // Starting the thread resets V8's setting for the whole process; the thread puts it back (young-generation.ts).
    expect(youngGenerationAfterAllocating(true, true)).toBeLessThanOrEqual(8);
  });
});
