import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null | undefined;

/**
 * A full garbage collection, now. For the end of a bulk job (the discovery index of a large catalog reads and
 * packs every skill): V8 keeps what such a job leaves until its heap grows again, holding a hundred megabytes
 * and more that the process no longer uses. Node offers `gc` only behind a flag; the flag is set here, once,
 * and the function taken from a new context, which sees it. Does nothing where the flag cannot be set.
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
  collect?.();
}
