import type { AtlasDeps } from '../deps.ts';
import { newSyncJob } from './run-sync-job.ts';
import { invalidFolders } from './sync-catalog.ts';

/**
 * A user or team was just created: folders that git holds in that namespace, recorded as invalid
 * for want of an owner, are queued to be read again, so they become items within moments.
 */
export async function revisitNamespace(
  { db, clock, jobSignal, syncSettings }: Pick<AtlasDeps, 'db' | 'clock' | 'jobSignal' | 'syncSettings'>,
  namespace: string,
): Promise<void> {
  const waiting = await db.items.search({
    status: 'invalid',
    namespace,
    sort: 'name',
    limit: 1,
    viewer: { kind: 'admin' },
  });
  if (waiting.items.length === 0) return;
  await db.sync.enqueue(newSyncJob(`namespace:${namespace}`, clock.now(), {}, syncSettings.maxAttempts));
  jobSignal.notify();
}
