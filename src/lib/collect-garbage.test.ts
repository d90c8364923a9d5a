import { setImmediate } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { collectGarbage } from './collect-garbage.ts';

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
});
