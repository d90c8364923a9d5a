import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const HEAP_SETTINGS = fileURLToPath(new URL('./heap-settings.ts', import.meta.url));
const CONNECTION = fileURLToPath(new URL('../../adapters/postgres/connection.ts', import.meta.url));

/** The young generation's size (MiB) in a new Node process that, with or without the settings, allocates 200 MB. */
function youngGenerationAfterAllocating(withSettings: boolean, databaseThread = false): number {
  const code = `
    ${withSettings ? `await import(${JSON.stringify(HEAP_SETTINGS)});` : ''}
    const { getHeapSpaceStatistics } = await import('node:v8');
    ${databaseThread ? `const { openPgliteThread } = await import(${JSON.stringify(CONNECTION)}); const database = await openPgliteThread();` : ''}
    let kept = [];
    for (let i = 0; i < 2_000_000; i++) {
      kept.push({ i, text: 'row ' + i });
      if (kept.length > 1000) kept = [];
    }
    const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    console.log(space.space_size / 2 ** 20);
    ${databaseThread ? 'await database.close();' : ''}`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return Number(result.stdout.trim());
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
