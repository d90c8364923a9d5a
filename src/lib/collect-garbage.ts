import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null | undefined;

/**
 * A full garbage collection that also compacts the heap, now. For the end of a bulk job (the discovery index of a
 * large catalog reads and packs every skill): V8 keeps what such a job leaves until its heap grows again, holding a
 * hundred megabytes and more that the process no longer uses. A plain full collection frees the dead objects but
 * moves only the emptiest pages, so the job's survivors stay spread over pages it no longer needs (after an index
 * of 100,000 skills: 31 MiB live in 86 MiB of old space); compacting every page gives those back.
 *
 * Node offers `gc` only behind a flag; the flag is set here, once, and the function taken from a new context,
 * which sees it. Compaction on every full collection is switched on for this one and off again, so that the
 * collections V8 makes by itself stay as they were. Does nothing where the flags cannot be set.
 */
export function collectGarbage(): void {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  if (!collect) return;
  setFlagsFromString('--compact-on-every-full-gc');
  try {
    collect();
  } finally {
    setFlagsFromString('--no-compact-on-every-full-gc');
  }
}
