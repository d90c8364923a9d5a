import { beforeEach, describe, expect, it } from 'vitest';
import type { Team } from '../accounts/team.ts';
import { ConflictError, NotFoundError, ServerNameTakenError, ValidationError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Repositories } from '../repositories.ts';
import { buildItem, buildTeam, buildUser, tick } from '../testing/builders.ts';
import type { CatalogItem } from './catalog-item.ts';
import { parseItemRef } from './item-ref.ts';
import type { ItemSearch, ItemSummary } from './item-repository.ts';

const admin = { kind: 'admin' } as const;
const refOf = (i: ItemSummary) => `${i.kind}/${i.namespace}/${i.name}`;

export function itemRepositoryContract(name: string, open: () => Promise<Repositories>) {
  describe(`ItemRepository contract: ${name}`, () => {
    let db: Repositories;
    const search = async (query: Partial<ItemSearch>) =>
      (await db.items.search({ sort: 'relevance', limit: 50, viewer: admin, ...query })).items.map(refOf);
    const facetsOf = async (query: Partial<ItemSearch>) =>
      (await db.items.searchWithFacets({ sort: 'relevance', limit: 50, viewer: admin, ...query })).facets;

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

    it('inserts many items at once, all or none, and finds them by their git paths in one lookup', async () => {
      const many = ['skill/x/one', 'mcp/x/two', 'tool/x/three'].map((ref) => buildItem(ref, { tags: ['bulk'] }));
      await db.items.insertMany(many);
      await db.items.insertMany([]);
      const found = await db.items.findByGitPaths([...many.map((i) => i.gitPath), 'skills/x/missing']);
      expect(found.sort((a, b) => a.gitPath.localeCompare(b.gitPath))).toEqual(
        [...many].sort((a, b) => a.gitPath.localeCompare(b.gitPath)),
      );
      expect(await db.items.findByGitPaths([])).toEqual([]);
      expect(await search({ q: 'three' })).toEqual(['tool/x/three']);

      // A duplicate of a stored item, or of another item of the same call, refuses the whole call.
      const fresh = buildItem('skill/x/fresh');
      await expect(db.items.insertMany([fresh, buildItem('skill/x/one')])).rejects.toBeInstanceOf(ConflictError);
      await expect(db.items.insertMany([fresh, buildItem('skill/x/fresh')])).rejects.toBeInstanceOf(ConflictError);
      await expect(
        db.items.insertMany([
          buildItem('mcp/x/a', { serverName: 'io.example/same' }),
          buildItem('mcp/x/b', { serverName: 'io.example/same' }),
        ]),
      ).rejects.toBeInstanceOf(ServerNameTakenError);
      expect(await db.items.findByGitPaths([fresh.gitPath, 'mcp/x/a', 'mcp/x/b'])).toEqual([]);
    });

    it('records many versions at once, each commit of an item once', async () => {
      const [a, b] = [buildItem('skill/x/a'), buildItem('skill/x/b')];
      await db.items.insertMany([a!, b!]);
      const v = (item: CatalogItem, commit: string) => ({
        id: newId(),
        itemId: item.id,
        commitSha: commit.repeat(40),
        treeSha: item.treeSha,
        version: null,
        publishedBy: null,
        manifest: { name: item.name },
        access: { visibility: 'org' as const, teamId: null, ownerUserId: null },
        createdAt: tick(),
      });
      const first = v(a!, '1');
      await db.items.recordVersions([first, v(b!, '1'), v(a!, '2')]);
      await db.items.recordVersions([{ ...first, id: newId(), version: 'ignored' }]);
      await db.items.recordVersions([]);
      expect((await db.items.listVersions(a!.id)).map((x) => x.commitSha)).toEqual(['2'.repeat(40), '1'.repeat(40)]);
      expect(await db.items.listVersions(a!.id, [first.commitSha])).toEqual([first]);
      expect(await db.items.listVersions(b!.id)).toHaveLength(1);
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

    describe('server names', () => {
      const WEATHER = 'io.github.acme/weather';
      const server = (ref: string, serverName: string | null, overrides: Partial<CatalogItem> = {}) =>
        buildItem(ref, { serverName, manifest: { name: serverName, description: 'Forecasts.' }, ...overrides });

      it('finds the live item that declares a server name, compared exactly as written', async () => {
        const weather = server('mcp/x/weather', WEATHER);
        await db.items.insert(weather);
        await db.items.insert(buildItem('skill/x/weather'));
        expect(await db.items.findByServerName(WEATHER)).toEqual(weather);
        expect(await db.items.findByRef(parseItemRef('mcp/x/weather'))).toEqual(weather);
        expect(await db.items.findByServerName('io.github.acme/Weather')).toBeUndefined();
        expect(await db.items.findByServerName('io.github.acme/weather ')).toBeUndefined();
        expect(await db.items.findByServerName('io.github.acme/other')).toBeUndefined();
      });

      it('refuses a second live item declaring a server name with ServerNameTakenError, on insert and on update', async () => {
        const weather = server('mcp/x/weather', WEATHER);
        await db.items.insert(weather);
        await expect(db.items.insert(server('mcp/y/weather', WEATHER))).rejects.toBeInstanceOf(ServerNameTakenError);
        expect(await db.items.findByRef(parseItemRef('mcp/y/weather'))).toBeUndefined();
        // The registry compares names exactly: another spelling is another server.
        await db.items.insert(server('mcp/y/weather', 'io.github.acme/Weather'));
        const other = server('mcp/z/other', 'io.github.acme/other');
        await db.items.insert(other);
        await expect(db.items.update({ ...other, serverName: WEATHER })).rejects.toBeInstanceOf(ServerNameTakenError);
        expect(await db.items.findById(other.id)).toEqual(other);
        // The holder writes its own name again freely, and items without a server name never collide.
        await db.items.update({ ...weather, version: '2.0.0' });
        await db.items.insert(server('mcp/z/nameless', null));
        await db.items.insert(server('mcp/z/nameless-too', null));
        expect((await db.items.findByServerName(WEATHER))?.version).toBe('2.0.0');
      });

      it('lets a deleted item keep its name on record without holding it, and refuses to revive it once another does', async () => {
        const old = server('mcp/x/weather', WEATHER);
        await db.items.insert(old);
        await db.items.update({ ...old, status: 'deleted' });
        expect(await db.items.findByServerName(WEATHER)).toBeUndefined();
        const successor = server('mcp/y/weather', WEATHER);
        await db.items.insert(successor);
        await db.items.insert(server('mcp/z/weather', WEATHER, { status: 'deleted' }));
        expect((await db.items.findByServerName(WEATHER))?.id).toBe(successor.id);
        await expect(db.items.update({ ...old, status: 'active' })).rejects.toBeInstanceOf(ServerNameTakenError);
        expect(await db.items.findById(old.id)).toMatchObject({ status: 'deleted', serverName: WEATHER });
      });

      it('counts invalid and deprecated items as live holders', async () => {
        await db.items.insert(server('mcp/x/broken', WEATHER, { status: 'invalid' }));
        await expect(db.items.insert(server('mcp/y/weather', WEATHER))).rejects.toBeInstanceOf(ServerNameTakenError);
        await db.items.insert(server('mcp/x/old', 'io.github.acme/old', { status: 'deprecated' }));
        await expect(db.items.insert(server('mcp/y/old', 'io.github.acme/old'))).rejects.toBeInstanceOf(
          ServerNameTakenError,
        );
      });

      it('lets exactly one of two concurrent writes of different items take a server name', async () => {
        const results = await Promise.allSettled([
          db.items.insert(server('mcp/x/weather', WEATHER)),
          db.items.insert(server('mcp/y/weather', WEATHER)),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const [refused] = results.filter((r) => r.status === 'rejected');
        expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(ServerNameTakenError);
      });
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

      it('returns summaries without manifest, problems and search text, and whole items with full', async () => {
        const whole = await db.items.findByRef(parseItemRef('skill/platform/pdf-tools'));
        for (const q of [undefined, 'pdf']) {
          const [summary] = (await db.items.search({ q, name: 'pdf-tools', sort: 'name', limit: 5, viewer: admin }))
            .items;
          expect(summary).toBeDefined();
          expect(Object.keys(summary!).sort()).not.toContain('manifest');
          expect(summary).not.toHaveProperty('problems');
          expect(summary).not.toHaveProperty('searchText');
          const { manifest: _m, problems: _p, searchText: _s, ...expected } = whole!;
          expect(summary).toEqual(expected);
          const [full] = (
            await db.items.search({ q, name: 'pdf-tools', sort: 'name', limit: 5, viewer: admin, full: true })
          ).items;
          expect(full).toEqual(whole);
          const [faceted] = (
            await db.items.searchWithFacets({ q, name: 'pdf-tools', sort: 'name', limit: 5, viewer: admin })
          ).items;
          expect(faceted).toEqual(expected);
        }
      });

      it('filters by exact name across namespaces, with a search or without', async () => {
        await db.items.insert(buildItem('skill/data/pdf-tools'));
        await db.items.insert(buildItem('skill/data/pdf-tools-2'));
        expect((await search({ name: 'pdf-tools', sort: 'name' })).sort()).toEqual([
          'skill/data/pdf-tools',
          'skill/platform/pdf-tools',
        ]);
        expect(await search({ name: 'pdf-tools', namespace: 'data' })).toEqual(['skill/data/pdf-tools']);
        expect((await search({ name: 'pdf-tools', q: 'pdf', sort: 'name' })).sort()).toEqual([
          'skill/data/pdf-tools',
          'skill/platform/pdf-tools',
        ]);
        expect(await search({ name: 'pdf' })).toEqual([]);
        expect(await search({ name: 'PDF-TOOLS' })).toEqual([]);
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

    describe('relevance', () => {
      const put = (ref: string, overrides: Partial<CatalogItem> = {}) =>
        db.items.insert(buildItem(ref, { description: 'Does one thing well.', ...overrides }));

      it('finds items that match only some words, the one that matches most first', async () => {
        await put('skill/a/table-extractor', { description: 'Extract tables from PDF files.' });
        await put('skill/a/viewer', { description: 'Shows PDF files.' });
        await put('skill/a/unrelated', { description: 'Sends emails.' });
        expect(await search({ q: 'extract the tables from quarterly pdf reports' })).toEqual([
          'skill/a/table-extractor',
          'skill/a/viewer',
        ]);
      });

      it('finds words inside punctuation by their parts, and parts written together', async () => {
        await put('skill/web/app-pages', { description: 'Pages with next.js server components.' });
        await put('skill/design/kit', { description: 'Buttons and dialogs from @acme/ui-kit.' });
        await put('tool/devex/renamer', { description: 'Renames variables to snake_case.' });
        await put('skill/docs/pdf-tools');
        await put('skill/docs/tools-for-pdf', { description: 'PDF helpers.' });
        for (const q of ['next.js', 'nextjs', 'next js']) {
          expect((await search({ q }))[0], q).toBe('skill/web/app-pages');
        }
        for (const q of ['@acme/ui-kit', 'ui-kit', 'uikit', 'acme'])
          expect((await search({ q }))[0], q).toBe('skill/design/kit');
        for (const q of ['snake_case', 'snake case']) expect((await search({ q }))[0], q).toBe('tool/devex/renamer');
        for (const q of ['pdf-tools', 'pdf tools', 'pdftools']) {
          expect((await search({ q }))[0], q).toBe('skill/docs/pdf-tools');
        }
      });

      it('finds what a misspelt word of five letters or more means, below exact matches', async () => {
        await put('mcp/a/kubernetes-helper');
        await put('skill/a/deployment-helper');
        await put('mcp/a/slack');
        expect(await search({ q: 'kuberntes' })).toEqual(['mcp/a/kubernetes-helper']);
        expect(await search({ q: 'kuberntes deployment' })).toEqual([
          'skill/a/deployment-helper',
          'mcp/a/kubernetes-helper',
        ]);
        expect(await search({ q: 'slakc' })).toEqual(['mcp/a/slack']);
        expect(await search({ q: 'slak' })).toEqual([]);
      });

      it('weighs the name, then the title, then tags, then the start of SKILL.md; installs break ties', async () => {
        await put('skill/w/in-body', { searchText: 'Gets the forecast for a city.', usageCount: 90 });
        await put('skill/w/in-tag', { tags: ['forecast'], usageCount: 80 });
        await put('mcp/w/in-title', { title: 'Forecast', usageCount: 70 });
        await put('tool/w/forecast', { usageCount: 10 });
        await put('tool/w/other-forecast', { usageCount: 60 });
        await put('tool/w/more-forecast', { usageCount: 5 });
        expect(await search({ q: 'forecast' })).toEqual([
          'tool/w/forecast',
          'tool/w/other-forecast',
          'tool/w/more-forecast',
          'mcp/w/in-title',
          'skill/w/in-tag',
          'skill/w/in-body',
        ]);
      });

      it("counts an MCP server's tool names", async () => {
        await put('mcp/w/weather', {
          manifest: {
            name: 'io.github.w/weather',
            _meta: { 'io.modelcontextprotocol.registry/publisher-provided': { tools: ['get_alerts'] } },
          },
        });
        expect(await search({ q: 'get_alerts' })).toEqual(['mcp/w/weather']);
      });

      it('never finds an item the viewer may not read, not even through a typo correction', async () => {
        const team = buildTeam({ slug: 'vault' });
        const [member, outsider] = [buildUser({ username: 'keeper' }), buildUser({ username: 'stranger' })];
        await db.teams.insert(team);
        await db.users.insert(member);
        await db.users.insert(outsider);
        await db.teams.putMember({ teamId: team.id, userId: member.id, role: 'member', createdAt: tick() });
        await put('skill/vault/quantum-ledger', { teamId: team.id, visibility: 'team' });
        await put('skill/x/quarterly-report');
        const as = (viewer: ItemSearch['viewer'], q: string) => search({ q, viewer });
        expect(await as({ kind: 'user', userId: member.id }, 'quantum')).toEqual(['skill/vault/quantum-ledger']);
        expect(await as({ kind: 'user', userId: member.id }, 'quantun')).toEqual(['skill/vault/quantum-ledger']);
        expect(await as({ kind: 'user', userId: outsider.id }, 'quantum')).toEqual([]);
        expect(await as({ kind: 'user', userId: outsider.id }, 'quantun')).toEqual([]);
        expect(await as({ kind: 'anonymous' }, 'ledger')).toEqual([]);
        const counted = await facetsOf({ q: 'quantum', viewer: { kind: 'user', userId: outsider.id } });
        expect(counted).toEqual({ kind: [], team: [], tag: [], status: [] });
      });

      it('follows every write: new text, new tags, new visibility, new status and installs', async () => {
        const team = buildTeam({ slug: 'ops' });
        const outsider = buildUser({ username: 'visitor' });
        await db.teams.insert(team);
        await db.users.insert(outsider);
        const visitor = { kind: 'user', userId: outsider.id } as const;
        const item = buildItem('skill/ops/runner', {
          description: 'Runs playbooks.',
          teamId: team.id,
          tags: ['ansible'],
        });
        await db.items.insert(item);
        await put('skill/ops/walker', { description: 'Runs playbooks too.', teamId: team.id, usageCount: 3 });
        expect(await search({ q: 'playbooks' })).toEqual(['skill/ops/walker', 'skill/ops/runner']);

        const rewritten = { ...item, description: 'Renders dashboards.', searchText: 'Uses grafonnet.' };
        await db.items.update(rewritten);
        expect(await search({ q: 'playbooks' })).toEqual(['skill/ops/walker']);
        expect(await search({ q: 'dashboards grafonnet' })).toEqual(['skill/ops/runner']);

        await db.items.update({ ...rewritten, tags: ['observability'] });
        expect(await search({ q: 'observability' })).toEqual(['skill/ops/runner']);
        expect(await search({ q: 'ansible' })).toEqual([]);
        expect((await facetsOf({ viewer: admin })).tag).toEqual([{ value: 'observability', count: 1 }]);

        await db.items.update({ ...rewritten, tags: ['observability'], visibility: 'team' });
        expect(await search({ q: 'dashboards', viewer: visitor })).toEqual([]);
        expect((await facetsOf({ viewer: visitor })).tag).toEqual([]);

        await db.items.update({ ...rewritten, tags: ['observability'], status: 'deprecated' });
        expect(await search({ q: 'dashboards', viewer: visitor })).toEqual(['skill/ops/runner']);
        expect((await facetsOf({ viewer: visitor })).status).toEqual([
          { value: 'active', count: 1 },
          { value: 'deprecated', count: 1 },
        ]);

        await db.items.update({ ...rewritten, tags: ['observability'], status: 'deleted' });
        expect(await search({ q: 'dashboards' })).toEqual([]);
        expect(await search({ q: 'dashboards', status: 'deleted' })).toEqual(['skill/ops/runner']);

        const walker = await db.items.findByRef(parseItemRef('skill/ops/walker'));
        await put('skill/ops/sprinter', { description: 'Runs playbooks.', teamId: team.id });
        expect(await search({ q: 'playbooks' })).toEqual(['skill/ops/walker', 'skill/ops/sprinter']);
        for (let i = 0; i < 4; i++) {
          const sprinter = await db.items.findByRef(parseItemRef('skill/ops/sprinter'));
          await db.items.recordInstall({
            id: newId(),
            itemId: sprinter!.id,
            userId: null,
            installer: `anonymous:${i}`,
            day: '2030-01-01',
            client: 'cursor',
            createdAt: tick(),
          });
        }
        expect(walker?.usageCount).toBe(3);
        expect(await search({ q: 'playbooks' })).toEqual(['skill/ops/sprinter', 'skill/ops/walker']);
      });
    });

    describe('facets', () => {
      let platform: Team;
      let data: Team;
      beforeEach(async () => {
        platform = buildTeam({ slug: 'platform' });
        data = buildTeam({ slug: 'data' });
        await db.teams.insert(platform);
        await db.teams.insert(data);
        const put = (ref: string, overrides: Partial<CatalogItem>) => db.items.insert(buildItem(ref, overrides));
        await put('skill/platform/pdf-tools', { teamId: platform.id, tags: ['pdf', 'docs'], description: 'Read PDF.' });
        await put('skill/platform/deploy', { teamId: platform.id, tags: ['ops'], status: 'deprecated' });
        await put('mcp/platform/pdf-server', { teamId: platform.id, tags: ['pdf'], description: 'PDF over MCP.' });
        await put('skill/data/pdf-tables', { teamId: data.id, tags: ['pdf', 'tables'], description: 'PDF tables.' });
        await put('tool/data/calculator', { teamId: data.id, tags: ['math'] });
        await put('skill/data/secret', { teamId: data.id, tags: ['pdf'], visibility: 'team', description: 'PDF.' });
        await put('skill/alice/notes', { tags: ['docs'] });
        await put('skill/data/gone', { teamId: data.id, tags: ['pdf'], status: 'deleted' });
      });

      it('counts kind, team, tag and status of a browse, most frequent first', async () => {
        expect(await facetsOf({ viewer: admin })).toEqual({
          kind: [
            { value: 'skill', count: 5 },
            { value: 'mcp', count: 1 },
            { value: 'tool', count: 1 },
          ],
          team: [
            { value: 'data', count: 3 },
            { value: 'platform', count: 3 },
          ],
          tag: [
            { value: 'pdf', count: 4 },
            { value: 'docs', count: 2 },
            { value: 'math', count: 1 },
            { value: 'ops', count: 1 },
            { value: 'tables', count: 1 },
          ],
          status: [
            { value: 'active', count: 6 },
            { value: 'deprecated', count: 1 },
          ],
        });
      });

      it('counts each facet with every filter but its own', async () => {
        expect(await facetsOf({ viewer: admin, kind: 'skill', tag: 'pdf' })).toEqual({
          kind: [
            { value: 'skill', count: 3 },
            { value: 'mcp', count: 1 },
          ],
          team: [
            { value: 'data', count: 2 },
            { value: 'platform', count: 1 },
          ],
          tag: [
            { value: 'pdf', count: 3 },
            { value: 'docs', count: 2 },
            { value: 'ops', count: 1 },
            { value: 'tables', count: 1 },
          ],
          status: [{ value: 'active', count: 3 }],
        });
        const deprecated = await facetsOf({ viewer: admin, status: 'deprecated' });
        expect(deprecated.kind).toEqual([{ value: 'skill', count: 1 }]);
        expect(deprecated.status).toEqual([
          { value: 'active', count: 6 },
          { value: 'deprecated', count: 1 },
        ]);
        expect((await facetsOf({ viewer: admin, teamId: data.id })).team).toEqual([
          { value: 'data', count: 3 },
          { value: 'platform', count: 3 },
        ]);
        expect((await facetsOf({ viewer: admin, status: 'deleted' })).status).toEqual([{ value: 'deleted', count: 1 }]);
      });

      it('answers the same page as search, with the counts', async () => {
        for (const query of [
          { q: 'pdf', kind: 'skill' as const },
          { tag: 'pdf', sort: 'name' as const },
          { q: 'pdf', sort: 'name' as const },
          // A misspelt word, alone and beside a known one: corrected on both paths.
          { q: 'calculater' },
          { q: 'calculater tables' },
        ]) {
          const plain = await db.items.search({ sort: 'relevance', limit: 2, viewer: admin, ...query });
          expect(plain.items.length, query.q).toBeGreaterThan(0);
          const counted = await db.items.searchWithFacets({ sort: 'relevance', limit: 2, viewer: admin, ...query });
          expect({ items: counted.items, nextCursor: counted.nextCursor }).toEqual(plain);
          const next = await db.items.searchWithFacets({
            sort: 'relevance',
            limit: 2,
            viewer: admin,
            ...query,
            cursor: plain.nextCursor,
          });
          expect(next.items).toEqual(
            (await db.items.search({ sort: 'relevance', limit: 2, viewer: admin, ...query, cursor: plain.nextCursor }))
              .items,
          );
        }
      });

      it('counts what a search finds, and a namespace or an owner', async () => {
        const found = await facetsOf({ viewer: admin, q: 'pdf', kind: 'skill' });
        expect(found.kind).toEqual([
          { value: 'skill', count: 3 },
          { value: 'mcp', count: 1 },
        ]);
        expect(found.team).toEqual([
          { value: 'data', count: 2 },
          { value: 'platform', count: 1 },
        ]);
        expect((await facetsOf({ viewer: admin, namespace: 'data' })).kind).toEqual([
          { value: 'skill', count: 2 },
          { value: 'tool', count: 1 },
        ]);
        expect((await facetsOf({ viewer: admin, q: 'nothing-like-it' })).kind).toEqual([]);
        expect((await facetsOf({ viewer: admin, q: 'calculater' })).tag).toEqual([{ value: 'math', count: 1 }]);
      });

      it('counts only what the viewer may read', async () => {
        const member = buildUser({ username: 'analyst' });
        const outsider = buildUser({ username: 'guest' });
        await db.users.insert(member);
        await db.users.insert(outsider);
        await db.teams.putMember({ teamId: data.id, userId: member.id, role: 'member', createdAt: tick() });
        const pdfCount = async (viewer: ItemSearch['viewer'], q?: string) =>
          (await facetsOf({ viewer, ...(q ? { q } : {}) })).tag.find((t) => t.value === 'pdf')?.count;
        expect(await pdfCount({ kind: 'user', userId: member.id })).toBe(4);
        expect(await pdfCount({ kind: 'user', userId: outsider.id })).toBe(3);
        expect(await pdfCount({ kind: 'anonymous' })).toBe(3);
        expect(await pdfCount({ kind: 'user', userId: member.id }, 'pdf')).toBe(4);
        expect(await pdfCount({ kind: 'user', userId: outsider.id }, 'pdf')).toBe(3);
        expect((await facetsOf({ viewer: { kind: 'user', userId: outsider.id }, namespace: 'data' })).kind).toEqual([
          { value: 'skill', count: 1 },
          { value: 'tool', count: 1 },
        ]);
      });
    });
  });
}
