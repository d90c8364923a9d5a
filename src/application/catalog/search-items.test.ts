import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import { ForbiddenError, UnauthenticatedError, ValidationError } from '../../domain/errors.ts';
import { buildItem } from '../../domain/testing/builders.ts';
import { catalogWorld, ref, serverFiles, skillFiles, toolFiles } from '../testing/use-case-helpers.ts';
import { deleteItem } from './delete-item.ts';
import { patchItem } from './patch-item.ts';
import { publishItem } from './publish-item.ts';
import { type SearchItemsInput, searchItems } from './search-items.ts';

async function withCatalog(settings: Parameters<typeof catalogWorld>[0] = {}) {
  const world = await catalogWorld(settings);
  const { deps, alice, mia, clock } = world;
  const publish = async (namespace: string, files: ReturnType<typeof skillFiles>, actor: typeof alice, extra = {}) => {
    clock.advance(1000);
    return publishItem(deps, { namespace, files, ...extra }, actor);
  };
  await publish('alice', skillFiles('pdf-tools', { description: 'Extract text from PDF files.' }), alice, {
    tags: ['pdf'],
  });
  await publish('alice', skillFiles('diary'), alice, { visibility: 'team' });
  await publish('alice', serverFiles(), alice);
  await publish('platform', skillFiles('deploy', { description: 'Deploy services.' }), mia, { tags: ['ops'] });
  await publish('platform', toolFiles(), mia, { visibility: 'team' });
  await publish('alice', skillFiles('old-notes'), alice);
  await deleteItem(deps, { ref: ref('skill/alice/old-notes') }, alice);
  await deps.db.items.insert(buildItem('skill/alice/broken', { status: 'invalid' }));
  return world;
}

const refs = (page: { items: { kind: string; namespace: string; name: string }[] }) =>
  page.items.map((i) => `${i.kind}/${i.namespace}/${i.name}`);

