import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Repositories } from '../repositories.ts';
import { buildItem, buildTeam, buildUser, tick } from '../testing/builders.ts';
import type { CatalogItem } from './catalog-item.ts';
import { parseItemRef } from './item-ref.ts';
import type { ItemSearch } from './item-repository.ts';

const admin = { kind: 'admin' } as const;
const refOf = (i: CatalogItem) => `${i.kind}/${i.namespace}/${i.name}`;

export function itemRepositoryContract(name: string, open: () => Promise<Repositories>) {
  describe(`ItemRepository contract: ${name}`, () => {
    let db: Repositories;
    const search = async (query: Partial<ItemSearch>) =>
      (await db.items.search({ sort: 'relevance', limit: 50, viewer: admin, ...query })).items.map(refOf);

    beforeEach(async () => {
      db = await open();
    });

    it('returns undefined for an unknown id, reference or path', async () => {
      expect(await db.items.findById('00000000-0000-7000-8000-000000000000')).toBeUndefined();
      expect(await db.items.findByRef(parseItemRef('skill/x/missing'))).toBeUndefined();
      expect(await db.items.findByGitPath('skills/x/missing')).toBeUndefined();
    });

    it('round-trips an item: JSON manifest, arrays, unicode and time zones', async () => {
      const item = buildItem('skill/platform/pdf-tools', {
        manifest: { name: 'pdf-tools', nested: { list: [1, 'zwei', null, true] }, emoji: '📄 ü 日本' },
        title: 'PDF Tools',
        description: 'Extract text from PDF files — schnell ✓',
        tags: ['pdf', 'documents'],
        version: '1.2.3',
        problems: [{ path: 'SKILL.md#/x', message: 'ü' }],
        createdAt: new Date('2026-03-29T01:30:00.001+01:00'),
        updatedAt: new Date('2026-10-25T02:30:00.999-07:00'),
      });
      await db.items.insert(item);
      expect(await db.items.findById(item.id)).toEqual(item);
      expect(await db.items.findByRef(parseItemRef('skill/platform/pdf-tools'))).toEqual(item);
      expect(await db.items.findByGitPath('skills/platform/pdf-tools')).toEqual(item);
    });

    it('finds an item with its owner and team names in one lookup', async () => {
      const owner = buildUser({ username: 'namer' });
      const team = buildTeam({ slug: 'named' });
      await db.users.insert(owner);
      await db.teams.insert(team);
      const item = buildItem('skill/named/thing', { ownerUserId: owner.id, teamId: team.id });
      await db.items.insert(item);
      await db.items.insert(buildItem('skill/x/plain'));
      expect(await db.items.findWithNamesByRef(parseItemRef('skill/named/thing'))).toEqual({
        item,
        owner: 'namer',
        team: 'named',
      });
      expect((await db.items.findWithNamesByRef(parseItemRef('skill/x/plain')))?.owner).toBeNull();
      expect(await db.items.findWithNamesByRef(parseItemRef('skill/x/none'))).toBeUndefined();
    });

    it('refuses a duplicate reference or git path with ConflictError', async () => {
      await db.items.insert(buildItem('skill/x/a'));
      await expect(db.items.insert(buildItem('skill/x/a'))).rejects.toBeInstanceOf(ConflictError);
      await expect(db.items.insert(buildItem('skill/x/b', { gitPath: 'skills/x/a' }))).rejects.toBeInstanceOf(
        ConflictError,
      );
      await db.items.insert(buildItem('mcp/x/a'));
    });

    it('updates an item, and refuses an unknown one with NotFoundError', async () => {
      const item = buildItem('tool/x/calc');
      await db.items.insert(item);
      const changed = {
        ...item,
        tags: ['math'],
        usageCount: 7,
        status: 'deprecated' as const,
        statusMessage: 'use calc2',
      };
      await db.items.update(changed);
      expect(await db.items.findById(item.id)).toEqual(changed);
      await expect(db.items.update(buildItem('tool/x/ghost'))).rejects.toBeInstanceOf(NotFoundError);
    });

    it('returns copies: changing a returned item changes nothing stored', async () => {
      const item = buildItem('skill/x/copy', { tags: ['one'], manifest: { a: { b: 1 } } });
      await db.items.insert(item);
      const found = (await db.items.findById(item.id)) as unknown as { tags: string[]; manifest: { a: { b: number } } };
      found.tags.push('two');
      found.manifest.a.b = 2;
      const again = await db.items.findById(item.id);
      expect(again?.tags).toEqual(['one']);
      expect(again?.manifest).toEqual({ a: { b: 1 } });
    });

    it('records versions once per commit and finds them by manifest version', async () => {
      const item = buildItem('skill/x/versioned');
      await db.items.insert(item);
      const v = (commit: string, version: string | null) => ({
        id: newId(),
        itemId: item.id,
        commitSha: commit.repeat(40),
        treeSha: 'c'.repeat(40),
        version,
        publishedBy: null,
        manifest: { name: 'x', description: `version ${version}` },
        access: { visibility: 'team' as const, teamId: item.teamId, ownerUserId: item.ownerUserId },
        createdAt: tick(),
      });
      const [one, two, three] = [v('1', '1.0.0'), v('2', '1.1.0'), v('3', null)];
      for (const version of [one, two, three]) await db.items.recordVersion(version!);
      await db.items.recordVersion({ ...one!, id: newId(), version: 'ignored' });
      expect((await db.items.listVersions(item.id)).map((x) => x.version)).toEqual([null, '1.1.0', '1.0.0']);
      expect(await db.items.listVersions(item.id, [one!.commitSha])).toEqual([one]);
      expect(await db.items.listVersions(item.id, [])).toEqual([]);
      expect(await db.items.findVersionsByNumber(item.id, '1.1.0')).toEqual([two]);
      expect(await db.items.findVersionsByNumber(item.id, '9.9.9')).toEqual([]);
    });

    it('counts concurrent installs without losing one', async () => {
      const item = buildItem('mcp/x/popular');
      await db.items.insert(item);
      const install = (_: unknown, i: number) =>
        db.items.recordInstall({
          id: newId(),
          itemId: item.id,
          userId: null,
          installer: `anonymous:${i}`,
          day: '2030-01-01',
          client: 'cursor',
          createdAt: tick(),
        });
      const counts = await Promise.all(Array.from({ length: 10 }, install));
      expect([...counts].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect((await db.items.findById(item.id))?.usageCount).toBe(10);
      await expect(
        db.items.recordInstall({
          id: newId(),
          itemId: buildItem('mcp/x/none').id,
          userId: null,
          installer: 'anonymous:x',
          day: '2030-01-01',
          client: 'x',
          createdAt: tick(),
        }),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it('counts one install per installer, item and day, even when repeats arrive together', async () => {
      const item = buildItem('mcp/x/counted');
      await db.items.insert(item);
      const install = (installer: string, day: string) =>
        db.items.recordInstall({
          id: newId(),
          itemId: item.id,
          userId: null,
          installer,
          day,
          client: 'cursor',
          createdAt: tick(),
        });
      await Promise.all(Array.from({ length: 15 }, () => install('user:ada', '2030-01-01')));
      expect((await db.items.findById(item.id))?.usageCount).toBe(1);
      expect(await install('user:ada', '2030-01-02')).toBe(2);
      expect(await install('user:bob', '2030-01-02')).toBe(3);
      expect(await install('user:bob', '2030-01-02')).toBe(3);
    });

    it("keeps a version's manifest and read rule", async () => {
      const item = buildItem('skill/x/kept');
      await db.items.insert(item);
      const version = {
        id: newId(),
        itemId: item.id,
        commitSha: 'd'.repeat(40),
        treeSha: 'e'.repeat(40),
        version: '2.0.0',
        publishedBy: null,
        manifest: { name: 'kept', description: 'Ünïcode ✓', metadata: { version: '2.0.0' } },
        access: { visibility: 'team' as const, teamId: null, ownerUserId: null },
        createdAt: tick(),
      };
      await db.items.recordVersion(version);
      expect(await db.items.listVersions(item.id)).toEqual([version]);
    });

    describe('search', () => {
      beforeEach(async () => {
        await db.items.insert(
          buildItem('skill/platform/pdf-tools', { description: 'Fill and split documents', tags: ['docs'] }),
        );
        await db.items.insert(
          buildItem('skill/platform/report-writer', { description: 'Writes reports as PDF files' }),
        );
        await db.items.insert(buildItem('mcp/data/warehouse', { description: 'Query the warehouse', tags: ['pdf'] }));
        await db.items.insert(buildItem('tool/data/calculator', { description: 'Adds numbers' }));
      });

      it('finds by a word of the name, description or tags, name first, then description, then tags', async () => {
        expect(await search({ q: 'pdf' })).toEqual([
          'skill/platform/pdf-tools',
          'skill/platform/report-writer',
          'mcp/data/warehouse',
        ]);
      });

      it('finds by a misspelt name (trigram similarity)', async () => {
        expect(await search({ q: 'pdf-tols' })).toContain('skill/platform/pdf-tools');
        expect(await search({ q: 'calculater' })).toEqual(['tool/data/calculator']);
      });

      it('finds nothing for an unrelated word', async () => {
        expect(await search({ q: 'kubernetes' })).toEqual([]);
      });

      it('filters by kind, namespace, tag, team, owner and status', async () => {
        const team = buildTeam({ slug: 'data' });
        const owner = buildUser({ username: 'olga' });
        await db.teams.insert(team);
        await db.users.insert(owner);
        await db.items.insert(
          buildItem('skill/data/etl', {
            teamId: team.id,
            ownerUserId: owner.id,
            tags: ['pdf', 'etl'],
            status: 'deprecated',
          }),
        );
        await db.items.insert(buildItem('skill/data/old', { status: 'deleted' }));
        expect(await search({ kind: 'mcp' })).toEqual(['mcp/data/warehouse']);
        expect(await search({ namespace: 'platform', sort: 'name' })).toEqual([
          'skill/platform/pdf-tools',
          'skill/platform/report-writer',
        ]);
        expect(await search({ tag: 'pdf', sort: 'name' })).toEqual(['skill/data/etl', 'mcp/data/warehouse']);
        expect(await search({ teamId: team.id })).toEqual(['skill/data/etl']);
        expect(await search({ ownerUserId: owner.id })).toEqual(['skill/data/etl']);
        expect(await search({ status: 'deleted' })).toEqual(['skill/data/old']);
        expect(await search({ namespace: 'data', sort: 'name' })).toEqual([
          'tool/data/calculator',
          'skill/data/etl',
          'mcp/data/warehouse',
        ]);
      });

      it('sorts by name, recently updated and most installed', async () => {
        const calc = await db.items.findByRef(parseItemRef('tool/data/calculator'));
        await db.items.update({ ...calc!, usageCount: 50, updatedAt: tick() });
        const pdf = await db.items.findByRef(parseItemRef('skill/platform/pdf-tools'));
        await db.items.update({ ...pdf!, usageCount: 10 });
        expect(await search({ sort: 'name' })).toEqual([
          'tool/data/calculator',
          'skill/platform/pdf-tools',
          'skill/platform/report-writer',
          'mcp/data/warehouse',
        ]);
        expect((await search({ sort: 'updated' }))[0]).toBe('tool/data/calculator');
        expect((await search({ sort: 'installs' })).slice(0, 2)).toEqual([
          'tool/data/calculator',
          'skill/platform/pdf-tools',
        ]);
        expect(await search({ sort: 'relevance' })).toEqual(await search({ sort: 'updated' }));
      });

      it('applies the read rule: team items only to members and admins, personal ones to their owner', async () => {
        const team = buildTeam({ slug: 'secret' });
        const [member, outsider] = [buildUser({ username: 'insider' }), buildUser({ username: 'outsider' })];
        await db.teams.insert(team);
        await db.users.insert(member);
        await db.users.insert(outsider);
        await db.teams.putMember({ teamId: team.id, userId: member.id, role: 'member', createdAt: tick() });
        await db.items.insert(buildItem('skill/secret/plans', { teamId: team.id, visibility: 'team' }));
        await db.items.insert(buildItem('skill/insider/diary', { ownerUserId: member.id, visibility: 'team' }));
        const visible = (viewer: ItemSearch['viewer']) =>
          search({ namespace: undefined, viewer, q: undefined, sort: 'name' });
        const everyone = [
          'tool/data/calculator',
          'skill/platform/pdf-tools',
          'skill/platform/report-writer',
          'mcp/data/warehouse',
        ];
        expect(await visible({ kind: 'user', userId: member.id })).toEqual([
          'tool/data/calculator',
          'skill/insider/diary',
          'skill/platform/pdf-tools',
          'skill/secret/plans',
          'skill/platform/report-writer',
          'mcp/data/warehouse',
        ]);
        expect(await visible({ kind: 'user', userId: outsider.id })).toEqual(everyone);
        expect(await visible({ kind: 'anonymous' })).toEqual(everyone);
        expect(await visible(admin)).toHaveLength(6);
      });

      it('pages with a cursor in every sort, each row exactly once', async () => {
        for (let i = 0; i < 7; i++) {
          await db.items.insert(buildItem(`skill/bulk/pdf-${i}`, { usageCount: i % 3, description: 'pdf helper' }));
        }
        for (const sort of ['relevance', 'updated', 'installs', 'name'] as const) {
          const seen: string[] = [];
          let cursor: string | undefined;
          do {
            const page = await db.items.search({
              q: sort === 'relevance' ? 'pdf' : undefined,
              sort,
              limit: 3,
              cursor,
              viewer: admin,
            });
            seen.push(...page.items.map(refOf));
            cursor = page.nextCursor;
          } while (cursor);
          const all = await search({ q: sort === 'relevance' ? 'pdf' : undefined, sort });
          expect(seen, sort).toEqual(all);
          expect(new Set(seen).size, sort).toBe(seen.length);
        }
      });

      it('keeps later pages correct while rows are inserted between pages', async () => {
        const first = await db.items.search({ sort: 'name', limit: 2, viewer: admin });
        expect(first.items.map(refOf)).toEqual(['tool/data/calculator', 'skill/platform/pdf-tools']);
        await db.items.insert(buildItem('skill/x/aardvark'));
        await db.items.insert(buildItem('skill/x/quality'));
        const second = await db.items.search({ sort: 'name', limit: 10, cursor: first.nextCursor, viewer: admin });
        expect(second.items.map(refOf)).toEqual([
          'skill/x/quality',
          'skill/platform/report-writer',
          'mcp/data/warehouse',
        ]);

        const newest = await db.items.search({ sort: 'updated', limit: 2, viewer: admin });
        await db.items.insert(buildItem('skill/x/brand-new'));
        const rest = await db.items.search({ sort: 'updated', limit: 10, cursor: newest.nextCursor, viewer: admin });
        expect([...newest.items, ...rest.items].map(refOf)).not.toContain('skill/x/brand-new');
        expect(newest.items.length + rest.items.length).toBe(6);
      });

      it('refuses a malformed cursor, or one from another sort, with ValidationError', async () => {
        const page = await db.items.search({ sort: 'name', limit: 1, viewer: admin });
        await expect(
          db.items.search({ sort: 'updated', limit: 1, cursor: page.nextCursor, viewer: admin }),
        ).rejects.toBeInstanceOf(ValidationError);
        await expect(
          db.items.search({ sort: 'name', limit: 1, cursor: 'garbage!', viewer: admin }),
        ).rejects.toBeInstanceOf(ValidationError);
      });

      it('treats SQL-like and operator-laden queries as words', async () => {
        expect(await search({ q: "pdf' OR 1=1 --" })).toContain('skill/platform/pdf-tools');
        expect(await search({ q: '%_\\' })).toEqual([]);
        expect(await search({ q: '!!! & | :*' })).toEqual([]);
      });
    });
  });
}
