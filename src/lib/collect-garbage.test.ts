import { setImmediate } from 'node:timers/promises';
import { getHeapSpaceStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { collectGarbage } from './collect-garbage.ts';

const MiB = 2 ** 20;

const oldSpace = () => {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')!;
  return { size: space.space_size, used: space.space_used_size };
};

describe('collectGarbage', () => {
  it('collects what nothing refers to any more, at once', async () => {
    const collected = (() => {
      const garbage = { rows: Array.from({ length: 10_000 }, (_, i) => ({ i, text: `row ${i}` })) };
      return new WeakRef(garbage);
    })();
    // A WeakRef keeps its target until the job that made or read it ends.
    await setImmediate();
    expect(collected.deref()).toBeDefined();
    await setImmediate();
    collectGarbage();
    expect(collected.deref()).toBeUndefined();
  });

  it('gives back the pages that the survivors of a bulk job were spread over', async () => {
    collectGarbage();
    const before = oldSpace();
    // A bulk job's rows, old by the time it ends (they survived collections), of which one in eight is kept.
    let rows: { i: number; text: string }[] | undefined = Array.from({ length: 600_000 }, (_, i) => ({
      i,
      text: `row ${i}`,
    }));
    await setImmediate();
    collectGarbage();
    const grown = oldSpace().size - before.size;
    expect(grown).toBeGreaterThan(30 * MiB);
    const kept = rows.filter((_, i) => i % 8 === 0);
    rows = undefined;
    await setImmediate();
    collectGarbage();
    const after = oldSpace();
    // Without compaction the old space keeps nearly all it grew by: every page still holds a survivor.
    expect(after.size - before.size).toBeLessThan(grown / 3);
    expect(after.size - after.used).toBeLessThan(12 * MiB);
    expect(kept).toHaveLength(75_000);
  });
});
