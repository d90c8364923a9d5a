import { setFlagsFromString } from 'node:v8';

const SMALL = '--semi-space-growth-factor=1';
let kept = false;

/**
 * Keeps V8's young generation at the size it starts with instead of letting it grow to 16 MiB semi-spaces under
 * load, in every thread of this process that runs JavaScript. Set once, first thing, by the command's entry
 * (heap-settings.ts).
 *
 * The setting is one flag for the whole process, and V8 puts it back to its default whenever it configures the heap
 * of a new isolate: starting any worker thread undoes it. Whoever starts one calls `youngGenerationStarted` once the
 * thread runs. Without that, a server whose database runs in a thread (PGlite) had 32 MiB of young generation after
 * 600 reads on 100,000 skills instead of 2.
 */
export function keepYoungGenerationSmall(): void {
  kept = true;
  setFlagsFromString(SMALL);
}

/** After a new thread's isolate is up (its first message, or 'online'): the setting again, if this process keeps it. */
export function youngGenerationStarted(): void {
  if (kept) setFlagsFromString(SMALL);
}
