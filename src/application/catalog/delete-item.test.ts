import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import { ForbiddenError, NotFoundError, StaleRevisionError, UnauthenticatedError } from '../../domain/errors.ts';
import { atlasState, auditTrail, catalogWorld, markSynced, ref, skillFiles } from '../testing/use-case-helpers.ts';
import { deleteItem } from './delete-item.ts';
import { publishItem } from './publish-item.ts';

const PDF = ref('skill/alice/pdf-tools');
const DEPLOY = ref('skill/platform/deploy');

async function withItems() {
  const world = await catalogWorld();
  const pdf = await publishItem(world.deps, { namespace: 'alice', files: skillFiles('pdf-tools') }, world.alice);
  const deploy = await publishItem(world.deps, { namespace: 'platform', files: skillFiles('deploy') }, world.mia);
  return { ...world, pdf, deploy };
}

describe('deleteItem', () => {
  it('removes the folder in a commit, keeps its history readable and marks the row deleted', async () => {
    const { clock, deps, alice, pdf } = await withItems();
    clock.advance(60_000);
    const deleted = await deleteItem(deps, { ref: PDF, message: 'Replaced by pdf-kit' }, alice);

    const head = await deps.content.head();
    expect(deleted).toMatchObject({ status: 'deleted', commitSha: head, treeSha: pdf.treeSha, updatedAt: clock.now() });
    expect(await deps.db.items.findByRef(PDF)).toEqual(deleted);
    expect((await deps.content.listItems()).map((t) => t.folder)).toEqual(['skills/platform/deploy']);
    const { entries } = await deps.content.history('skills/alice/pdf-tools', { limit: 10 });
    expect(entries.map((e) => [e.commitSha, e.treeSha])).toEqual([
      [head, null],
      [pdf.commitSha, pdf.treeSha],
    ]);
    expect(entries[0]?.message).toMatch(/^Delete skill\/alice\/pdf-tools\n\nReplaced by pdf-kit/);
    expect((await deps.content.readItem('skills/alice/pdf-tools', pdf.commitSha))?.files).toEqual(
      skillFiles('pdf-tools'),
    );
    expect((await auditTrail(deps, 'item.delete'))[0]).toMatchObject({
      actorName: 'alice',
      target: 'skill/alice/pdf-tools',
      details: { commitSha: head },
    });
  });

  it("lets the team's maintainers and owners and a site admin delete a team item", async () => {
    for (const who of ['mark', 'olga', 'admin'] as const) {
      const world = await withItems();
      await deleteItem(world.deps, { ref: DEPLOY }, world[who]);
      expect((await world.deps.db.items.findByRef(DEPLOY))?.status).toBe('deleted');
    }
  });

  it('refuses the member who published a team item, other members and outsiders with ForbiddenError, changing nothing', async () => {
    const { deps, mia, max, otto } = await withItems();
    const before = await atlasState(deps);
    for (const actor of [mia, max, otto]) {
      await expect(deleteItem(deps, { ref: DEPLOY }, actor)).rejects.toBeInstanceOf(ForbiddenError);
    }
    await expect(deleteItem(deps, { ref: PDF }, otto)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('deletes with an If-Match equal to the current tree SHA', async () => {
    const { deps, alice, pdf } = await withItems();
    await deleteItem(deps, { ref: PDF, ifMatch: pdf.treeSha }, alice);
    expect((await deps.db.items.findByRef(PDF))?.status).toBe('deleted');
  });

  it('refuses an If-Match that is not the current tree SHA with StaleRevisionError, changing nothing', async () => {
    const { deps, alice } = await withItems();
    const before = await atlasState(deps);
    await expect(deleteItem(deps, { ref: PDF, ifMatch: 'f'.repeat(40) }, alice)).rejects.toBeInstanceOf(
      StaleRevisionError,
    );
    expect(await atlasState(deps)).toEqual(before);
  });

  it('marks the row deleted without a commit when the folder is already gone from git', async () => {
    const { deps, alice } = await withItems();
    await deps.content.commit({
      changes: [{ type: 'delete', path: 'skills/alice/pdf-tools' }],
      message: 'Removed by hand',
      author: { name: 'Someone', email: 'someone@example.com' },
      expectedHead: await deps.content.head(),
    });
    const head = await deps.content.head();
    const deleted = await deleteItem(deps, { ref: PDF }, alice);
    expect(await deps.content.head()).toBe(head);
    expect(deleted).toMatchObject({ status: 'deleted', commitSha: head });
  });

  it('answers a deleted, missing or unreadable item with NotFoundError', async () => {
    const { deps, alice, mia, otto } = await withItems();
    await deleteItem(deps, { ref: PDF }, alice);
    await publishItem(deps, { namespace: 'platform', files: skillFiles('secret'), visibility: 'team' }, mia);
    const before = await atlasState(deps);
    await expect(deleteItem(deps, { ref: PDF }, alice)).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteItem(deps, { ref: ref('skill/alice/missing') }, alice)).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteItem(deps, { ref: ref('skill/platform/secret') }, otto)).rejects.toBeInstanceOf(NotFoundError);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('refuses an anonymous caller with UnauthenticatedError', async () => {
    const { deps } = await withItems();
    const before = await atlasState(deps);
    await expect(deleteItem(deps, { ref: PDF }, anonymous())).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('moves the synced commit over its own delete when the catalog was synced up to its parent', async () => {
    const { deps, alice } = await withItems();
    await markSynced(deps);
    const deleted = await deleteItem(deps, { ref: PDF }, alice);
    expect((await deps.db.sync.getState()).lastSyncedSha).toBe(deleted.commitSha);
  });
});
