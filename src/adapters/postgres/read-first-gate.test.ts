import { describe, expect, it } from 'vitest';
import { isReadStatement, ReadFirstGate } from './read-first-gate.ts';

/** A gate on a clock the test moves, and the order in which waiting work was let in. */
function gateWith(patienceMs: number) {
  let now = 0;
  const gate = new ReadFirstGate(patienceMs, () => now);
  const admitted: string[] = [];
  const queue = (name: string, read: boolean) => gate.enter(read).then(() => admitted.push(name));
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    gate,
    admitted,
    queue,
    settle,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('ReadFirstGate', () => {
  it('lets one piece of work in at a time, and the next in when it leaves', async () => {
    const { gate, admitted, queue, settle } = gateWith(1_000);
    void queue('first', false);
    void queue('second', false);
    await settle();
    expect(admitted).toEqual(['first']);
    gate.leave();
    await settle();
    expect(admitted).toEqual(['first', 'second']);
    gate.leave();
    // Free again: the next comes straight in.
    void queue('third', true);
    await settle();
    expect(admitted).toEqual(['first', 'second', 'third']);
  });

  it('lets reads in before writes that came earlier, each kind in the order it came', async () => {
    const { gate, admitted, queue, settle } = gateWith(1_000);
    void queue('running', false);
    void queue('write 1', false);
    void queue('read 1', true);
    void queue('write 2', false);
    void queue('read 2', true);
    await settle();
    for (let i = 0; i < 4; i++) {
      gate.leave();
      await settle();
    }
    expect(admitted).toEqual(['running', 'read 1', 'read 2', 'write 1', 'write 2']);
  });

  it('lets a write in before reads once it has waited its patience', async () => {
    const { gate, admitted, queue, settle, advance } = gateWith(1_000);
    void queue('running', false);
    void queue('write', false);
    void queue('read 1', true);
    await settle();
    advance(999);
    gate.leave();
    await settle();
    expect(admitted).toEqual(['running', 'read 1']);
    void queue('read 2', true);
    advance(1);
    gate.leave();
    await settle();
    expect(admitted).toEqual(['running', 'read 1', 'write']);
    gate.leave();
    await settle();
    expect(admitted).toEqual(['running', 'read 1', 'write', 'read 2']);
  });

  it('frees the gate when the work inside it fails', async () => {
    const { gate, admitted, queue, settle } = gateWith(1_000);
    await expect(gate.run(false, () => Promise.reject(new Error('statement failed')))).rejects.toThrow(
      'statement failed',
    );
    void queue('next', false);
    await settle();
    expect(admitted).toEqual(['next']);
  });
});

describe('isReadStatement', () => {
  it('takes a SELECT or the EXECUTE of a prepared read as a read, and nothing else', () => {
    expect(isReadStatement('select 1')).toBe(true);
    expect(isReadStatement('\n  SELECT "id" from "catalog_items"')).toBe(true);
    expect(isReadStatement(`execute atlas_search_0a1b('x')`)).toBe(true);
    expect(isReadStatement('insert into t values (1)')).toBe(false);
    expect(isReadStatement('with posted as (insert into t values (1) returning id) select * from posted')).toBe(false);
    expect(isReadStatement('selective_update()')).toBe(false);
    expect(isReadStatement('prepare s as select 1')).toBe(false);
  });
});
