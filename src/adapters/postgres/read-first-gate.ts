/**
 * Which piece of work the embedded database takes next. PGlite runs one statement (or one transaction) at a time,
 * in the order they arrive; under load a read that arrives behind publishes waits for every one of their
 * transactions, though it needs a fraction of a millisecond. The gate lets the database in one piece of work at a
 * time and takes reads first: a read waits for what is running and for the reads ahead of it, not for the writes
 * queued before it. Nothing waits forever: work that has waited `patienceMs` goes before any read, oldest first.
 *
 * Order within one caller's flow is unchanged: a caller sends its next statement only once the last one is done,
 * and a transaction's own statements do not pass through the gate (they run while it holds it).
 */
export class ReadFirstGate {
  private busy = false;
  private readonly reads: (() => void)[] = [];
  private readonly others: { admit: () => void; since: number }[] = [];

  constructor(
    private readonly patienceMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Resolves when the caller may use the database; it must call `leave` once done. */
  enter(read: boolean): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve();
    }
    return new Promise<void>((admit) => {
      if (read) this.reads.push(admit);
      else this.others.push({ admit, since: this.now() });
    });
  }

  /** Hands the database to the next waiting piece of work, or frees it. */
  leave(): void {
    const oldest = this.others[0];
    const next =
      oldest && (this.reads.length === 0 || this.now() - oldest.since >= this.patienceMs)
        ? this.others.shift()?.admit
        : this.reads.shift();
    if (next) next();
    else this.busy = false;
  }

  /** Runs `work` inside the gate. */
  async run<T>(read: boolean, work: () => Promise<T>): Promise<T> {
    await this.enter(read);
    try {
      return await work();
    } finally {
      this.leave();
    }
  }
}

/** A statement that only reads: a SELECT, or the EXECUTE of one (`readPrepared` prepares reads only). */
export const isReadStatement = (text: string): boolean => /^\s*(select|execute)\b/i.test(text);
