import type { ItemStatus } from '../../domain/catalog/catalog-item.ts';
import type { Viewer } from '../../domain/catalog/viewer.ts';

/**
 * What a search reads before it reads an item, kept in this process: for a term, a viewer and a status scope,
 * the term's best postings that viewer may read (what the `lists` CTE of a search reads); for a misspelt word,
 * the terms that correct it. A search whose inputs are all here scores its candidates itself and asks the
 * database only for its page, in a statement that also says whether any input changed since it was loaded
 * (catalog_search_changes, written by triggers in every transaction that changes postings, words or
 * memberships): a page is only answered from inputs the database still holds, so results are the ones the
 * database alone would give, after every write, in every process.
 *
 * Inputs are kept at most `maxAgeMs` (well under the hour catalog_search_changes keeps its rows) and up to a
 * budget of postings, least recently used dropped first. Any change drops them all: which terms a change
 * touched is not recorded. For a while after a drop (`settled`), a search that lacks inputs does not read them:
 * it runs in the database alone, as it would without kept inputs, so that steady writes cost searches little.
 */

/** A term's postings a viewer may read, best first (weight, installs, id, all descending), as many as a search reads. */
export interface TermList {
  readonly ids: readonly string[];
  readonly weights: readonly number[];
  readonly usage: readonly number[];
}

/** A candidate of a search: an item, its score and the installs that break ties, as the search statement's. */
export interface Candidate {
  readonly id: string;
  readonly score: number;
  readonly rankUsage: number;
}

interface Entry<T> {
  readonly value: T;
  /** pg_current_snapshot() of the statement that read it, as text. */
  readonly snapshot: string;
  readonly at: number;
  readonly size: number;
}

/** What is read once per term and viewer: a list, or a typo's corrections. */
export type Kept = { readonly list: TermList } | { readonly corrections: readonly string[] };

export interface SearchListsOptions {
  /** Postings kept at most, over every list (a correction counts as one). */
  readonly budget?: number;
  readonly maxAgeMs?: number;
  /**
   * How long after a drop searches read from the database alone, rather than reading inputs to keep: doubled at
   * each drop that no search answered from kept inputs since the one before, up to `maxSettleMs`.
   */
  readonly settleMs?: number;
  readonly maxSettleMs?: number;
  /** Page rows kept at most (KeptRows). */
  readonly rows?: number;
  readonly now?: () => number;
}

export class SearchLists {
  readonly #entries = new Map<string, Entry<Kept>>();
  readonly #budget: number;
  readonly #maxAgeMs: number;
  readonly #settleMs: number;
  readonly #maxSettleMs: number;
  #settleFor: number;
  /** Whether a search was answered from kept inputs since the last drop. */
  #served = true;
  readonly #now: () => number;
  #size = 0;
  #flushes = 0;
  #flushedAt = Number.NEGATIVE_INFINITY;
  /** Page rows, checked against their row's version at every read: no write drops them. */
  readonly rows: KeptRows;

  constructor(options: SearchListsOptions = {}) {
    this.#budget = options.budget ?? 100_000;
    this.#maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    this.#settleMs = options.settleMs ?? 1000;
    this.#maxSettleMs = options.maxSettleMs ?? 30_000;
    this.#settleFor = this.#settleMs;
    this.#now = options.now ?? Date.now;
    this.rows = new KeptRows(options.rows);
  }

  /**
   * Whether a search lacking inputs should read them to keep: not within the settling time of a drop. While
   * writes keep coming, what is read would be dropped again at once: reading it (then the page) costs a search two
   * statements where the database alone answers in one, and finding it stale costs one more. So the settling time
   * doubles with each drop that followed no search answered from kept inputs, and is back to `settleMs` once one is.
   */
  get settled(): boolean {
    return this.#now() - this.#flushedAt >= this.#settleFor;
  }

  /** A search was answered from kept inputs. */
  served(): void {
    this.#served = true;
    this.#settleFor = this.#settleMs;
  }

  /** How many times everything was dropped: a read started before a drop must not store what it read. */
  get flushes(): number {
    return this.#flushes;
  }

  get size(): number {
    return this.#size;
  }

