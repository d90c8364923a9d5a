/**
 * Wakes this process's sync worker as soon as a job is enqueued here, instead of at its next poll
 * of the queue: what makes a pushed change searchable within a second of its webhook.
 */
export class JobSignal {
  #waiters: (() => void)[] = [];
  /** A notify that found nobody waiting (the worker was between a look at the queue and its wait). */
  #pending = false;

  notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    if (waiters.length === 0) this.#pending = true;
    for (const wake of waiters) wake();
  }

  /** Resolves on the next notify (or at once for one nobody heard yet), or after `ms`, whichever comes first. */
  wait(ms: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref?.();
      const self = this;
      function done() {
        clearTimeout(timer);
        self.#waiters = self.#waiters.filter((w) => w !== done);
        resolve();
      }
      this.#waiters.push(done);
    });
  }
}
