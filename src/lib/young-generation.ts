import { setFlagsFromString } from 'node:v8';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const SMALL = '--semi-space-growth-factor=1';
let kept = false;

/**
 * Keeps V8's young generation at the size it starts with instead of letting it grow to 16 MiB semi-spaces under
 * load, in every thread of this process that runs JavaScript. Set once, first thing, by the command's entry
 * (heap-settings.ts).
 *
 * The setting is one flag for the whole process, and V8 puts it back to its default whenever it configures the heap
 * of a new isolate: starting any worker thread undoes it, so Atlas starts its threads with `startWorkerThread`.
 * Without that, a server whose database runs in a thread (PGlite) had 32 MiB of young generation after 600 reads
 * on 100,000 skills instead of 2.
 */
export function keepYoungGenerationSmall(): void {
  kept = true;
  setFlagsFromString(SMALL);
}

/**
 * `new Worker(script, options)`, after which this process's young-generation setting is set again when the thread's
 * isolate is up ('online') and again at the thread's first message: a thread can start threads of its own first
 * (module hooks, as tsx registers them when Atlas runs from its sources, run in one), which reset it too. Both
 * happen whether or not what the thread then does succeeds.
 */
export function startWorkerThread(script: string | URL, options?: WorkerOptions): Worker {
  const worker = new Worker(script, options);
  const keepSmall = () => {
    if (kept) setFlagsFromString(SMALL);
  };
  worker.once('online', keepSmall);
  worker.once('message', keepSmall);
  return worker;
}
