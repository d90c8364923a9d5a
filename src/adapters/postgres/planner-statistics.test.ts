import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildItem, buildTeam } from '../../domain/testing/builders.ts';
import { autovacuumIsOn, isStale } from './planner-statistics.ts';
import { describeWithServer } from './testing/server-database.ts';
import { openTestPglite, openTestServer, type TestDatabase } from './testing/test-databases.ts';

const EVERYONE = '00000000-0000-0000-0000-000000000000';
/** A browse of one kind by installs, as an anonymous reader sends it: the read that a stale plan made scan. */
const browseByInstalls = sql.raw(`
  explain (format json) select i.id from catalog_items i
  where i.reader = any(array['${EVERYONE}'::uuid]) and i.status in ('active', 'deprecated') and i.kind = 'skill'
  order by i.usage_count desc, i.id desc limit 21`);

async function planOf(test: TestDatabase): Promise<string> {
  const result = await test.connection.db.execute(browseByInstalls);
  return JSON.stringify((result as unknown as { rows: unknown[] }).rows);
}

async function seed(test: TestDatabase, count: number): Promise<void> {
  for (let start = 0; start < count; start += 1000) {
    const chunk = Array.from({ length: Math.min(1000, count - start) }, (_, n) =>
      buildItem(`skill/ada/skill-${start + n}`, { usageCount: (start + n) % 97 }),
    );
    await test.database.items.insertMany(chunk);
  }
}

describe('isStale', () => {
  it('refreshes a table with rows that was never analysed, never an empty one', () => {
    expect(isStale({ reltuples: -1, relpages: 0, pages: 1 })).toBe(true);
    expect(isStale({ reltuples: -1, relpages: 0, pages: 0 })).toBe(false);
  });

  it('refreshes when the size moved by more than a tenth, and at least 8 pages', () => {
    expect(isStale({ reltuples: 100, relpages: 2, pages: 10 })).toBe(false);
    expect(isStale({ reltuples: 100, relpages: 2, pages: 11 })).toBe(true);
    expect(isStale({ reltuples: 100_000, relpages: 5000, pages: 5500 })).toBe(false);
    expect(isStale({ reltuples: 100_000, relpages: 5000, pages: 5501 })).toBe(true);
    expect(isStale({ reltuples: 100_000, relpages: 5000, pages: 4499 })).toBe(true);
  });
});

describe('on PGlite', () => {
  // One database for the file, as every PGlite suite: the statistics case runs first, on the tables as the dump
  // left them (never analysed, as a first sync finds them).
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestPglite(inject('pgliteDump'));
  });
  afterAll(() => test.close());

  it('analyses the tables a bulk load filled, once, then again once they have grown by more than a tenth', async () => {
    await seed(test, 5000);
    // What a first sync leaves: the statistics of an empty table, so the planner takes 5,000 rows for a few.
    expect(await planOf(test)).not.toContain('catalog_items_usage_count_id_idx');

    const refreshed = await test.database.refreshStatistics();
    expect(refreshed).toContain('catalog_items');
    expect(refreshed).toContain('catalog_search_terms');
    expect(await planOf(test)).toContain('catalog_items_usage_count_id_idx');
    const [stats] = (
      (await test.connection.db.execute(
        sql`select reltuples::int as rows from pg_class where relname = 'catalog_items'`,
      )) as unknown as { rows: { rows: number }[] }
    ).rows;
    expect(stats?.rows).toBe(5000);
    expect(await test.database.refreshStatistics()).toEqual([]);

    await test.database.items.insertMany([buildItem('skill/ada/one-more')]);
    expect(await test.database.refreshStatistics()).toEqual([]);
    await test.database.items.insertMany(Array.from({ length: 1000 }, (_, n) => buildItem(`skill/ada/later-${n}`)));
    expect(await test.database.refreshStatistics()).toContain('catalog_items');
  });

  describe('a namespace’s or a team’s page, once the statistics are current', () => {
    const team = buildTeam({ slug: 'early' });
    beforeAll(async () => {
      await test.reset();
      await test.database.teams.insert(team);
      // A team imported long ago, never installed, then a catalog of newer and installed items: what sits at the
      // far end of the catalog-wide orders is the first team's whole page.
      const at = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 60_000);
      const early = Array.from({ length: 1500 }, (_, n) =>
        buildItem(`skill/early/skill-${n}`, { updatedAt: at(n), usageCount: 0, teamId: team.id }),
      );
      const late = Array.from({ length: 3000 }, (_, n) =>
        buildItem(`skill/late-${n % 30}/skill-${n}`, { updatedAt: at(10_000 + n), usageCount: 1 + (n % 50) }),
      );
      for (let start = 0; start < early.length + late.length; start += 1000) {
        await test.database.items.insertMany([...early, ...late].slice(start, start + 1000));
      }
      // The reset kept the pages of the rows it deleted, so the size alone would not call for a refresh here.
      await test.connection.db.execute(sql`vacuum analyze`);
    });

    const planOfPage = async (column: string, value: string, order: string) => {
      const result = await test.connection.db.execute(
        sql.raw(`explain (analyze, format json) select i.id from catalog_items i
          where i.reader = any(array['${EVERYONE}'::uuid]) and i.status in ('active', 'deprecated') and i.${column} = '${value}'
          order by i.${order} desc, i.id desc limit 21`),
      );
      return JSON.stringify((result as unknown as { rows: unknown[] }).rows);
    };

    it('walks the namespace’s own part of the index of the sort, newest or most installed first', async () => {
      const byUpdated = await planOfPage('namespace', 'early', 'updated_at');
      expect(byUpdated).toContain('catalog_items_namespace_updated_at_id_idx');
      expect(byUpdated).not.toMatch(/"Rows Removed by Filter": *[1-9]/);
      expect(await planOfPage('namespace', 'early', 'usage_count')).toContain(
        'catalog_items_namespace_usage_count_id_idx',
      );
    });

    it('walks the team’s own part of the index of the sort', async () => {
      expect(await planOfPage('team_id', team.id, 'updated_at')).toContain('catalog_items_team_id_updated_at_id_idx');
      expect(await planOfPage('team_id', team.id, 'usage_count')).toContain('catalog_items_team_id_usage_count_id_idx');
    });
  });
});

describeWithServer('refreshStatistics on a PostgreSQL server', (server) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestServer(server.url, server.template);
  });
  afterAll(() => test.close());

  it('leaves statistics to the server’s autovacuum when it runs, and keeps them itself when it is off', async () => {
    await test.reset();
    await seed(test, 3000);
    const autovacuum = await autovacuumIsOn(test.connection.db);
    const refreshed = await test.database.refreshStatistics();
    if (autovacuum) expect(refreshed).toEqual([]);
    else {
      expect(refreshed).toContain('catalog_items');
      expect(await planOf(test)).toContain('catalog_items_usage_count_id_idx');
      expect(await test.database.refreshStatistics()).toEqual([]);
    }
  });
});
