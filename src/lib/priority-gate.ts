/**
 * Lets at most `capacity` pieces of work run at once; the rest wait their turn, urgent work first. Nothing waits
 * forever: work that has waited `patienceMs` goes before urgent work, oldest first.
 *
 * Used where a burst of heavy work would make quick work wait behind all of it: the embedded database's thread
 * (one statement or transaction at a time, reads urgent: pglite-worker.ts) and publishing over HTTP (a few
 * publishes at a time, so that a burst of them does not hold up every read the process serves).
 */
export class PriorityGate {
  private running = 0;
  private readonly urgent: (() => void)[] = [];
  private readonly others: { admit: () => void; since: number }[] = [];

  constructor(
    private readonly capacity: number,
    private readonly patienceMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(capacity >= 1)) throw new RangeError(`a gate lets at least one piece of work in, not ${capacity}`);
  }

  /** Resolves when the caller may start; it must call `leave` once done. */
  enter(urgent: boolean): Promise<void> {
    if (this.running < this.capacity) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise<void>((admit) => {
      if (urgent) this.urgent.push(admit);
      else this.others.push({ admit, since: this.now() });
    });
  }

  /** Hands the place to the next waiting piece of work, or frees it. */
  leave(): void {
    const oldest = this.others[0];
    const next =
      oldest && (this.urgent.length === 0 || this.now() - oldest.since >= this.patienceMs)
        ? this.others.shift()?.admit
        : this.urgent.shift();
    if (next) next();
    else this.running--;
  }

  /** Runs `work` inside the gate. */
  async run<T>(urgent: boolean, work: () => Promise<T>): Promise<T> {
    await this.enter(urgent);
    try {
      return await work();
    } finally {
      this.leave();
    }
  }
}
