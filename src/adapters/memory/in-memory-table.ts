/**
 * One table of the in-memory database: rows by key. A transaction works on an overlay of the
 * shared table that reads through to it, keeps its own writes and deletions to itself, and
 * applies them to the shared table only on commit; a rollback simply drops the overlay.
 */
export class InMemoryTable<V> {
  readonly #rows = new Map<string, V>();
  /** Keys an overlay deleted from the shared table. */
  readonly #deleted = new Set<string>();

  /** A shared table, or an overlay of `shared` when given. */
  constructor(private readonly shared?: InMemoryTable<V>) {}

  get(key: string): V | undefined {
    if (this.#rows.has(key)) return this.#rows.get(key);
    return this.#deleted.has(key) ? undefined : this.shared?.get(key);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  set(key: string, value: V): void {
    this.#deleted.delete(key);
    this.#rows.set(key, value);
  }

  delete(key: string): boolean {
    const had = this.has(key);
    this.#rows.delete(key);
    if (this.shared) this.#deleted.add(key);
    return had;
  }

  /** A snapshot of the rows, so callers may write to the table while they walk it. */
  entries(): [string, V][] {
    if (!this.shared) return [...this.#rows];
    const rows: [string, V][] = [];
    for (const [key, value] of this.shared.entries()) {
      if (this.#rows.has(key)) rows.push([key, this.#rows.get(key)!]);
      else if (!this.#deleted.has(key)) rows.push([key, value]);
    }
    for (const [key, value] of this.#rows) if (!this.shared.has(key)) rows.push([key, value]);
    return rows;
  }

  values(): V[] {
    return this.shared ? this.entries().map(([, value]) => value) : [...this.#rows.values()];
  }

  get size(): number {
    return this.shared ? this.entries().length : this.#rows.size;
  }

  /** Applies an overlay's writes to the shared table, all at once (nothing else runs meanwhile). */
  commit(): void {
    if (!this.shared) return;
    for (const key of this.#deleted) this.shared.delete(key);
    for (const [key, value] of this.#rows) this.shared.set(key, value);
  }

  clear(): void {
    this.#rows.clear();
    this.#deleted.clear();
  }
}
