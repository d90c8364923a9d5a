import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AtlasDeps } from '../../../application/deps.ts';
import { getSyncStatus, runVerify } from '../../../application/sync/get-sync-status.ts';
import type { SyncReason } from '../../../domain/sync/sync-reason.ts';
import { presentItem } from '../presenters-items.ts';
import { withProblems } from '../schemas/problem.ts';

const Drift = Type.Object({
  gitOnly: Type.Array(Type.String()),
  dbOnly: Type.Array(Type.String()),
  stale: Type.Array(Type.String()),
});
const VerifyReport = Type.Object({
  head: Type.String(),
  checkedAt: Type.String({ format: 'date-time' }),
  folders: Type.Integer(),
  items: Type.Integer(),
  drift: Drift,
  driftCount: Type.Integer(),
  repaired: Type.Optional(Type.Record(Type.String(), Type.Integer())),
});
const iso = (date: Date | null) => date?.toISOString() ?? null;
const NullableDate = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

/** A job's reason as the status shows it: `webhook`, `poll`, `manual`, `namespace:<name>`, or the text as recorded. */
function reasonText(reason: SyncReason): string {
  if (reason.kind === 'namespace') return `namespace:${reason.namespace}`;
  return reason.kind === 'unknown' ? reason.recorded : reason.kind;
}

/** Sync status and on-demand verification, for administrators. */
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
          200: Type.Object({
            head: Type.String(),
            lastSyncedSha: Type.Union([Type.String(), Type.Null()]),
            lastSyncedAt: NullableDate,
            behind: Type.Boolean(),
            lagSeconds: Type.Number(),
            queue: Type.Object({ queued: Type.Integer(), running: Type.Integer(), failed: Type.Integer() }),
            failedJobs: Type.Array(
              Type.Object({
                id: Type.String(),
                reason: Type.String({ description: '`webhook`, `poll`, `manual` or `namespace:<name>`' }),
                attempts: Type.Integer(),
                lastError: Type.Union([Type.String(), Type.Null()]),
                updatedAt: Type.String({ format: 'date-time' }),
              }),
            ),
            invalidItems: Type.Array(
              Type.Object({
                item: Type.Ref('Item'),
                problems: Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
              }),
            ),
            lastVerify: Type.Object({ at: NullableDate, report: Type.Union([Type.Unknown(), Type.Null()]) }),
          }),
        }),
      },
    },
    async (request) => {
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
    '/verify',
    {
      schema: {
        tags: ['sync'],
        summary: 'Compare every item folder in git with the catalog now; `repair` fixes what differs (administrators)',
        security: [{ bearer: [] }],
        body: Type.Optional(Type.Object({ repair: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
        response: withProblems({ 200: VerifyReport }),
      },
    },
    async (request) => {
      const report = await runVerify(deps, { repair: request.body?.repair === true }, request.actor);
      // ReconcileCounts is an interface, which TypeScript does not read as the schema's record; the JSON is the same.
      return { ...report, repaired: report.repaired && { ...report.repaired } };
    },
  );
};
