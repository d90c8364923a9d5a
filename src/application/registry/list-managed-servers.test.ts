import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../../domain/errors.ts';
import { buildItem } from '../../domain/testing/builders.ts';
import { deleteItem } from '../catalog/delete-item.ts';
import { patchItem } from '../catalog/patch-item.ts';
import { publishItem } from '../catalog/publish-item.ts';
import { catalogWorld, ref, serverFiles, serverJson, skillFiles } from '../testing/use-case-helpers.ts';
import { listManagedServers } from './list-managed-servers.ts';

async function withServers() {
  const world = await catalogWorld();
  const { deps, alice, mia, clock } = world;
  const publish = async (namespace: string, name: string, actor: typeof alice, extra = {}) => {
    clock.advance(1000);
    const files = serverFiles(serverJson({ name: `com.example/${name}` }));
    return publishItem(deps, { namespace, name, files, ...extra }, actor);
  };
  await publish('platform', 'weather', mia, { tags: ['approved'] });
  await publish('platform', 'internal', mia, { visibility: 'team' });
  await publish('platform', 'legacy', mia);
  await publish('alice', 'files', alice);
  await publish('alice', 'gone', alice);
  await publishItem(deps, { namespace: 'alice', files: skillFiles('notes') }, alice);
  await patchItem(deps, { ref: ref('mcp/platform/legacy'), status: 'deprecated', statusMessage: 'old' }, mia);
  await deleteItem(deps, { ref: ref('mcp/alice/gone') }, alice);
  await deps.db.items.insert(buildItem('mcp/alice/broken', { status: 'invalid' }));
  return world;
}

const refs = (items: readonly { namespace: string; name: string }[]) => items.map((i) => `${i.namespace}/${i.name}`);

describe('listManagedServers', () => {
  it('approves the active org-visible MCP servers and retires the deprecated and deleted ones', async () => {
    const { deps, admin } = await withServers();
    const { approved, retired } = await listManagedServers(deps, {}, admin);
    expect(refs(approved)).toEqual(['alice/files', 'platform/weather']);
    expect(refs(retired)).toEqual(['alice/gone', 'platform/legacy']);
  });

  it('narrows to a team, and a tag narrows only what is approved', async () => {
    const { deps, admin } = await withServers();
    const team = await listManagedServers(deps, { team: 'platform' }, admin);
    expect(refs(team.approved)).toEqual(['platform/weather']);
    expect(refs(team.retired)).toEqual(['platform/legacy']);
    const tagged = await listManagedServers(deps, { tag: 'approved' }, admin);
    expect(refs(tagged.approved)).toEqual(['platform/weather']);
    expect(refs(tagged.retired)).toEqual(['alice/gone', 'platform/legacy']);
    await expect(listManagedServers(deps, { team: 'nobody' }, admin)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('is for site administrators only: a team owner is refused, and so is nobody', async () => {
    const { deps, olga } = await withServers();
    await expect(listManagedServers(deps, {}, olga)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listManagedServers(deps, {}, anonymous())).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});
