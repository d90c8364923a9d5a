import { describe, expect, it } from 'vitest';
import { PriorityGate } from './priority-gate.ts';

/** A gate on a clock the test moves, and the order in which waiting work was let in. */
function gateWith(patienceMs: number, capacity = 1) {
  let now = 0;
  const gate = new PriorityGate(capacity, patienceMs, () => now);
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

describe('PriorityGate', () => {
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

  it('lets urgent work in before other work that came earlier, each kind in the order it came', async () => {
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

  it('lets other work in before urgent work once it has waited its patience', async () => {
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

  it('lets as many in as its capacity, and the next one as each leaves', async () => {
    const { gate, admitted, queue, settle } = gateWith(1_000, 3);
    for (const name of ['a', 'b', 'c', 'd', 'e']) void queue(name, false);
    await settle();
    expect(admitted).toEqual(['a', 'b', 'c']);
    gate.leave();
    await settle();
    expect(admitted).toEqual(['a', 'b', 'c', 'd']);
    gate.leave();
    gate.leave();
    gate.leave();
    await settle();
    expect(admitted).toEqual(['a', 'b', 'c', 'd', 'e']);
    gate.leave();
    // All have left: three come straight in again.
    for (const name of ['f', 'g', 'h']) void queue(name, false);
    await settle();
    expect(admitted.slice(5)).toEqual(['f', 'g', 'h']);
  });

  it('refuses a capacity below one', () => {
    expect(() => new PriorityGate(0, 1_000)).toThrow(RangeError);
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
