import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import { NotFoundError, UnauthenticatedError } from '../../domain/errors.ts';
import { buildUser } from '../../domain/testing/builders.ts';
import { catalogWorld, ref, skillFiles } from '../testing/use-case-helpers.ts';
import { deleteItem } from './delete-item.ts';
import { authorOf, findReadableItem, requireReadable, requireUser } from './item-access.ts';
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
  return { ...world, pdf, secret };
}

describe('requireUser', () => {
  it('returns the signed-in user and refuses nobody with UnauthenticatedError', () => {
    const user = buildUser({ username: 'alice' });
    expect(requireUser({ user, tokenId: null, ip: null })).toBe(user);
    expect(() => requireUser(anonymous())).toThrow(UnauthenticatedError);
  });
});

describe('findReadableItem', () => {
  it('returns an item the actor may read', async () => {
    const { deps, otto, mark, pdf, secret } = await withItems();
    expect(await findReadableItem(deps, ref('skill/alice/pdf-tools'), otto)).toEqual(pdf.item);
    expect(await findReadableItem(deps, ref('skill/platform/secret'), mark)).toEqual(secret.item);
  });

  it('answers an item the actor may not read exactly like a missing one: NotFoundError with the same words', async () => {
    const { deps, otto } = await withItems();
    const hidden = await findReadableItem(deps, ref('skill/platform/secret'), otto).catch((e: unknown) => e);
    const missing = await findReadableItem(deps, ref('skill/platform/secrets'), otto).catch((e: unknown) => e);
    expect(hidden).toBeInstanceOf(NotFoundError);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((hidden as Error).message).toBe('no item skill/platform/secret');
    expect((missing as Error).message).toBe('no item skill/platform/secrets');
  });

  it('hides a deleted item unless deleted items are asked for', async () => {
    const { deps, alice } = await withItems();
    await deleteItem(deps, { ref: ref('skill/alice/pdf-tools') }, alice);
    await expect(findReadableItem(deps, ref('skill/alice/pdf-tools'), alice)).rejects.toBeInstanceOf(NotFoundError);
    const found = await findReadableItem(deps, ref('skill/alice/pdf-tools'), alice, { includeDeleted: true });
    expect(found.status).toBe('deleted');
  });

  it('asks an anonymous reader to sign in without public read, and shows them org items with it', async () => {
    const closed = await withItems();
    await expect(findReadableItem(closed.deps, ref('skill/alice/pdf-tools'), anonymous())).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
    const open = await withItems({ publicRead: true });
    expect((await findReadableItem(open.deps, ref('skill/alice/pdf-tools'), anonymous())).name).toBe('pdf-tools');
    await expect(findReadableItem(open.deps, ref('skill/platform/secret'), anonymous())).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe('requireReadable', () => {
  it('applies the same rule to an item already looked up', async () => {
    const { deps, otto, mark, secret } = await withItems();
    const at = ref('skill/platform/secret');
    expect(await requireReadable(deps, at, secret.item, mark)).toEqual(secret.item);
    await expect(requireReadable(deps, at, secret.item, otto)).rejects.toBeInstanceOf(NotFoundError);
    await expect(requireReadable(deps, at, undefined, mark)).rejects.toBeInstanceOf(NotFoundError);
    await expect(requireReadable(deps, at, secret.item, anonymous())).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});

describe('authorOf', () => {
  it('names a commit after the display name and email, or the username when there is no display name', () => {
    expect(authorOf(buildUser({ username: 'alice', displayName: 'Alice L.' }))).toEqual({
      name: 'Alice L.',
      email: 'alice@example.com',
    });
    expect(authorOf(buildUser({ username: 'bob', displayName: '' }))).toEqual({
      name: 'bob',
      email: 'bob@example.com',
    });
  });
});
