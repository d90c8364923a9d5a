import { beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Repositories } from '../repositories.ts';
import { buildItem, buildTeam, buildUser, tick } from '../testing/builders.ts';
import type { CatalogItem } from './catalog-item.ts';
import type { RegistryServerQuery, RegistryServerVersion } from './item-repository.ts';
import type { VersionAccess } from './item-version.ts';

const admin = { kind: 'admin' } as const;
const anonymous = { kind: 'anonymous' } as const;

/** The MCP Registry reads of ItemRepository (listRegistryServers, listRegistryServerVersions). */
export function itemRepositoryRegistryContract(name: string, open: () => Promise<Repositories>) {
  describe(`ItemRepository registry reads: ${name}`, () => {
    let db: Repositories;
    beforeEach(async () => {
      db = await open();
    });

    const server = (ref: string, serverName: string, version: string, overrides: Partial<CatalogItem> = {}) =>
      buildItem(ref, {
        serverName,
        version,
        description: overrides.description ?? 'Forecasts.',
        manifest: { name: serverName, description: overrides.description ?? 'Forecasts.', version },
        ...overrides,
      });
    const record = (item: CatalogItem, version: string, extra: { manifest?: unknown; access?: VersionAccess } = {}) =>
      db.items.recordVersion({
        id: newId(),
        itemId: item.id,
        commitSha: newId().replaceAll('-', '').padEnd(40, '0'),
        treeSha: 'e'.repeat(40),
        version,
        publishedBy: null,
        manifest:
          extra.manifest === undefined
            ? { name: item.serverName, description: 'Forecasts.', version }
            : (extra.manifest as Record<string, unknown> | null),
        access: extra.access ?? null,
        createdAt: tick(),
      });
    const list = async (query: Partial<RegistryServerQuery>) =>
      db.items.listRegistryServers({ viewer: admin, includeDeleted: false, limit: 50, ...query });
    const keys = (entries: readonly RegistryServerVersion[]) => entries.map((e) => `${e.serverName}@${e.version}`);

    it('lists the latest version of every live server, by server name, in pages that neither repeat nor skip', async () => {
      await db.items.insert(server('mcp/x/weather', 'io.github.acme/weather', '1.0.0'));
      await db.items.insert(server('mcp/x/alpha', 'com.example/alpha', '2.0.0'));
      await db.items.insert(server('mcp/x/beta', 'com.example/beta', '0.1.0', { status: 'deprecated' }));
      await db.items.insert(server('mcp/x/gone', 'com.example/gone', '1.0.0', { status: 'deleted' }));
      await db.items.insert(server('mcp/x/broken', 'com.example/broken', '1.0.0', { status: 'invalid' }));
      await db.items.insert(buildItem('skill/x/weather'));
      const all = await list({ version: 'latest' });
      expect(keys(all.items)).toEqual([
        'com.example/alpha@2.0.0',
        'com.example/beta@0.1.0',
        'io.github.acme/weather@1.0.0',
      ]);
      expect(all.nextCursor).toBeUndefined();
      const first = await list({ version: 'latest', limit: 2 });
      expect(keys(first.items)).toEqual(['com.example/alpha@2.0.0', 'com.example/beta@0.1.0']);
      expect(first.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
      const rest = await list({ version: 'latest', limit: 2, cursor: first.nextCursor });
      expect(keys(rest.items)).toEqual(['io.github.acme/weather@1.0.0']);
      expect(rest.nextCursor).toBeUndefined();
      const deleted = await list({ version: 'latest', includeDeleted: true });
      expect(keys(deleted.items)).toContain('com.example/gone@1.0.0');
      expect(keys(deleted.items)).not.toContain('com.example/broken@1.0.0');
    });

    it('lists one entry per manifest version, the newest publish of each winning, and the current one as latest', async () => {
      const item = server('mcp/x/weather', 'io.github.acme/weather', '2.0.0', {
        manifest: { name: 'io.github.acme/weather', description: 'Now.', version: '2.0.0' },
      });
      await db.items.insert(item);
      await record(item, '1.0.0', {
        manifest: { name: 'io.github.acme/weather', description: 'Old.', version: '1.0.0' },
      });
      await record(item, '1.0.0', {
        manifest: { name: 'io.github.acme/weather', description: 'Fix.', version: '1.0.0' },
      });
      await record(item, '1.5.0', { manifest: null });
      await record(item, '2.0.0');
      const versions = await db.items.listRegistryServerVersions({
        viewer: admin,
        includeDeleted: false,
        serverName: 'io.github.acme/weather',
      });
      expect(versions.map((v) => [v.version, v.isLatest, v.manifest.description])).toEqual([
        ['2.0.0', true, 'Now.'],
        ['1.0.0', false, 'Fix.'],
      ]);
      const older = await db.items.listVersions(item.id);
      const firstOf = (version: string) =>
        new Date(Math.min(...older.filter((v) => v.version === version).map((v) => v.createdAt.getTime())));
      expect(versions[1]?.publishedAt).toEqual(firstOf('1.0.0'));
      expect(versions[0]?.publishedAt).toEqual(firstOf('2.0.0'));
      expect(versions[0]?.item).toEqual(item);
      expect(keys((await list({})).items)).toEqual(['io.github.acme/weather@1.0.0', 'io.github.acme/weather@2.0.0']);
      expect(keys((await list({ version: '1.0.0' })).items)).toEqual(['io.github.acme/weather@1.0.0']);
      expect(keys((await list({ version: '9.9.9' })).items)).toEqual([]);
      expect(
        await db.items.listRegistryServerVersions({
          viewer: admin,
          includeDeleted: false,
          serverName: 'io.github.acme/Weather',
        }),
      ).toEqual([]);
    });

    it('leaves out the history of an earlier item of the same name', async () => {
      const since = tick();
      const item = server('mcp/x/weather', 'io.github.acme/weather', '2.0.0', { historySince: since });
      await db.items.insert(item);
      await db.items.recordVersion({
        id: newId(),
        itemId: item.id,
        commitSha: 'c'.repeat(40),
        treeSha: 'e'.repeat(40),
        version: '1.0.0',
        publishedBy: null,
        manifest: { name: 'io.github.acme/weather' },
        access: null,
        createdAt: new Date(since.getTime() - 1000),
      });
      expect(keys((await list({})).items)).toEqual(['io.github.acme/weather@2.0.0']);
    });

    it('serves only what the viewer may read, now and when each version was written', async () => {
      const team = buildTeam({ slug: 'data' });
      const member = buildUser();
      await db.users.insert(member);
      await db.teams.insert(team);
      await db.teams.putMember({ teamId: team.id, userId: member.id, role: 'member', createdAt: tick() });
      const open = server('mcp/data/open', 'com.example/open', '2.0.0', { teamId: team.id });
      await db.items.insert(open);
      await record(open, '1.0.0', { access: { visibility: 'team', teamId: team.id, ownerUserId: null } });
      await db.items.insert(
        server('mcp/data/closed', 'com.example/closed', '1.0.0', { teamId: team.id, visibility: 'team' }),
      );
      await db.items.insert(server('mcp/y/other', 'com.example/other', '1.0.0'));
      expect(keys((await list({ viewer: anonymous })).items)).toEqual([
        'com.example/open@2.0.0',
        'com.example/other@1.0.0',
      ]);
      const mine = await list({ viewer: { kind: 'user', userId: member.id } });
      expect(keys(mine.items)).toEqual([
        'com.example/closed@1.0.0',
        'com.example/open@1.0.0',
        'com.example/open@2.0.0',
        'com.example/other@1.0.0',
      ]);
      expect(mine.items[0]?.team).toBe('data');
      expect(keys((await list({ viewer: anonymous, teamId: team.id })).items)).toEqual(['com.example/open@2.0.0']);
      expect(
        await db.items.listRegistryServerVersions({
          viewer: anonymous,
          includeDeleted: false,
          serverName: 'com.example/closed',
        }),
      ).toEqual([]);
    });

    it('searches name, title and description as case-insensitive substrings, wildcards taken literally', async () => {
      await db.items.insert(server('mcp/x/weather', 'io.github.acme/weather', '1.0.0'));
      await db.items.insert(server('mcp/x/files', 'com.example/files', '1.0.0', { title: 'File Browser' }));
      await db.items.insert(server('mcp/x/pdf', 'com.example/pdf', '1.0.0', { description: 'Reads 100% of PDFs' }));
      const found = async (search: string) => keys((await list({ version: 'latest', search })).items);
      expect(await found('ACME')).toEqual(['io.github.acme/weather@1.0.0']);
      expect(await found('browser')).toEqual(['com.example/files@1.0.0']);
      expect(await found('100%')).toEqual(['com.example/pdf@1.0.0']);
      expect(await found('1_0')).toEqual([]);
      expect(await found("x' or 1=1 --")).toEqual([]);
    });

    it('lists only servers updated since a moment', async () => {
      await db.items.insert(
        server('mcp/x/old', 'com.example/old', '1.0.0', { updatedAt: new Date('2026-01-01T00:00:00Z') }),
      );
      await db.items.insert(
        server('mcp/x/new', 'com.example/new', '1.0.0', { updatedAt: new Date('2026-06-01T00:00:00Z') }),
      );
      const since = await list({ updatedSince: new Date('2026-03-01T00:00:00Z') });
      expect(keys(since.items)).toEqual(['com.example/new@1.0.0']);
    });

    it('answers the live holder of a name before a deleted one, and a deleted one only when asked', async () => {
      const gone = server('mcp/x/gone', 'com.example/gone', '1.0.0', { status: 'deleted' });
      await db.items.insert(gone);
      const lookup = (includeDeleted: boolean) =>
        db.items.listRegistryServerVersions({ viewer: admin, includeDeleted, serverName: 'com.example/gone' });
      expect(await lookup(false)).toEqual([]);
      expect((await lookup(true)).map((v) => v.item.id)).toEqual([gone.id]);
      const back = server('mcp/x/back', 'com.example/gone', '2.0.0');
      await db.items.insert(back);
      expect((await lookup(true)).map((v) => v.item.id)).toEqual([back.id]);
    });

    it('pages every version of every server, one or a few at a time, as the whole list has them', async () => {
      // Servers with one, two and three versions, a deleted one sharing a live one's name, and one the anonymous
      // reader may not see: every page size walks the same list, whatever falls at a page's edge.
      const names = ['a.example/one', 'b.example/two', 'c.example/three', 'd.example/four', 'e.example/five'];
      for (const [n, name] of names.entries()) {
        const item = server(`mcp/x/s${n}`, name, `${n + 1}.0.0`, n === 3 ? { visibility: 'team' } : {});
        await db.items.insert(item);
        for (let older = 0; older < n % 3; older++) await record(item, `0.${older}.0`);
      }
      await db.items.insert(server('mcp/x/old-two', 'b.example/two', '9.0.0', { status: 'deleted' }));
      for (const viewer of [admin, anonymous]) {
        for (const includeDeleted of [false, true]) {
          const whole = await list({ viewer, includeDeleted });
          expect(whole.nextCursor).toBeUndefined();
          expect(whole.items.length).toBeGreaterThan(names.length);
          for (const limit of [1, 2, 3]) {
            const paged: RegistryServerVersion[] = [];
            let cursor: string | undefined;
            do {
              const page = await list({ viewer, includeDeleted, limit, cursor });
              expect(page.items.length).toBeLessThanOrEqual(limit);
              paged.push(...page.items);
              cursor = page.nextCursor;
            } while (cursor !== undefined);
            expect(
              paged.map((e) => [e.item.id, e.version]),
              `${viewer.kind} ${includeDeleted} ${limit}`,
            ).toEqual(whole.items.map((e) => [e.item.id, e.version]));
          }
        }
      }
      // The deleted item's version shows only when deleted ones are asked for; the team's only to who may read it.
      expect(keys((await list({ includeDeleted: true })).items)).toContain('b.example/two@9.0.0');
      expect(keys((await list({})).items)).not.toContain('b.example/two@9.0.0');
      expect(keys((await list({ viewer: anonymous })).items).some((k) => k.startsWith('d.example/four'))).toBe(false);
    });

    it('refuses a malformed cursor with ValidationError', async () => {
      await expect(list({ cursor: 'garbage!' })).rejects.toBeInstanceOf(ValidationError);
    });
  });
}