  get(key: string): { value: Kept; snapshot: string } | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (this.#now() - entry.at > this.#maxAgeMs) {
      this.#size -= entry.size;
      return undefined;
    }
    this.#entries.set(key, entry);
    return entry;
  }

  /** Keeps what a read that began at `flushes` found, unless everything was dropped since. */
  put(key: string, value: Kept, snapshot: string, flushes: number): void {
    if (flushes !== this.#flushes) return;
    const size = 'list' in value ? Math.max(1, value.list.ids.length) : 1;
    if (size > this.#budget) return;
    const old = this.#entries.get(key);
    if (old !== undefined) {
      this.#entries.delete(key);
      this.#size -= old.size;
    }
    this.#entries.set(key, { value, snapshot, at: this.#now(), size });
    this.#size += size;
    for (const [oldest, entry] of this.#entries) {
      if (this.#size <= this.#budget) break;
      this.#entries.delete(oldest);
      this.#size -= entry.size;
    }
  }

  /** Drops everything: an input changed. */
  flush(): void {
    this.#entries.clear();
    this.#size = 0;
    this.#flushes++;
    this.#flushedAt = this.#now();
    this.#settleFor = this.#served ? this.#settleMs : Math.min(this.#settleFor * 2, this.#maxSettleMs);
    this.#served = false;
  }
}

/** The key of what `viewer` reads of `what` (a term, or a typo prefixed `~`) in a status scope. */
export function keyOf(what: string, viewer: Viewer, statuses: readonly ItemStatus[]): string {
  const who = viewer.kind === 'admin' ? 'a' : viewer.kind === 'anonymous' ? 'n' : `u${viewer.userId}`;
  return `${who} ${statuses.join(',')} ${what}`;
}

/**
 * A term's idf part of a posting's score, as the search statement computes it: `df` is how many of its
 * postings the viewer may read, up to `perTerm`.
 */
export function idfOf(df: number, perTerm: number): number {
  return 100 + Math.round(100 * Math.log(1 + perTerm / df));
}

/** Byte order of two uuids as text (lowercase hex), which is PostgreSQL's order of uuids. */
const byUuid = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Candidates in the search's order: score, then installs, then id, all descending. */
export function compareCandidates(a: Candidate, b: Candidate): number {
  return b.score - a.score || b.rankUsage - a.rankUsage || byUuid(b.id, a.id);
}

/**
 * The `limit` best candidates of terms' lists, each with its factor, scored as the search statement scores them:
 * an item's score adds, over the terms whose list holds it, weight x factor x idf; ties go to installs, then id.
 */
export function scoreCandidates(
  lists: readonly { readonly factor: number; readonly list: TermList }[],
  perTerm: number,
  limit: number,
): Candidate[] {
  const nonEmpty = lists.filter(({ list }) => list.ids.length > 0);
  if (nonEmpty.length === 1) {
    // One term: its list's order (weight, installs, id) is already the score's; the sort only checks it.
    const { factor, list } = nonEmpty[0]!;
    const idf = idfOf(list.ids.length, perTerm);
    const all = list.ids.map((id, i) => ({ id, score: list.weights[i]! * factor * idf, rankUsage: list.usage[i]! }));
    all.sort(compareCandidates);
    return all.length > limit ? all.slice(0, limit) : all;
  }
  const scores = new Map<string, { score: number; rankUsage: number }>();
  for (const { factor, list } of nonEmpty) {
    const idf = idfOf(list.ids.length, perTerm);
    for (let i = 0; i < list.ids.length; i++) {
      const id = list.ids[i]!;
      const add = list.weights[i]! * factor * idf;
      const usage = list.usage[i]!;
      const found = scores.get(id);
      if (found === undefined) scores.set(id, { score: add, rankUsage: usage });
      else {
        found.score += add;
        if (usage > found.rankUsage) found.rankUsage = usage;
      }
    }
  }
  const all: Candidate[] = [];
  for (const [id, { score, rankUsage }] of scores) all.push({ id, score, rankUsage });
  all.sort(compareCandidates);
  return all.length > limit ? all.slice(0, limit) : all;
}

/**
 * Page rows (an item's summary as a page's JSON gives it) by item id, each with the version of the row it was
 * read from (its `xmin`: every committed change to a row writes a new one). A page statement answers its items'
 * ids and versions, and the rows it is not told are kept at those versions: a row kept at its version is the row
 * the database holds.
 */
export class KeptRows {
  readonly #rows = new Map<string, { readonly version: string; readonly row: Record<string, unknown> }>();

  constructor(readonly budget = 5000) {}

  get size(): number {
    return this.#rows.size;
  }

  /** The version `id`'s row is kept at, if it is. */
  versionOf(id: string): string | undefined {
    return this.#rows.get(id)?.version;
  }

  /** The row of `id` kept at `version`, if any. */
  get(id: string, version: string): Record<string, unknown> | undefined {
    const kept = this.#rows.get(id);
    if (kept === undefined || kept.version !== version) return undefined;
    this.#rows.delete(id);
    this.#rows.set(id, kept);
    return kept.row;
  }

  /** Keeps `row` frozen, its arrays and objects too: every page shares it. */
  put(id: string, version: string, row: Record<string, unknown>): void {
    this.#rows.delete(id);
    this.#rows.set(id, { version, row: deepFrozen(row) });
    for (const oldest of this.#rows.keys()) {
      if (this.#rows.size <= this.budget) break;
      this.#rows.delete(oldest);
    }
  }
}

function deepFrozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFrozen(inner);
    Object.freeze(value);
  }
  return value;
}
