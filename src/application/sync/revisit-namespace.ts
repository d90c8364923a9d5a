import type { Repositories } from '../../domain/repositories.ts';
import type { AtlasDeps } from '../deps.ts';
import { newSyncJob } from './run-sync-job.ts';
import { invalidFolders } from './sync-catalog.ts';

/**
 * A user or team is being created: folders that git holds in that namespace, recorded as invalid
 * for want of an owner, are queued to be read again, in the same transaction that creates the name,
 * so they become items within moments. Returns whether a job was queued (the caller then wakes the
 * worker, once the transaction has committed).
 */
export async function revisitNamespace(
  tx: Repositories,
  { clock, syncSettings }: Pick<AtlasDeps, 'clock' | 'syncSettings'>,
  namespace: string,
): Promise<boolean> {
  if ((await invalidFolders(tx, namespace, 1)).length === 0) return false;
  await tx.sync.enqueue(newSyncJob({ kind: 'namespace', namespace }, clock.now(), {}, syncSettings.maxAttempts));
  return true;
}
