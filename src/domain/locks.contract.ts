import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from './ids.ts';
import type { Leadership, Locks } from './locks.ts';

/** A promise and the function that settles it, for work that must stay in progress until told. */
function gate(): { opened: Promise<void>; open(): void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/**
 * The contract of Locks. `open()` may return the same instance every time (locks shared by a whole
 * database); each test uses lock names of its own and releases what it took.
 */
export function locksContract(name: string, open: () => Promise<Locks>) {
  describe(`Locks contract: ${name}`, () => {
    let locks: Locks;
    let lock: string;
    const taken: Leadership[] = [];
    const lead = async (lockName: string) => {
      const leadership = await locks.lead(lockName);
      taken.push(leadership);
      return leadership;
    };

    beforeEach(async () => {
      locks = await open();
      lock = `contract-${newId()}`;
    });
    afterEach(async () => {
      await Promise.all(taken.splice(0).map((leadership) => leadership.release()));
    });

    it('runs the work when the lock is free and reports that it ran', async () => {
      let ran = false;
      expect(
        await locks.tryRun(lock, async () => {
          ran = true;
        }),
      ).toBe(true);
      expect(ran).toBe(true);
    });

    it('refuses without waiting while the work of another holder runs, and runs again once it is done', async () => {
      const entered = gate();
      const finish = gate();
      const first = locks.tryRun(lock, async () => {
        entered.open();
        await finish.opened;
      });
      await entered.opened;
      let ran = false;
      expect(
        await locks.tryRun(lock, async () => {
          ran = true;
        }),
      ).toBe(false);
      expect(ran).toBe(false);
      finish.open();
      expect(await first).toBe(true);
      expect(await locks.tryRun(lock, async () => {})).toBe(true);
    });

    it('passes the error of failing work on and frees the lock', async () => {
      await expect(
        locks.tryRun(lock, async () => {
          throw new Error('the work failed');
        }),
      ).rejects.toThrow('the work failed');
      expect(await locks.tryRun(lock, async () => {})).toBe(true);
      expect((await lead(lock)).held).toBe(true);
    });

    it('gives leadership to one holder at a time', async () => {
      const first = await lead(lock);
      const second = await lead(lock);
      expect(first.held).toBe(true);
      expect(second.held).toBe(false);
    });

    it('hands leadership on once the leader releases it', async () => {
      const first = await lead(lock);
      await first.release();
      expect(first.held).toBe(false);
      const next = await lead(lock);
      expect(next.held).toBe(true);
    });

    it('keeps the leader in place when a refused holder releases', async () => {
      const leader = await lead(lock);
      const refused = await lead(lock);
      await refused.release();
      expect(leader.held).toBe(true);
      expect((await lead(lock)).held).toBe(false);
    });

    it('releases once: a second release does not free the lock a later leader holds', async () => {
      const first = await lead(lock);
      await first.release();
      const next = await lead(lock);
      await first.release();
      expect(next.held).toBe(true);
      expect((await lead(lock)).held).toBe(false);
    });

    it('shares one lock between tryRun and lead', async () => {
      await lead(lock);
      expect(await locks.tryRun(lock, async () => {})).toBe(false);
      const other = `${lock}-other`;
      const during = await locks.tryRun(other, async () => {
        expect((await lead(other)).held).toBe(false);
      });
      expect(during).toBe(true);
    });

    it('does not let one name block another', async () => {
      const other = `${lock}-other`;
      expect((await lead(lock)).held).toBe(true);
      expect((await lead(other)).held).toBe(true);
      let ran = false;
      const third = `${lock}-third`;
      expect(
        await locks.tryRun(third, async () => {
          ran = true;
        }),
      ).toBe(true);
      expect(ran).toBe(true);
    });
  });
}
