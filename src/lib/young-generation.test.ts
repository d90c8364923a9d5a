import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { youngGenerationAfter } from '../testing/young-generation-size.ts';

const MODULE = JSON.stringify(fileURLToPath(new URL('./young-generation.ts', import.meta.url)));

/** The young generation under load in a process that keeps it small and has started a thread, as `start` does. */
function youngGenerationAfterAThread(start: 'new Worker' | 'startWorkerThread'): number {
  return youngGenerationAfter(
    `
    const { keepYoungGenerationSmall, startWorkerThread } = await import(${MODULE});
    const { Worker } = await import('node:worker_threads');
    keepYoungGenerationSmall();
    const script = 'setTimeout(() => {}, 60000)';
    const worker = ${start === 'new Worker' ? 'new Worker' : 'startWorkerThread'}(script, { eval: true });
    await new Promise((resolve) => worker.once('online', resolve));`,
    'await worker.terminate();',
  );
}

describe('young generation', () => {
  it('stays small after a worker thread starts, when the thread is started by startWorkerThread', () => {
    // V8 resets the process-wide setting when it sets up the thread's heap: with a bare Worker, it grows to 32 MiB.
    expect(youngGenerationAfterAThread('new Worker')).toBeGreaterThanOrEqual(16);
    expect(youngGenerationAfterAThread('startWorkerThread')).toBeLessThanOrEqual(8);
  });
});