describe('searchItems', () => {
  it('lists what the actor may read: org items, and team-only items of their teams or their own namespace', async () => {
    const { deps, otto, mark, alice } = await withCatalog();
    const visible = async (actor: typeof otto) =>
      refs(await searchItems(deps, { sort: 'name', limit: 50 }, actor)).sort();
    expect(await visible(otto)).toEqual(['mcp/alice/weather-mcp', 'skill/alice/pdf-tools', 'skill/platform/deploy']);
    expect(await visible(mark)).toEqual([
      'mcp/alice/weather-mcp',
      'skill/alice/pdf-tools',
      'skill/platform/deploy',
      'tool/platform/get-forecast',
    ]);
    expect(await visible(alice)).toEqual([
      'mcp/alice/weather-mcp',
      'skill/alice/diary',
      'skill/alice/pdf-tools',
      'skill/platform/deploy',
    ]);
  });

  it('fills each page with readable items, so a page is never short because of hidden ones', async () => {
    const { deps, otto } = await withCatalog();
    const first = await searchItems(deps, { sort: 'updated', limit: 2 }, otto);
    expect(first.items).toHaveLength(2);
    const second = await searchItems(deps, { sort: 'updated', limit: 2, cursor: first.nextCursor }, otto);
    expect([...refs(first), ...refs(second)]).toEqual([
      'skill/platform/deploy',
      'mcp/alice/weather-mcp',
      'skill/alice/pdf-tools',
    ]);
    expect(second.nextCursor).toBeUndefined();
  });

  it('finds items by words, and filters by kind, namespace, team, tag and owner', async () => {
    const { deps, otto } = await withCatalog();
    const search = async (input: Partial<SearchItemsInput>) =>
      refs(await searchItems(deps, { sort: 'name', limit: 50, ...input }, otto)).sort();
    expect(await search({ q: 'pdf' })).toEqual(['skill/alice/pdf-tools']);
    expect(await search({ kind: 'mcp' })).toEqual(['mcp/alice/weather-mcp']);
    expect(await search({ namespace: 'platform' })).toEqual(['skill/platform/deploy']);
    expect(await search({ team: 'platform' })).toEqual(['skill/platform/deploy']);
    expect(await search({ tag: 'ops' })).toEqual(['skill/platform/deploy']);
    expect(await search({ owner: 'alice' })).toEqual(['mcp/alice/weather-mcp', 'skill/alice/pdf-tools']);
  });

  it('matches nothing for an unknown team or owner', async () => {
    const { deps, otto } = await withCatalog();
    expect((await searchItems(deps, { team: 'nowhere', sort: 'name', limit: 50 }, otto)).items).toEqual([]);
    expect((await searchItems(deps, { owner: 'ghost', sort: 'name', limit: 50 }, otto)).items).toEqual([]);
  });

  it('lists deprecated items with active ones, but deleted and invalid ones only when an admin asks', async () => {
    const { deps, alice, admin } = await withCatalog();
    await patchItem(deps, { ref: ref('skill/alice/pdf-tools'), status: 'deprecated', statusMessage: 'old' }, alice);
    expect(refs(await searchItems(deps, { q: 'pdf', sort: 'name', limit: 50 }, alice))).toEqual([
      'skill/alice/pdf-tools',
    ]);
    expect(refs(await searchItems(deps, { status: 'deleted', sort: 'name', limit: 50 }, admin))).toEqual([
      'skill/alice/old-notes',
    ]);
    expect(refs(await searchItems(deps, { status: 'invalid', sort: 'name', limit: 50 }, admin))).toEqual([
      'skill/alice/broken',
    ]);
  });

  it('refuses anyone else asking for deleted or invalid items with ForbiddenError', async () => {
    const { deps, alice } = await withCatalog();
    await expect(searchItems(deps, { status: 'deleted', sort: 'name', limit: 50 }, alice)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(searchItems(deps, { status: 'invalid', sort: 'name', limit: 50 }, alice)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('refuses a query over 200 characters with ValidationError at q', async () => {
    const { deps, alice } = await withCatalog();
    const error = await searchItems(deps, { q: 'x'.repeat(201), limit: 10 }, alice).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((p) => p.path)).toEqual(['q']);
    expect((await searchItems(deps, { q: 'x'.repeat(200), limit: 10 }, alice)).items).toEqual([]);
  });

  it('counts kinds, teams, tags and statuses with the page when asked, only what the actor may read', async () => {
    const { deps, otto, mark } = await withCatalog();
    const page = await searchItems(deps, { sort: 'name', limit: 1, facets: true }, otto);
    expect(page.items).toHaveLength(1);
    expect(page.facets).toEqual({
      kind: [
        { value: 'skill', count: 2 },
        { value: 'mcp', count: 1 },
      ],
      team: [{ value: 'platform', count: 1 }],
      tag: [
        { value: 'ops', count: 1 },
        { value: 'pdf', count: 1 },
      ],
      status: [{ value: 'active', count: 3 }],
    });
    const member = await searchItems(deps, { kind: 'tool', limit: 10, facets: true }, mark);
    expect(refs(member)).toEqual(['tool/platform/get-forecast']);
    expect(member.facets?.kind).toEqual([
      { value: 'skill', count: 2 },
      { value: 'mcp', count: 1 },
      { value: 'tool', count: 1 },
    ]);
    expect(member.facets?.team).toEqual([{ value: 'platform', count: 1 }]);
    const found = await searchItems(deps, { q: 'pdf', limit: 10, facets: true }, otto);
    expect(found.facets?.tag).toEqual([{ value: 'pdf', count: 1 }]);
    expect((await searchItems(deps, { limit: 10 }, otto)).facets).toBeUndefined();
    expect((await searchItems(deps, { team: 'nowhere', limit: 10, facets: true }, otto)).facets).toEqual({
      kind: [],
      team: [],
      tag: [],
      status: [],
    });
  });

  it('asks an anonymous reader to sign in, unless the catalog is public, where only org items are listed', async () => {
    const closed = await withCatalog();
    await expect(searchItems(closed.deps, { limit: 10 }, anonymous())).rejects.toBeInstanceOf(UnauthenticatedError);
    const open = await withCatalog({ publicRead: true });
    expect(refs(await searchItems(open.deps, { sort: 'name', limit: 50 }, anonymous())).sort()).toEqual([
      'mcp/alice/weather-mcp',
      'skill/alice/pdf-tools',
      'skill/platform/deploy',
    ]);
  });
});
