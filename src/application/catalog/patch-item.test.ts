import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
} from '../../domain/errors.ts';
import { putTeamMember } from '../teams/put-team-member.ts';
import {
  atlasState,
  auditTrail,
  catalogWorld,
  commitByHand,
  markSynced,
  ref,
  setUpTeam,
  skillFiles,
} from '../testing/use-case-helpers.ts';
import { patchItem } from './patch-item.ts';
import { publishItem } from './publish-item.ts';
import { updateItem } from './update-item.ts';

const PDF = ref('skill/alice/pdf-tools');

async function withPdf() {
  const world = await catalogWorld();
  const first = await publishItem(world.deps, { namespace: 'alice', files: skillFiles('pdf-tools') }, world.alice);
  return { ...world, first };
}

async function problemsOf(promise: Promise<unknown>) {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).problems.map((p) => p.path);
}

describe('patchItem', () => {
  it('changes tags and visibility in the database only: git stays as it was', async () => {
    const { clock, deps, alice, first } = await withPdf();
    const head = await deps.content.head();
    const folders = await deps.content.listItems();
    clock.advance(60_000);

    const patched = await patchItem(deps, { ref: PDF, tags: ['pdf', 'ocr'], visibility: 'team' }, alice);

    expect(await deps.db.items.findByRef(PDF)).toEqual(patched);
    expect(patched).toMatchObject({
      tags: ['pdf', 'ocr'],
      visibility: 'team',
      status: 'active',
      treeSha: first.treeSha,
      commitSha: first.commitSha,
      updatedAt: clock.now(),
    });
    expect(await deps.content.head()).toBe(head);
    expect(await deps.content.listItems()).toEqual(folders);
    expect((await auditTrail(deps, 'item.patch'))[0]).toMatchObject({
      actorName: 'alice',
      target: 'skill/alice/pdf-tools',
      details: { tags: ['pdf', 'ocr'], visibility: 'team', status: 'active', teamId: null },
    });
  });

  it('deprecates with a message, and clears the message when the item is made active again', async () => {
    const { deps, alice } = await withPdf();
    await patchItem(deps, { ref: PDF, status: 'deprecated', statusMessage: '  use pdf-kit instead ' }, alice);
    expect(await deps.db.items.findByRef(PDF)).toMatchObject({
      status: 'deprecated',
      statusMessage: 'use pdf-kit instead',
    });
    await patchItem(deps, { ref: PDF, tags: ['old'] }, alice);
    expect((await deps.db.items.findByRef(PDF))?.statusMessage).toBe('use pdf-kit instead');
    await patchItem(deps, { ref: PDF, status: 'active' }, alice);
    expect(await deps.db.items.findByRef(PDF)).toMatchObject({ status: 'active', statusMessage: null });
  });

  it('refuses to deprecate without a message, a message over 500 characters and bad tags, all at once, changing nothing', async () => {
    const { deps, alice } = await withPdf();
    const before = await atlasState(deps);
    expect(await problemsOf(patchItem(deps, { ref: PDF, status: 'deprecated', statusMessage: '  ' }, alice))).toEqual([
      'statusMessage',
    ]);
    expect(
      await problemsOf(patchItem(deps, { ref: PDF, status: 'deprecated', statusMessage: 'x'.repeat(501) }, alice)),
    ).toEqual(['statusMessage']);
    expect(await problemsOf(patchItem(deps, { ref: PDF, status: 'deprecated', tags: ['Bad Tag'] }, alice))).toEqual([
      'tags/0',
      'statusMessage',
    ]);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('deletes the folder in git when the status becomes deleted, as DELETE does', async () => {
    const { deps, alice } = await withPdf();
    const deleted = await patchItem(deps, { ref: PDF, status: 'deleted' }, alice);
    expect(deleted.status).toBe('deleted');
    expect(await deps.content.listItems()).toEqual([]);
    expect(await deps.db.items.findByRef(PDF)).toMatchObject({
      status: 'deleted',
      commitSha: await deps.content.head(),
    });
    expect((await auditTrail(deps, 'item.')).map((e) => e.action)).toEqual(['item.publish', 'item.delete']);
  });

  it('refuses deleting combined with other changes with ValidationError at status, changing nothing', async () => {
    const { deps, alice } = await withPdf();
    const before = await atlasState(deps);
    expect(await problemsOf(patchItem(deps, { ref: PDF, status: 'deleted', tags: ['x'] }, alice))).toEqual(['status']);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('refuses deleting to a member who may edit the item but not delete it (ForbiddenError), changing nothing', async () => {
    const { deps, mia } = await catalogWorld();
    await publishItem(deps, { namespace: 'platform', files: skillFiles('deploy') }, mia);
    await patchItem(deps, { ref: ref('skill/platform/deploy'), tags: ['ops'] }, mia);
    const before = await atlasState(deps);
    await expect(patchItem(deps, { ref: ref('skill/platform/deploy'), status: 'deleted' }, mia)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect(await atlasState(deps)).toEqual(before);
  });

  it('restores a deleted item from its last version in history when made active', async () => {
    const { clock, deps, alice, first } = await withPdf();
    await patchItem(deps, { ref: PDF, status: 'deleted' }, alice);
    await markSynced(deps);
    clock.advance(60_000);

    const restored = await patchItem(deps, { ref: PDF, status: 'active' }, alice);

    expect(restored).toMatchObject({ status: 'active', treeSha: first.treeSha, updatedAt: clock.now() });
    expect(restored.commitSha).toBe(await deps.content.head());
    expect(await deps.content.listItems()).toEqual([{ folder: 'skills/alice/pdf-tools', treeSha: first.treeSha }]);
    expect((await deps.content.readItem('skills/alice/pdf-tools'))?.files).toEqual(skillFiles('pdf-tools'));
    expect(await deps.db.items.findByRef(PDF)).toEqual(restored);
    expect((await deps.db.sync.getState()).lastSyncedSha).toBe(restored.commitSha);
    expect((await auditTrail(deps, 'item.restore'))[0]?.target).toBe('skill/alice/pdf-tools');
  });

  it('refuses to restore over a folder git holds again with ConflictError, changing nothing', async () => {
    const { deps, alice } = await withPdf();
    await patchItem(deps, { ref: PDF, status: 'deleted' }, alice);
    await commitByHand(deps.content, 'skills/alice/pdf-tools', skillFiles('pdf-tools', { script: 'echo hand\n' }));
    const before = await atlasState(deps);
    await expect(patchItem(deps, { ref: PDF, status: 'active' }, alice)).rejects.toBeInstanceOf(ConflictError);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('answers any other change to a deleted item with NotFoundError', async () => {
    const { deps, alice } = await withPdf();
    await patchItem(deps, { ref: PDF, status: 'deleted' }, alice);
    const before = await atlasState(deps);
    await expect(patchItem(deps, { ref: PDF, tags: ['x'] }, alice)).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      patchItem(deps, { ref: PDF, status: 'deprecated', statusMessage: 'old' }, alice),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('hands an item to a team its owner maintains, whose maintainers may then change it, and back', async () => {
    const { deps, mark, olga, team } = await catalogWorld();
    const first = await publishItem(deps, { namespace: 'mark', files: skillFiles('notes') }, mark);
    const notes = ref('skill/mark/notes');

    expect((await patchItem(deps, { ref: notes, team: 'platform' }, mark)).teamId).toBe(team.id);
    expect((await deps.db.items.findByRef(notes))?.teamId).toBe(team.id);
    await updateItem(
      deps,
      { ref: notes, files: skillFiles('notes', { script: 'echo o\n' }), ifMatch: first.treeSha },
      olga,
    );

    await patchItem(deps, { ref: notes, team: null }, mark);
    expect((await deps.db.items.findByRef(notes))?.teamId).toBeNull();
  });

  it('refuses to let a plain member hand their own item to the team, or anyone hand over what they do not own', async () => {
    const { deps, mia, mark, olga } = await catalogWorld();
    await publishItem(deps, { namespace: 'mia', files: skillFiles('notes') }, mia);
    await publishItem(deps, { namespace: 'olga', files: skillFiles('plans') }, olga);
    await setUpTeam(deps, 'data', olga, { mark: 'maintainer' });
    const before = await atlasState(deps);
    await expect(patchItem(deps, { ref: ref('skill/mia/notes'), team: 'platform' }, mia)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(patchItem(deps, { ref: ref('skill/olga/plans'), team: 'platform' }, mark)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect(await atlasState(deps)).toEqual(before);
  });

  it('moves a personal item between teams only for someone who maintains both', async () => {
    const { deps, mark, olga, mia, team } = await catalogWorld();
    await publishItem(deps, { namespace: 'mark', files: skillFiles('notes') }, mark);
    const notes = ref('skill/mark/notes');
    await patchItem(deps, { ref: notes, team: 'platform' }, mark);
    const data = await setUpTeam(deps, 'data', mia, { olga: 'member', mark: 'member' });

    // mark maintains platform but is a plain member of data; olga owns platform but is a member of data.
    await expect(patchItem(deps, { ref: notes, team: 'data' }, mark)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(patchItem(deps, { ref: notes, team: 'data' }, olga)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await deps.db.items.findByRef(notes))?.teamId).toBe(team.id);

    await putTeamMember(deps, { slug: 'data', username: 'olga', role: 'maintainer' }, mia);
    expect((await patchItem(deps, { ref: notes, team: 'data' }, olga)).teamId).toBe(data.id);
  });

  it("never moves an item of a team's namespace to another team, even for those who maintain both", async () => {
    const { deps, mia, olga, admin, team } = await catalogWorld();
    await publishItem(deps, { namespace: 'platform', files: skillFiles('deploy') }, mia);
    const deploy = ref('skill/platform/deploy');
    await setUpTeam(deps, 'side', mia, { olga: 'owner' });
    const before = await atlasState(deps);
    for (const actor of [mia, olga, admin]) {
      expect(await problemsOf(patchItem(deps, { ref: deploy, team: 'side' }, actor))).toEqual(['team']);
    }
    expect(await atlasState(deps)).toEqual(before);
    expect((await deps.db.items.findByRef(deploy))?.teamId).toBe(team.id);
    // Naming the team it already belongs to changes nothing and is allowed.
    expect((await patchItem(deps, { ref: deploy, team: 'platform', tags: ['ops'] }, mia)).teamId).toBe(team.id);
  });

  it('refuses a team the actor does not belong to with ForbiddenError, but lets a site admin assign any team', async () => {
    const { deps, alice, admin, team } = await withPdf();
    const before = await atlasState(deps);
    await expect(patchItem(deps, { ref: PDF, team: 'platform' }, alice)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await atlasState(deps)).toEqual(before);
    await patchItem(deps, { ref: PDF, team: 'platform' }, admin);
    expect((await deps.db.items.findByRef(PDF))?.teamId).toBe(team.id);
  });

  it('refuses an unknown team, and no team for an item in a team namespace, with ValidationError at team', async () => {
    const { deps, alice, mia, olga } = await withPdf();
    await publishItem(deps, { namespace: 'platform', files: skillFiles('deploy') }, mia);
    await setUpTeam(deps, 'data', olga);
    const before = await atlasState(deps);
    expect(await problemsOf(patchItem(deps, { ref: PDF, team: 'nowhere' }, alice))).toEqual(['team']);
    expect(await problemsOf(patchItem(deps, { ref: ref('skill/platform/deploy'), team: null }, olga))).toEqual([
      'team',
    ]);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('refuses anyone who may not edit the item with ForbiddenError, changing nothing', async () => {
    const { deps, otto, max, mia } = await withPdf();
    await publishItem(deps, { namespace: 'platform', files: skillFiles('deploy') }, mia);
    const before = await atlasState(deps);
    await expect(patchItem(deps, { ref: PDF, tags: ['x'] }, otto)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(patchItem(deps, { ref: ref('skill/platform/deploy'), tags: ['x'] }, max)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect(await atlasState(deps)).toEqual(before);
  });

  it('answers an item the actor may not read with NotFoundError, and an anonymous caller with UnauthenticatedError', async () => {
    const { deps, mia, otto } = await catalogWorld();
    await publishItem(deps, { namespace: 'platform', files: skillFiles('secret'), visibility: 'team' }, mia);
    const before = await atlasState(deps);
    await expect(patchItem(deps, { ref: ref('skill/platform/secret'), tags: ['x'] }, otto)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      patchItem(deps, { ref: ref('skill/platform/secret'), tags: ['x'] }, anonymous()),
    ).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(await atlasState(deps)).toEqual(before);
  });
});
