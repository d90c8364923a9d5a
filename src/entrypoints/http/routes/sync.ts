import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AtlasDeps } from '../../../application/deps.ts';
import { getSyncStatus } from '../../../application/sync/get-sync-status.ts';
import { queueSync } from '../../../application/sync/queue-sync.ts';
import { runVerify } from '../../../application/sync/run-verify.ts';
import type { SyncReason } from '../../../domain/sync/sync-reason.ts';
import { presentItem } from '../presenters-items.ts';
import { withProblems } from '../schemas/problem.ts';
import {
  type SyncRun,
  SyncRunSchema,
  type SyncStatus,
  SyncStatusSchema,
  VerifyBodySchema,
  VerifyReportSchema,
} from '../schemas/sync.ts';

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** A job's reason as the status shows it: `webhook`, `poll`, `manual`, `namespace:<name>`, or the text as recorded. */
function reasonText(reason: SyncReason): string {
  if (reason.kind === 'namespace') return `namespace:${reason.namespace}`;
  return reason.kind === 'unknown' ? reason.recorded : reason.kind;
}

/** Sync status, syncing now and on-demand verification, for administrators. */
export const syncRoutes: FastifyPluginAsyncTypebox<{ deps: AtlasDeps }> = async (app, { deps }) => {
  app.get(
    '/status',
    {
      schema: {
        tags: ['sync'],
        summary:
          'Head, last synced commit, lag, queue, failed jobs, invalid items and the last verify (administrators)',
        security: [{ bearer: [] }],
        response: withProblems({
          200: SyncStatusSchema,
        }),
      },
    },
    async (request): Promise<SyncStatus> => {
      const status = await getSyncStatus(deps, request.actor);
      return {
        ...status,
        lastSyncedAt: iso(status.lastSyncedAt),
        failedJobs: status.failedJobs.map((j) => ({
          id: j.id,
          reason: reasonText(j.reason),
          attempts: j.attempts,
          lastError: j.lastError,
          updatedAt: j.updatedAt.toISOString(),
        })),
        invalidItems: status.invalidItems.map((item) => ({ item: presentItem(item), problems: [...item.problems] })),
        lastVerify: { at: iso(status.lastVerify.at), report: status.lastVerify.report },
      };
    },
  );

  app.post(
    '/run',
    {
      schema: {
        tags: ['sync'],
        summary: "Queue a sync of the content branch's head for the worker now (administrators)",
        security: [{ bearer: [] }],
        response: withProblems({ 202: SyncRunSchema }),
      },
    },
    async (request, reply): Promise<SyncRun> => {
      const result = await queueSync(deps, request.actor);
      reply.status(202);
      if (result.outcome === 'up-to-date') return result;
      const { job } = result;
      return {
        outcome: result.outcome,
        head: result.head,
        job: {
          id: job.id,
          reason: reasonText(job.reason),
          status: job.status,
          afterSha: job.afterSha,
          createdAt: job.createdAt.toISOString(),
        },
      };
    },
  );

  app.post(
    '/verify',
    {
      schema: {
        tags: ['sync'],
        summary: 'Compare every item folder in git with the catalog now; `repair` fixes what differs (administrators)',
        security: [{ bearer: [] }],
        body: VerifyBodySchema,
        response: withProblems({ 200: VerifyReportSchema }),
      },
    },
    async (request) => {
      const report = await runVerify(deps, { repair: request.body?.repair === true }, request.actor);
      // ReconcileCounts is an interface, which TypeScript does not read as the schema's record; the JSON is the same.
      return { ...report, repaired: report.repaired && { ...report.repaired } };
    },
  );
};
