import { describe, expect, it } from 'vitest';
import type { Actor } from '../../domain/accounts/actor.ts';
import { anonymous } from '../../domain/accounts/actor.ts';
import type { ItemFile } from '../../domain/content/content-store.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PreconditionRequiredError,
  StaleRevisionError,
  UnauthenticatedError,
  ValidationError,
} from '../../domain/errors.ts';
import {
  atlasState,
  auditTrail,
  catalogWorld,
  commitByHand,
  contentWithHooks,
  crashingDatabase,
  markSynced,
  ref,
  skillFiles,
  skillMd,
  textFile,
  toolFiles,
} from '../testing/use-case-helpers.ts';
import { deleteItem } from './delete-item.ts';
import { publishItem } from './publish-item.ts';
import { updateItem } from './update-item.ts';

const PDF = ref('skill/alice/pdf-tools');
const v1 = () => skillFiles('pdf-tools', { version: '1.0.0' });
const v2 = () => skillFiles('pdf-tools', { version: '1.1.0', script: 'echo v2\n' });

async function withPdf() {
  const world = await catalogWorld();
  const first = await publishItem(world.deps, { namespace: 'alice', files: v1() }, world.alice);
  return { ...world, first };
}

describe('updateItem', () => {
  it('commits the new files on top of the version read, then updates the row, its versions and the audit log', async () => {
    const { clock, deps, alice, first } = await withPdf();
    clock.advance(60_000);
    const updated = await updateItem(deps, { ref: PDF, files: v2(), ifMatch: first.treeSha, message: 'Faster' }, alice);

    expect(updated.unchanged).toBe(false);
    expect(await deps.content.head()).toBe(updated.commitSha);
    expect(await deps.content.listItems()).toEqual([{ folder: 'skills/alice/pdf-tools', treeSha: updated.treeSha }]);
    expect((await deps.content.readItem('skills/alice/pdf-tools'))?.files).toEqual(v2());
    const { entries } = await deps.content.history('skills/alice/pdf-tools', { limit: 10 });
    expect(entries.map((e) => e.commitSha)).toEqual([updated.commitSha, first.commitSha]);
    expect(entries[0]?.message).toMatch(/^Update skill\/alice\/pdf-tools\n\nFaster/);

    const row = await deps.db.items.findByRef(PDF);
    expect(row).toEqual(updated.item);
    expect(row).toMatchObject({
      id: first.item.id,
      treeSha: updated.treeSha,
      commitSha: updated.commitSha,
      version: '1.1.0',
      createdAt: first.item.createdAt,
      updatedAt: clock.now(),
    });
    expect((await deps.db.items.listVersions(first.item.id)).map((v) => v.version)).toEqual(['1.1.0', '1.0.0']);
    expect((await auditTrail(deps, 'item.update'))[0]).toMatchObject({
      actorName: 'alice',
      target: 'skill/alice/pdf-tools',
      details: { previousTreeSha: first.treeSha, treeSha: updated.treeSha, version: '1.1.0' },
    });
  });

  it('refuses an update without the tree SHA read with PreconditionRequiredError carrying the current one', async () => {
    const { deps, alice, first } = await withPdf();
    const before = await atlasState(deps);
    const error = await updateItem(deps, { ref: PDF, files: v2(), ifMatch: undefined }, alice).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionRequiredError);
    expect((error as PreconditionRequiredError).currentRevision).toBe(first.treeSha);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('refuses a tree SHA that is not the current one with StaleRevisionError carrying the current one', async () => {
    const { deps, alice, first } = await withPdf();
    const second = await updateItem(deps, { ref: PDF, files: v2(), ifMatch: first.treeSha }, alice);
    const before = await atlasState(deps);
    const error = await updateItem(
      deps,
      { ref: PDF, files: skillFiles('pdf-tools', { version: '1.2.0' }), ifMatch: first.treeSha },
      alice,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleRevisionError);
    expect((error as StaleRevisionError).currentRevision).toBe(second.treeSha);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('refuses with StaleRevisionError when git holds a change to the folder that sync has not recorded yet', async () => {
    const { deps, alice, first } = await withPdf();
    await commitByHand(deps.content, 'skills/alice/pdf-tools', skillFiles('pdf-tools', { script: 'echo hand\n' }));
    const before = await atlasState(deps);
    await expect(updateItem(deps, { ref: PDF, files: v2(), ifMatch: first.treeSha }, alice)).rejects.toBeInstanceOf(
      StaleRevisionError,
    );
    expect(await atlasState(deps)).toEqual(before);
  });

  it('rebases onto the new head when another item is committed while the update is under way', async () => {
    const { deps, alice, first } = await withPdf();
    const hooked = contentWithHooks(deps.content);
    let other = '';
    hooked.beforeNextCommit(async () => {
      other = await commitByHand(deps.content, 'skills/alice/other', skillFiles('other'));
    });
    const updated = await updateItem(
      { ...deps, content: hooked.content },
      { ref: PDF, files: v2(), ifMatch: first.treeSha },
      alice,
    );
    const { entries } = await deps.content.history('skills/alice/other', { limit: 5 });
    expect(entries.map((e) => e.commitSha)).toEqual([other]);
    expect((await deps.content.listItems()).map((t) => t.folder)).toEqual([
      'skills/alice/other',
      'skills/alice/pdf-tools',
    ]);
    expect(await deps.content.head()).toBe(updated.commitSha);
  });

  it('refuses with StaleRevisionError when the row changed between its git commit and its database write', async () => {
    const { deps, alice, first } = await withPdf();
    const hooked = contentWithHooks(deps.content);
    hooked.afterNextCommit(async () => {
      await deps.db.items.update({ ...first.item, treeSha: 'c'.repeat(40) });
    });
    await expect(
      updateItem({ ...deps, content: hooked.content }, { ref: PDF, files: v2(), ifMatch: first.treeSha }, alice),
    ).rejects.toBeInstanceOf(StaleRevisionError);
    expect((await deps.db.items.findByRef(PDF))?.treeSha).toBe('c'.repeat(40));
    expect(await deps.db.items.listVersions(first.item.id)).toHaveLength(1);
    expect(await auditTrail(deps, 'item.update')).toEqual([]);
  });

  it('answers identical content as a no-op with the current commit', async () => {
    const { deps, alice, first } = await withPdf();
    const before = await atlasState(deps);
    const same = await updateItem(deps, { ref: PDF, files: v1(), ifMatch: first.treeSha }, alice);
    expect(same).toMatchObject({ unchanged: true, commitSha: first.commitSha, treeSha: first.treeSha });
    expect(await atlasState(deps)).toEqual(before);
  });

  it('refuses other content under a version already published with ConflictError, changing nothing', async () => {
    const { deps, alice, first } = await withPdf();
    const second = await updateItem(deps, { ref: PDF, files: v2(), ifMatch: first.treeSha }, alice);
    const before = await atlasState(deps);
    await expect(
      updateItem(
        deps,
        {
          ref: PDF,
          files: skillFiles('pdf-tools', { version: '1.0.0', script: 'echo other\n' }),
          ifMatch: second.treeSha,
        },
        alice,
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('allows going back to the exact content an earlier version was published with', async () => {
    const { deps, alice, first } = await withPdf();
    const second = await updateItem(deps, { ref: PDF, files: v2(), ifMatch: first.treeSha }, alice);
    const back = await updateItem(deps, { ref: PDF, files: v1(), ifMatch: second.treeSha }, alice);
    expect(back.treeSha).toBe(first.treeSha);
    expect(back.commitSha).not.toBe(first.commitSha);
    expect((await deps.db.items.findByRef(PDF))?.version).toBe('1.0.0');
  });

  it('refuses a manifest of another kind or another name with ValidationError, changing nothing', async () => {
    const { deps, alice, first } = await withPdf();
    const before = await atlasState(deps);
    const attempt = async (files: ItemFile[]) => {
      const error = await updateItem(deps, { ref: PDF, files, ifMatch: first.treeSha }, alice).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      return (error as ValidationError).problems.map((p) => p.path);
    };
    expect(await attempt(toolFiles())).toEqual(['tool.json']);
    expect(await attempt([textFile('SKILL.md', skillMd('renamed'))])).toEqual(['SKILL.md#/name']);
    expect(await atlasState(deps)).toEqual(before);
  });

  it("lets the team's maintainers and owners, and the member who published it, change a team item", async () => {
    const { deps, mia, mark, olga, admin } = await catalogWorld();
    let current = await publishItem(deps, { namespace: 'platform', files: skillFiles('deploy') }, mia);
    const editors: Actor[] = [mia, mark, olga, admin];
    for (const [index, actor] of editors.entries()) {
      current = await updateItem(
        deps,
        {
          ref: ref('skill/platform/deploy'),
          files: skillFiles('deploy', { script: `echo ${index}\n` }),
          ifMatch: current.treeSha,
        },
        actor,
      );
    }
    const { entries } = await deps.content.history('skills/platform/deploy', { limit: 10 });
    expect(entries.map((e) => e.author.name)).toEqual(['ada', 'olga', 'mark', 'mia', 'mia']);
  });

  it('refuses other members and outsiders with ForbiddenError, changing nothing', async () => {
    const { deps, mia, max, otto, alice } = await catalogWorld();
    const published = await publishItem(deps, { namespace: 'platform', files: skillFiles('deploy') }, mia);
    const personal = await publishItem(deps, { namespace: 'alice', files: skillFiles('notes') }, alice);
    const before = await atlasState(deps);
    for (const [actor, target, treeSha] of [
      [max, 'skill/platform/deploy', published.treeSha],
      [otto, 'skill/platform/deploy', published.treeSha],
      [otto, 'skill/alice/notes', personal.treeSha],
    ] as const) {
      const name = target.split('/')[2]!;
      await expect(
        updateItem(
          deps,
          { ref: ref(target), files: skillFiles(name, { script: 'echo x\n' }), ifMatch: treeSha },
          actor,
        ),
      ).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect(await atlasState(deps)).toEqual(before);
  });

  it('answers an item the actor may not read, a deleted one or a missing one with NotFoundError', async () => {
    const { deps, mia, otto, alice } = await catalogWorld();
    const hidden = await publishItem(
      deps,
      { namespace: 'platform', files: skillFiles('secret'), visibility: 'team' },
      mia,
    );
    const gone = await publishItem(deps, { namespace: 'alice', files: skillFiles('gone') }, alice);
    await deleteItem(deps, { ref: ref('skill/alice/gone') }, alice);
    const before = await atlasState(deps);
    await expect(
      updateItem(
        deps,
        { ref: ref('skill/platform/secret'), files: skillFiles('secret'), ifMatch: hidden.treeSha },
        otto,
      ),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      updateItem(deps, { ref: ref('skill/alice/gone'), files: skillFiles('gone'), ifMatch: gone.treeSha }, alice),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      updateItem(deps, { ref: ref('skill/alice/missing'), files: skillFiles('missing'), ifMatch: gone.treeSha }, alice),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('refuses an anonymous caller with UnauthenticatedError', async () => {
    const { deps, first } = await withPdf();
    await expect(
      updateItem(deps, { ref: PDF, files: v2(), ifMatch: first.treeSha }, anonymous()),
    ).rejects.toBeInstanceOf(UnauthenticatedError);
    expect((await deps.db.items.findByRef(PDF))?.treeSha).toBe(first.treeSha);
  });

  it('records an update git already holds after a crash between git and the database, without a second commit', async () => {
    const { deps, alice, first } = await withPdf();
    const crashing = crashingDatabase(deps.db);
    crashing.crashNextTransaction();
    const input = { ref: PDF, files: v2(), ifMatch: first.treeSha };
    await expect(updateItem({ ...deps, db: crashing.db }, input, alice)).rejects.toThrow();
    const committed = await deps.content.head();
    expect((await deps.db.items.findByRef(PDF))?.treeSha).toBe(first.treeSha);

    const retried = await updateItem({ ...deps, db: crashing.db }, input, alice);
    expect(retried.commitSha).toBe(committed);
    expect(await deps.content.head()).toBe(committed);
    expect((await deps.db.items.findByRef(PDF))?.commitSha).toBe(committed);
    expect(await deps.db.items.listVersions(first.item.id)).toHaveLength(2);
  });

  it('moves the synced commit over its own commit when the catalog was synced up to its parent', async () => {
    const { deps, alice, first } = await withPdf();
    await markSynced(deps);
    const updated = await updateItem(deps, { ref: PDF, files: v2(), ifMatch: first.treeSha }, alice);
    expect((await deps.db.sync.getState()).lastSyncedSha).toBe(updated.commitSha);
  });
});
