import { describe, expect, it } from 'vitest';
import {
  compareCandidates,
  idfOf,
  KeptRows,
  keyOf,
  SearchLists,
  scoreCandidates,
  type TermList,
} from './search-lists.ts';

const listOf = (...postings: [string, number, number][]): TermList => ({
  ids: postings.map((p) => p[0]),
  weights: postings.map((p) => p[1]),
  usage: postings.map((p) => p[2]),
});
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('SearchLists', () => {
  it('keeps what it is given up to its budget of postings, dropping the least recently used first', () => {
    const lists = new SearchLists({ budget: 5 });
    lists.put('a', { list: listOf([id(1), 1, 0], [id(2), 1, 0]) }, 's', 0);
    lists.put('b', { list: listOf([id(3), 1, 0], [id(4), 1, 0]) }, 's', 0);
    expect(lists.get('a')?.value).toBeDefined();
    lists.put('c', { corrections: ['x'] }, 's', 0);
    lists.put('d', { list: listOf([id(5), 1, 0]) }, 's', 0);
    // 2 + 2 + 1 + 1 postings: `b`, the least recently used, goes.
    expect(lists.get('b')).toBeUndefined();
    expect(lists.get('a')).toBeDefined();
    expect(lists.get('d')).toBeDefined();
    expect(lists.size).toBe(4);
  });

  it('forgets what is older than its age, and never keeps a list larger than its budget', () => {
    let now = 0;
    const lists = new SearchLists({ budget: 2, maxAgeMs: 1000, now: () => now });
    lists.put('a', { list: listOf([id(1), 1, 0]) }, 's', 0);
    lists.put('big', { list: listOf([id(1), 1, 0], [id(2), 1, 0], [id(3), 1, 0]) }, 's', 0);
    expect(lists.get('big')).toBeUndefined();
    now = 1000;
    expect(lists.get('a')?.snapshot).toBe('s');
    now = 2001;
    expect(lists.get('a')).toBeUndefined();
    expect(lists.size).toBe(0);
  });

  it('drops everything on a flush, and refuses what a read begun before it found', () => {
    const lists = new SearchLists();
    const before = lists.flushes;
    lists.put('a', { list: listOf([id(1), 1, 0]) }, 's', before);
    lists.flush();
    expect(lists.get('a')).toBeUndefined();
    lists.put('b', { list: listOf([id(1), 1, 0]) }, 's', before);
    expect(lists.get('b')).toBeUndefined();
    lists.put('c', { list: listOf([id(1), 1, 0]) }, 's', lists.flushes);
    expect(lists.get('c')).toBeDefined();
  });

  it('is settled again only a while after a drop', () => {
    let now = 5000;
    const lists = new SearchLists({ settleMs: 1000, now: () => now });
    expect(lists.settled).toBe(true);
    lists.flush();
    expect(lists.settled).toBe(false);
    now = 5999;
    expect(lists.settled).toBe(false);
    now = 6000;
    expect(lists.settled).toBe(true);
  });

  it('settles longer after each drop that no search answered from kept inputs, and as first once one did', () => {
    let now = 0;
    const lists = new SearchLists({ settleMs: 1000, maxSettleMs: 3000, now: () => now });
    const settledAfter = () => {
      const from = now;
      while (!lists.settled) now += 100;
      return now - from;
    };
    lists.flush();
    expect(settledAfter()).toBe(1000);
    lists.flush();
    expect(settledAfter()).toBe(2000);
    lists.flush();
    expect(settledAfter()).toBe(3000);
    lists.flush();
    expect(settledAfter()).toBe(3000);
    lists.served();
    lists.flush();
    expect(settledAfter()).toBe(1000);
  });

  it('keys by viewer and status scope', () => {
    const scope = ['active', 'deprecated'] as const;
    const keys = new Set([
      keyOf('pdf', { kind: 'admin' }, scope),
      keyOf('pdf', { kind: 'anonymous' }, scope),
      keyOf('pdf', { kind: 'user', userId: id(1) }, scope),
      keyOf('pdf', { kind: 'user', userId: id(2) }, scope),
      keyOf('pdf', { kind: 'anonymous' }, ['deleted']),
      keyOf('~pdf', { kind: 'anonymous' }, scope),
    ]);
    expect(keys.size).toBe(6);
  });
});

describe('KeptRows', () => {
  it('gives a row only at the version it was kept at, and keeps its budget, least recently used out first', () => {
    const rows = new KeptRows(2);
    rows.put(id(1), '100', { id: id(1), name: 'one' });
    rows.put(id(2), '100', { id: id(2), name: 'two' });
    expect(rows.get(id(1), '100')).toEqual({ id: id(1), name: 'one' });
    expect(rows.get(id(1), '101')).toBeUndefined();
    rows.put(id(3), '100', { id: id(3), name: 'three' });
    expect(rows.get(id(2), '100')).toBeUndefined();
    expect(rows.get(id(1), '100')).toBeDefined();
    rows.put(id(1), '101', { id: id(1), name: 'one again' });
    expect(rows.get(id(1), '100')).toBeUndefined();
    expect(rows.get(id(1), '101')).toEqual({ id: id(1), name: 'one again' });
    expect(rows.versionOf(id(1))).toBe('101');
    expect(rows.versionOf(id(2))).toBeUndefined();
    expect(rows.size).toBe(2);
  });

  it('keeps rows frozen, so that no reader changes what the next one gets', () => {
    const rows = new KeptRows();
    rows.put(id(1), '1', { id: id(1), tags: ['a', 'b'] });
    const row = rows.get(id(1), '1')!;
    expect(() => (row.tags as string[]).push('c')).toThrow();
    expect(() => {
      row.name = 'x';
    }).toThrow();
  });
});

describe('scoreCandidates', () => {
  it('adds weight x factor x idf over terms, breaks ties by installs then id (descending), and keeps the best', () => {
    const pdf = listOf([id(1), 8, 3], [id(2), 8, 1], [id(3), 2, 9]);
    const tables = listOf([id(2), 4, 1], [id(4), 4, 0]);
    const found = scoreCandidates(
      [
        { factor: 2, list: pdf },
        { factor: 1, list: tables },
      ],
      500,
      3,
    );
    const pdfIdf = idfOf(3, 500);
    const tablesIdf = idfOf(2, 500);
    expect(found).toEqual([
      { id: id(2), score: 8 * 2 * pdfIdf + 4 * tablesIdf, rankUsage: 1 },
      { id: id(1), score: 8 * 2 * pdfIdf, rankUsage: 3 },
      { id: id(4), score: 4 * tablesIdf, rankUsage: 0 },
    ]);
    // Equal scores: more installs first, then the greater id.
    expect(
      [
        { id: id(1), score: 5, rankUsage: 1 },
        { id: id(3), score: 5, rankUsage: 1 },
        { id: id(2), score: 5, rankUsage: 2 },
      ].sort(compareCandidates),
    ).toEqual([
      { id: id(2), score: 5, rankUsage: 2 },
      { id: id(3), score: 5, rankUsage: 1 },
      { id: id(1), score: 5, rankUsage: 1 },
    ]);
  });

  it('weighs a rare term more than a common one', () => {
    expect(idfOf(1, 500)).toBe(100 + Math.round(100 * Math.log(501)));
    expect(idfOf(500, 500)).toBe(100 + Math.round(100 * Math.log(2)));
    expect(scoreCandidates([{ factor: 1, list: listOf() }], 500, 10)).toEqual([]);
  });
});
