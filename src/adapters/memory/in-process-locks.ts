import type { Leadership, Locks } from '../../domain/locks.ts';

/** Locks within one process: what a single embedded Atlas needs. */
export class InProcessLocks implements Locks {
  #held = new Set<string>();

  async tryRun(name: string, work: () => Promise<void>): Promise<boolean> {
    if (this.#held.has(name)) return false;
    this.#held.add(name);
    try {
      await work();
    } finally {
      this.#held.delete(name);
    }
    return true;
  }

  async lead(name: string): Promise<Leadership> {
    if (this.#held.has(name)) return { held: false, release: async () => undefined };
    this.#held.add(name);
    let released = false;
    return {
      get held() {
        return !released;
      },
      release: async () => {
        if (!released) this.#held.delete(name);
        released = true;
      },
    };
  }
}
