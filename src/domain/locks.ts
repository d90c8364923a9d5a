/** A lock held for as long as its holder lives, released by `release()` or by the holder's death. */
export interface Leadership {
  readonly held: boolean;
  release(): Promise<void>;
}

/** Locks shared by every Atlas process on one database: PostgreSQL advisory locks on a server. */
export interface Locks {
  /** Runs `work` if the lock is free, holding it meanwhile; returns whether it ran. Never waits. */
  tryRun(name: string, work: () => Promise<void>): Promise<boolean>;
  /** Tries to become the one holder of `name` (e.g. the poller); check `held`. Never waits. */
  lead(name: string): Promise<Leadership>;
}
