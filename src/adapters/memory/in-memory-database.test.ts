import { describe, expect, it } from 'vitest';
import { databaseContract } from '../../domain/repositories.contract.ts';
import { buildItem, buildTeam, buildUser } from '../../domain/testing/builders.ts';
import { InMemoryDatabase } from './in-memory-database.ts';

databaseContract('in-memory', async () => new InMemoryDatabase());

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('InMemoryDatabase transactions', () => {
  it('keeps a write made outside a transaction while it ran when the transaction rolls back', async () => {
    const db = new InMemoryDatabase();
    let outside: Promise<void> | undefined;
    const failed = db.transaction(async (tx) => {
      await tx.teams.insert(buildTeam({ slug: 'inside' }));
      outside = db.teams.insert(buildTeam({ slug: 'outside' }));
      await tick();
      throw new Error('the work failed');
    });
    await expect(failed).rejects.toThrow('the work failed');
    await outside;
    expect(await db.teams.findBySlug('outside')).toBeDefined();
    expect(await db.namespaces.findByName('outside')).toBeDefined();
    expect(await db.teams.findBySlug('inside')).toBeUndefined();
    expect(await db.namespaces.findByName('inside')).toBeUndefined();
  });

  it('keeps a row deleted outside a transaction deleted when the transaction rolls back', async () => {
    const db = new InMemoryDatabase();
    const doomed = buildTeam({ slug: 'doomed' });
    await db.teams.insert(doomed);
    const failed = db.transaction(async (tx) => {
      await tx.teams.insert(buildTeam({ slug: 'inside' }));
      await db.teams.delete(doomed.id);
      await tick();
      throw new Error('the work failed');
    });
    await expect(failed).rejects.toThrow('the work failed');
    expect(await db.teams.findById(doomed.id)).toBeUndefined();
  });

  it('shows a transaction its own writes and hides them from everyone else until it commits', async () => {
    const db = new InMemoryDatabase();
    const user = buildUser({ username: 'pending' });
    let seenOutside: unknown = 'not read';
    await db.transaction(async (tx) => {
      await tx.users.insert(user);
      expect(await tx.users.findById(user.id)).toEqual(user);
      expect(await tx.namespaces.findByName('pending')).toEqual({ name: 'pending', kind: 'user', userId: user.id });
      seenOutside = await db.users.findById(user.id);
    });
    expect(seenOutside).toBeUndefined();
    expect(await db.users.findById(user.id)).toEqual(user);
  });

  it('shows a transaction what others committed while it ran', async () => {
    const db = new InMemoryDatabase();
    await db.transaction(async (tx) => {
      await db.teams.insert(buildTeam({ slug: 'meanwhile' }));
      expect(await tx.teams.findBySlug('meanwhile')).toBeDefined();
      await expect(tx.users.insert(buildUser({ username: 'meanwhile' }))).rejects.toThrow('taken');
    });
  });

  it('keeps a row a transaction deleted visible outside until it commits, and after a rollback', async () => {
    const db = new InMemoryDatabase();
    const team = buildTeam({ slug: 'kept' });
    await db.teams.insert(team);
    await expect(
      db.transaction(async (tx) => {
        await tx.teams.delete(team.id);
        expect(await tx.teams.findById(team.id)).toBeUndefined();
        expect(await tx.teams.list({ limit: 10 })).toEqual({ items: [] });
        expect(await db.teams.findById(team.id)).toEqual(team);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await db.teams.findById(team.id)).toEqual(team);
    await db.transaction((tx) => tx.teams.delete(team.id));
    expect(await db.teams.findById(team.id)).toBeUndefined();
  });

  it('copies rows in and out inside a transaction: changing them afterwards changes nothing stored', async () => {
    const db = new InMemoryDatabase();
    const item = buildItem('skill/x/copied', { tags: ['one'] });
    await db.transaction(async (tx) => {
      await tx.items.insert(item);
      (item.tags as string[]).push('given');
      const found = (await tx.items.findById(item.id)) as unknown as { tags: string[] };
      found.tags.push('returned');
      expect((await tx.items.findById(item.id))?.tags).toEqual(['one']);
    });
    expect((await db.items.findById(item.id))?.tags).toEqual(['one']);
  });

  it('runs transactions one after another', async () => {
    const db = new InMemoryDatabase();
    const order: string[] = [];
    const first = db.transaction(async () => {
      order.push('first starts');
      await tick();
      order.push('first ends');
    });
    const second = db.transaction(async () => {
      order.push('second starts');
    });
    await Promise.all([first, second]);
    expect(order).toEqual(['first starts', 'first ends', 'second starts']);
  });

  it('empties every table on clear, for the repositories already handed out', async () => {
    const db = new InMemoryDatabase();
    const { users } = db;
    await users.insert(buildUser({ username: 'gone' }));
    db.clear();
    expect(await users.count()).toBe(0);
    expect(await db.namespaces.findByName('gone')).toBeUndefined();
  });
});
