import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MODULE = fileURLToPath(new URL('./young-generation.ts', import.meta.url));

/**
 * The young generation's size (MiB) in a new Node process that keeps it small, starts a worker thread, calls
 * `youngGenerationStarted` once the thread runs (or not), and then allocates 3 million objects it keeps.
 */
function youngGenerationAfterAThread(startedCalled: boolean): number {
  const code = `
    const { keepYoungGenerationSmall, youngGenerationStarted } = await import(${JSON.stringify(MODULE)});
    const { getHeapSpaceStatistics } = await import('node:v8');
    const { Worker } = await import('node:worker_threads');
    keepYoungGenerationSmall();
    const worker = new Worker('setTimeout(() => {}, 60000)', { eval: true });
    await new Promise((resolve) => worker.once('online', resolve));
    ${startedCalled ? 'youngGenerationStarted();' : ''}
    const kept = [];
    for (let i = 0; i < 3_000_000; i++) kept.push({ i, text: 'row ' + i });
    const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    console.log(space.space_size / 2 ** 20);
    await worker.terminate();`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return Number(result.stdout.trim());
}

describe('young generation', () => {
  it('stays small after a worker thread starts, once the thread is reported started', () => {
    // V8 resets the process-wide setting when it sets up the thread's heap: without the call, it grows to 32 MiB.
    expect(youngGenerationAfterAThread(false)).toBeGreaterThanOrEqual(16);
    expect(youngGenerationAfterAThread(true)).toBeLessThanOrEqual(8);
  });
});
