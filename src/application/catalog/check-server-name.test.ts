import { describe, expect, it } from 'vitest';
import type { ContentStore } from '../../domain/content/content-store.ts';
import { ServerNameTakenError, UnavailableError } from '../../domain/errors.ts';
import { syncCatalog } from '../sync/sync-catalog.ts';
import {
  atlasState,
  catalogWorld,
  contentWithHooks,
  markSynced,
  ref,
  serverFiles,
  serverJson,
  skillFiles,
} from '../testing/use-case-helpers.ts';
import { deleteItem } from './delete-item.ts';
import { patchItem } from './patch-item.ts';
import { publishItem } from './publish-item.ts';
import { updateItem } from './update-item.ts';

const WEATHER = 'io.github.acme/weather-mcp';
const weather = (overrides: Record<string, unknown> = {}) => serverFiles(serverJson(overrides));

async function refusal(promise: Promise<unknown>): Promise<ServerNameTakenError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ServerNameTakenError);
  return error as ServerNameTakenError;
}

/** A content store whose commits fail from the `n`th on (1 is the next one): git unreachable after a first write. */
function failingFromCommit(content: ContentStore, n: number): ContentStore {
  let commits = 0;
  return new Proxy(content, {
    get(target, property) {
      if (property === 'commit') {
        return (input: Parameters<ContentStore['commit']>[0]) => {
          commits += 1;
          if (commits >= n) return Promise.reject(new UnavailableError('git is unreachable'));
          return target.commit(input);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('the server name rule', () => {
  describe('on publish', () => {
    it('records the server.json name of an MCP server, and none for skills', async () => {
      const { deps, alice } = await catalogWorld();
      const server = await publishItem(deps, { namespace: 'alice', files: weather() }, alice);
      const skill = await publishItem(deps, { namespace: 'alice', files: skillFiles('pdf-tools') }, alice);
      expect(server.item.serverName).toBe(WEATHER);
      expect(skill.item.serverName).toBeNull();
      expect(await deps.db.items.findByServerName(WEATHER)).toEqual(server.item);
    });

    it('refuses a server name another item declares with ServerNameTakenError naming it and its owner, before git is written', async () => {
      const { deps, alice, mia } = await catalogWorld();
      await publishItem(deps, { namespace: 'platform', name: 'weather', files: weather() }, mia);
      const before = await atlasState(deps);

      const error = await refusal(publishItem(deps, { namespace: 'alice', files: weather() }, alice));
      expect(error.code).toBe('server_name_taken');
      expect(error.message).toBe(
        `server name "${WEATHER}" is already declared by mcp/platform/weather (team "platform"); a server name belongs to one item: publish this as a new version of mcp/platform/weather, or give this server another name in server.json`,
      );
      expect(await atlasState(deps)).toEqual(before);
    });

    it("names a personal item's owner", async () => {
      const { deps, alice, otto } = await catalogWorld();
      await publishItem(deps, { namespace: 'alice', files: weather() }, alice);
      const error = await refusal(publishItem(deps, { namespace: 'otto', name: 'mine', files: weather() }, otto));
      expect(error.message).toContain('mcp/alice/weather-mcp (user "alice")');
    });

    it('tells a caller who may not read the holding item only that an item they cannot see holds the name', async () => {
      const { deps, mia, otto } = await catalogWorld();
      await publishItem(deps, { namespace: 'platform', files: weather(), visibility: 'team' }, mia);
      const before = await atlasState(deps);
      const error = await refusal(publishItem(deps, { namespace: 'otto', files: weather() }, otto));
      expect(error.message).toBe(
        `server name "${WEATHER}" is already declared by an item you cannot see; give this server another name in server.json`,
      );
      expect(error.message).not.toContain('platform');
      expect(await atlasState(deps)).toEqual(before);
    });

    it('compares names exactly as written: another spelling is another server', async () => {
      const { deps, alice, otto } = await catalogWorld();
      await publishItem(deps, { namespace: 'alice', files: weather() }, alice);
      const other = await publishItem(
        deps,
        { namespace: 'otto', files: weather({ name: 'io.github.acme/Weather-MCP' }) },
        otto,
      );
      expect(other.item.serverName).toBe('io.github.acme/Weather-MCP');
    });

    it('lets the item that holds a name be published again, and another item take a name its deleted holder gave up', async () => {
      const { deps, alice, otto } = await catalogWorld();
      const first = await publishItem(deps, { namespace: 'alice', files: weather() }, alice);
      await deleteItem(deps, { ref: ref('mcp/alice/weather-mcp') }, alice);
      const revived = await publishItem(deps, { namespace: 'alice', files: weather({ version: '1.1.0' }) }, alice);
      expect(revived.item).toMatchObject({ id: first.item.id, status: 'active', serverName: WEATHER });

      await deleteItem(deps, { ref: ref('mcp/alice/weather-mcp') }, alice);
      const taken = await publishItem(deps, { namespace: 'otto', files: weather() }, otto);
      expect(taken.item.serverName).toBe(WEATHER);
      // The deleted holder cannot come back under the name now held by another item.
      await refusal(publishItem(deps, { namespace: 'alice', files: weather({ version: '1.2.0' }) }, alice));
      await refusal(patchItem(deps, { ref: ref('mcp/alice/weather-mcp'), status: 'active' }, alice));
    });

    it('takes its commit back and refuses when another publish takes the name between its check and its write', async () => {
      const { deps, alice, mia } = await catalogWorld();
      const hooked = contentWithHooks(deps.content);
      // Another publish of another item with the same server name lands while this one is about to commit.
      hooked.beforeNextCommit(async () => {
        await publishItem(deps, { namespace: 'platform', name: 'weather', files: weather() }, mia);
      });
      const error = await refusal(
        publishItem({ ...deps, content: hooked.content }, { namespace: 'alice', files: weather() }, alice),
      );
      expect(error.message).toContain('declared by mcp/platform/weather (team "platform")');

      // git holds exactly the winner: the loser's folder was taken back in a commit of its own.
      expect((await deps.content.listItems()).map((tree) => tree.folder)).toEqual(['mcp/platform/weather']);
      const { entries } = await deps.content.history('mcp/alice/weather-mcp', { limit: 10 });
      expect(entries.map((entry) => entry.message.split('\n')[0])).toEqual([
        `Revert "Publish mcp/alice/weather-mcp": server name ${WEATHER} was taken meanwhile`,
        'Publish mcp/alice/weather-mcp',
      ]);
      expect(await deps.db.items.findByRef(ref('mcp/alice/weather-mcp'))).toBeUndefined();
      // Sync finds nothing to record of the loser.
      await syncCatalog(deps);
      expect(await deps.db.items.findByRef(ref('mcp/alice/weather-mcp'))).toBeUndefined();
      expect((await deps.db.items.findByServerName(WEATHER))?.namespace).toBe('platform');
    });

    it('leaves a commit it cannot take back to sync, which records it as invalid, never as a second holder', async () => {
      const { deps, alice, mia } = await catalogWorld();
      const hooked = contentWithHooks(failingFromCommit(deps.content, 2));
      hooked.afterNextCommit(async () => {
        await publishItem(deps, { namespace: 'platform', name: 'weather', files: weather() }, mia);
      });
      await refusal(publishItem({ ...deps, content: hooked.content }, { namespace: 'alice', files: weather() }, alice));
      expect((await deps.content.listItems()).map((tree) => tree.folder)).toEqual([
        'mcp/alice/weather-mcp',
        'mcp/platform/weather',
      ]);

      await syncCatalog(deps);
      expect(await deps.db.items.findByRef(ref('mcp/alice/weather-mcp'))).toMatchObject({
        status: 'invalid',
        serverName: null,
        problems: [
          {
            path: 'server.json#/name',
            message: `server name "${WEATHER}" is already declared by mcp/platform/weather; give this server another name, or make it a version of that item`,
          },
        ],
      });
      expect((await deps.db.items.findByServerName(WEATHER))?.namespace).toBe('platform');
    });

    it('lets exactly one of two concurrent publishes of different items with one server name land, in git and in the catalog', async () => {
      const { deps, alice, mia } = await catalogWorld();
      const results = await Promise.allSettled([
        publishItem(deps, { namespace: 'alice', files: weather() }, alice),
        publishItem(deps, { namespace: 'platform', name: 'weather', files: weather() }, mia),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(ServerNameTakenError);
      const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof publishItem>>>).value.item;
      expect((await deps.content.listItems()).map((tree) => tree.folder)).toEqual([winner.gitPath]);
      expect(await deps.db.items.findByServerName(WEATHER)).toEqual(winner);
    });
  });

  describe('on update', () => {
    it('lets an item change its server name, freeing the old one for another item', async () => {
      const { deps, alice, otto } = await catalogWorld();
      const first = await publishItem(deps, { namespace: 'alice', files: weather() }, alice);
      const renamed = await updateItem(
        deps,
        {
          ref: ref('mcp/alice/weather-mcp'),
          files: weather({ name: 'io.github.alice/weather', version: '1.1.0' }),
          ifMatch: first.treeSha,
        },
        alice,
      );
      expect(renamed.item.serverName).toBe('io.github.alice/weather');
      const taken = await publishItem(deps, { namespace: 'otto', files: weather() }, otto);
      expect(taken.item.serverName).toBe(WEATHER);
    });

    it('refuses a server name another item declares with ServerNameTakenError, before git is written', async () => {
      const { deps, alice, otto } = await catalogWorld();
      await publishItem(deps, { namespace: 'otto', files: weather({ name: 'io.github.otto/weather' }) }, otto);
      const mine = await publishItem(deps, { namespace: 'alice', files: weather() }, alice);
      const before = await atlasState(deps);
      const update = updateItem(
        deps,
        {
          ref: ref('mcp/alice/weather-mcp'),
          files: weather({ name: 'io.github.otto/weather', version: '1.1.0' }),
          ifMatch: mine.treeSha,
        },
        alice,
      );
      expect((await refusal(update)).message).toContain('declared by mcp/otto/weather (user "otto")');
      expect(await atlasState(deps)).toEqual(before);
    });

    it('takes its commit back, restoring the version read, when another write takes the name meanwhile', async () => {
      const { deps, alice, otto } = await catalogWorld();
      const mine = await publishItem(deps, { namespace: 'alice', files: weather() }, alice);
      await markSynced(deps);
      const hooked = contentWithHooks(deps.content);
      hooked.beforeNextCommit(async () => {
        await publishItem(deps, { namespace: 'otto', files: weather({ name: 'io.github.acme/next' }) }, otto);
      });
      const update = updateItem(
        { ...deps, content: hooked.content },
        {
          ref: ref('mcp/alice/weather-mcp'),
          files: weather({ name: 'io.github.acme/next', version: '1.1.0' }),
          ifMatch: mine.treeSha,
        },
        alice,
      );
      await refusal(update);
      expect((await deps.content.listItemFiles('mcp/alice/weather-mcp'))?.treeSha).toBe(mine.treeSha);
      expect(await deps.db.items.findByRef(ref('mcp/alice/weather-mcp'))).toEqual(mine.item);
    });

    it('makes an item sync recorded as invalid active again once its new content passes every check', async () => {
      const { deps, alice } = await catalogWorld();
      const mine = await publishItem(deps, { namespace: 'alice', files: weather() }, alice);
      const invalid = { ...mine.item, status: 'invalid' as const, statusMessage: 'invalid in git', serverName: null };
      await deps.db.items.update({ ...invalid, problems: [{ path: 'server.json#/name', message: 'taken' }] });
      const updated = await updateItem(
        deps,
        {
          ref: ref('mcp/alice/weather-mcp'),
          files: weather({ name: 'io.github.alice/weather', version: '1.1.0' }),
          ifMatch: mine.treeSha,
        },
        alice,
      );
      expect(updated.item).toMatchObject({
        status: 'active',
        statusMessage: null,
        problems: [],
        serverName: 'io.github.alice/weather',
      });
    });
  });

  describe('on restore', () => {
    it('refuses to restore a deleted MCP server whose name another item took, writing nothing', async () => {
      const { deps, alice, otto } = await catalogWorld();
      await publishItem(deps, { namespace: 'alice', files: weather() }, alice);
      await deleteItem(deps, { ref: ref('mcp/alice/weather-mcp') }, alice);
      await publishItem(deps, { namespace: 'otto', files: weather() }, otto);
      const before = await atlasState(deps);
      const error = await refusal(patchItem(deps, { ref: ref('mcp/alice/weather-mcp'), status: 'active' }, alice));
      expect(error.message).toContain('declared by mcp/otto/weather-mcp (user "otto")');
      expect(await atlasState(deps)).toEqual(before);
    });
  });
});
