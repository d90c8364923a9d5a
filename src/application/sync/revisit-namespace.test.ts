import { beforeEach, describe, expect, it } from 'vitest';
import type { AtlasDeps } from '../deps.ts';
import { revisitNamespace } from './revisit-namespace.ts';
import { syncCatalog } from './sync-catalog.ts';
import { commitFiles, seedNamespaces, skillMd, syncDeps } from './testing/sync-fixtures.ts';

describe('revisitNamespace', () => {
  let deps: AtlasDeps;

  beforeEach(async () => {
    deps = syncDeps();
    await seedNamespaces(deps.db);
    await commitFiles(deps.content, {
      'skills/carol/helper/SKILL.md': skillMd('helper'),
      'skills/alice/broken/SKILL.md': '---\nname: broken\n---\n',
    });
    await syncCatalog(deps);
  });
  const queued = () => deps.db.sync.listJobs('queued', 10);

  it('queues a job naming the namespace when folders of it wait as invalid', async () => {
    expect(await deps.db.transaction((tx) => revisitNamespace(tx, deps, 'carol'))).toBe(true);
    expect(await queued()).toEqual([
      expect.objectContaining({ reason: { kind: 'namespace', namespace: 'carol' }, runAfter: deps.clock.now() }),
    ]);
  });

  it('queues nothing for a namespace with no invalid folders', async () => {
    expect(await deps.db.transaction((tx) => revisitNamespace(tx, deps, 'dave'))).toBe(false);
    expect(await queued()).toEqual([]);
  });

  it('queues nothing when the transaction that creates the namespace rolls back', async () => {
    await expect(
      deps.db.transaction(async (tx) => {
        await revisitNamespace(tx, deps, 'carol');
        throw new Error('the account could not be created');
      }),
    ).rejects.toThrow('could not be created');
    expect(await queued()).toEqual([]);
  });
});
