/**
 * `POST /api/v1/sync/run` on every database: an administrator queues a sync of the branch head for the worker
 * (a `manual` job, seen in the status queue), nothing when the catalog is at the head or a job already waits,
 * and nobody else may; the worker's next job then brings the catalog to that head.
 */

import { beforeAll, beforeEach, expect, it } from 'vitest';
import { InMemoryContentStore } from '../../src/adapters/memory/in-memory-content-store.ts';
import type { AtlasDeps } from '../../src/application/deps.ts';
import { runNextSyncJob } from '../../src/application/sync/run-sync-job.ts';
import { syncCatalog } from '../../src/application/sync/sync-catalog.ts';
import { type AtlasApp, buildApp } from '../../src/entrypoints/http/app.ts';
import { describeEachDatabase } from '../support/each-database.ts';
import { client, register } from '../support/http.ts';
import { commitFiles, depsFor, skillMd } from '../support/sync-helpers.ts';

describeEachDatabase('POST /api/v1/sync/run', (open) => {
  let deps: AtlasDeps;
  let app: AtlasApp;
  let content: InMemoryContentStore;
  let admin: string;
  let alice: string;
  const api = () => client(app);

  beforeAll(async () => {
    content = new InMemoryContentStore();
    deps = depsFor(await open(), content);
    app = await buildApp(deps, { rateLimits: { perAddress: 1000, perAccount: 1000 } });
    await app.ready();
    return () => app.close();
  });

  beforeEach(async () => {
    await open();
    // The first account is the site admin.
    admin = await register(app, 'ada');
    alice = await register(app, 'alice');
    await commitFiles(content, { 'skills/alice/pdf-tools/SKILL.md': skillMd('pdf-tools') });
    await syncCatalog(deps);
  });

  it('refuses everyone but an administrator, and queues nothing for them', async () => {
    await commitFiles(content, { 'skills/alice/notes/SKILL.md': skillMd('notes') });
    const anonymous = await api().post('/api/v1/sync/run');
    expect(anonymous.status).toBe(401);
    const user = await api().post('/api/v1/sync/run', undefined, alice);
    expect(user.status).toBe(403);
    expect(user.body.code).toBe('forbidden');
    expect(await deps.db.sync.countJobs('queued')).toBe(0);
  });

  it('answers up-to-date and queues nothing when the catalog is at the head', async () => {
    const res = await api().post('/api/v1/sync/run', undefined, admin);
    expect(res.status, res.raw).toBe(202);
    expect(res.body).toEqual({ outcome: 'up-to-date', head: await content.head() });
    expect((await api().get('/api/v1/sync/status', admin)).body.queue).toEqual({ queued: 0, running: 0, failed: 0 });
  });

  it('queues a manual job for the head once; the worker then syncs the catalog to it', async () => {
    const head = await commitFiles(content, { 'skills/alice/notes/SKILL.md': skillMd('notes') });
    const res = await api().post('/api/v1/sync/run', undefined, admin);
    expect(res.status, res.raw).toBe(202);
    expect(res.body).toMatchObject({
      outcome: 'queued',
      head,
      job: { reason: 'manual', status: 'queued', afterSha: head },
    });
    const again = await api().post('/api/v1/sync/run', undefined, admin);
    expect(again.body).toMatchObject({ outcome: 'already-queued', head, job: { id: res.body.job.id } });
    const status = await api().get('/api/v1/sync/status', admin);
    expect(status.body).toMatchObject({ head, behind: true, queue: { queued: 1, running: 0, failed: 0 } });
    const audit = await api().get('/api/v1/audit?action=sync.queue', admin);
    expect(audit.body.items.map((e: { target: string }) => e.target)).toEqual([head]);

    const ran = await runNextSyncJob(deps, 'worker-1');
    expect(ran?.job.id).toBe(res.body.job.id);
    const after = await api().get('/api/v1/sync/status', admin);
    expect(after.body).toMatchObject({ lastSyncedSha: head, behind: false, queue: { queued: 0, running: 0 } });
    expect((await api().get('/api/v1/items/skill/alice/notes', admin)).status).toBe(200);
  });
});
