import { describe, expect, it } from 'vitest';
import { prepareBundle } from '../../domain/catalog/prepare-bundle.ts';
import { ConflictError } from '../../domain/errors.ts';
import { catalogWorld, ref, skillFiles } from '../testing/use-case-helpers.ts';
import { publishItem } from './publish-item.ts';
import { updateItem } from './update-item.ts';
import { checkVersionUnused } from './version-rule.ts';

async function withVersions() {
  const world = await catalogWorld();
  const { deps, alice } = world;
  const v1 = await publishItem(
    deps,
    { namespace: 'alice', files: skillFiles('pdf-tools', { version: '1.0.0' }) },
    alice,
  );
  await updateItem(
    deps,
    {
      ref: ref('skill/alice/pdf-tools'),
      files: skillFiles('pdf-tools', { version: '1.1.0', script: 'echo 2\n' }),
      ifMatch: v1.treeSha,
    },
    alice,
  );
  const bundle = (options: Parameters<typeof skillFiles>[1]) =>
    prepareBundle(skillFiles('pdf-tools', options), deps.limits);
  return { ...world, itemId: v1.item.id, bundle };
}

describe('checkVersionUnused', () => {
  it('refuses other content under a version already published with ConflictError naming that commit', async () => {
    const { deps, itemId, bundle } = await withVersions();
    const error = await checkVersionUnused(deps.db, itemId, bundle({ version: '1.0.0', script: 'echo 3\n' })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toContain('version 1.0.0 was already published');
  });

  it('accepts the very content a version was published with', async () => {
    const { deps, itemId, bundle } = await withVersions();
    await expect(checkVersionUnused(deps.db, itemId, bundle({ version: '1.0.0' }))).resolves.toBeUndefined();
  });

  it('accepts a version not published yet, and content that declares no version', async () => {
    const { deps, itemId, bundle } = await withVersions();
    await expect(
      checkVersionUnused(deps.db, itemId, bundle({ version: '2.0.0', script: 'echo 3\n' })),
    ).resolves.toBeUndefined();
    await expect(checkVersionUnused(deps.db, itemId, bundle({ script: 'echo 4\n' }))).resolves.toBeUndefined();
  });

  it('judges each item by its own versions only', async () => {
    const { deps, alice, bundle } = await withVersions();
    const other = await publishItem(
      deps,
      { namespace: 'alice', files: skillFiles('other', { version: '9.9.9' }) },
      alice,
    );
    await expect(
      checkVersionUnused(deps.db, other.item.id, bundle({ version: '1.0.0', script: 'echo 3\n' })),
    ).resolves.toBeUndefined();
  });
});
