import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import { NotFoundError, UnauthenticatedError } from '../../domain/errors.ts';
import { catalogWorld, commitByHand, ref, skillFiles, textFile } from '../testing/use-case-helpers.ts';
import { deleteItem } from './delete-item.ts';
import { getItem } from './get-item.ts';
import { publishItem } from './publish-item.ts';

async function withItems(settings: Parameters<typeof catalogWorld>[0] = {}) {
  const world = await catalogWorld(settings);
  const { deps, alice, mia } = world;
  const pdf = await publishItem(deps, { namespace: 'alice', files: skillFiles('pdf-tools') }, alice);
  const secret = await publishItem(
    deps,
    { namespace: 'platform', files: skillFiles('secret'), visibility: 'team' },
    mia,
  );
  const notes = await publishItem(deps, { namespace: 'alice', files: skillFiles('notes'), visibility: 'team' }, alice);
  return { ...world, pdf, secret, notes };
}

describe('getItem', () => {
  it('returns an item with its files at its commit, its owner and its team', async () => {
    const { deps, otto, mark, pdf, secret, team } = await withItems();
    const found = await getItem(deps, ref('skill/alice/pdf-tools'), otto);
    expect(found.item).toEqual(pdf.item);
    expect(found.owner).toBe('alice');
    expect(found.team).toBeNull();
    expect(found.files.map((f) => [f.path, f.executable])).toEqual([
      ['SKILL.md', false],
      ['scripts/run.sh', true],
    ]);

    const teamItem = await getItem(deps, ref('skill/platform/secret'), mark);
    expect(teamItem).toMatchObject({ owner: 'mia', team: 'platform' });
    expect(teamItem.item).toMatchObject({ id: secret.item.id, teamId: team.id });
  });

  it('lists the files of the commit the row points at, not those of a change git holds but sync has not recorded', async () => {
    const { deps, otto } = await withItems();
    await commitByHand(deps.content, 'skills/alice/pdf-tools', [
      ...skillFiles('pdf-tools'),
      textFile('extra.md', 'pushed by hand'),
    ]);
    const found = await getItem(deps, ref('skill/alice/pdf-tools'), otto);
    expect(found.files.map((f) => f.path)).toEqual(['SKILL.md', 'scripts/run.sh']);
  });

  it('answers a team-only item to an outsider with NotFoundError, exactly like a missing one', async () => {
    const { deps, otto } = await withItems();
    const hidden = await getItem(deps, ref('skill/platform/secret'), otto).catch((e: unknown) => e);
    const missing = await getItem(deps, ref('skill/platform/missing'), otto).catch((e: unknown) => e);
    expect(hidden).toBeInstanceOf(NotFoundError);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((hidden as Error).message.replace('secret', 'missing')).toBe((missing as Error).message);
  });

  it('shows a personal team-only item to its owner and site admins, and to no one else', async () => {
    const { deps, alice, admin, olga } = await withItems();
    expect((await getItem(deps, ref('skill/alice/notes'), alice)).item.name).toBe('notes');
    expect((await getItem(deps, ref('skill/alice/notes'), admin)).item.name).toBe('notes');
    await expect(getItem(deps, ref('skill/alice/notes'), olga)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('answers a deleted item with NotFoundError', async () => {
    const { deps, alice } = await withItems();
    await deleteItem(deps, { ref: ref('skill/alice/pdf-tools') }, alice);
    await expect(getItem(deps, ref('skill/alice/pdf-tools'), alice)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('asks an anonymous reader to sign in, unless the catalog is public, where only org items show', async () => {
    const closed = await withItems();
    await expect(getItem(closed.deps, ref('skill/alice/pdf-tools'), anonymous())).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
    const open = await withItems({ publicRead: true });
    expect((await getItem(open.deps, ref('skill/alice/pdf-tools'), anonymous())).item.name).toBe('pdf-tools');
    await expect(getItem(open.deps, ref('skill/platform/secret'), anonymous())).rejects.toBeInstanceOf(NotFoundError);
  });
});
