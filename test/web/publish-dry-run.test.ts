import { beforeAll, describe, expect, it } from 'vitest';
import type { AtlasDeps } from '../../src/application/deps.ts';
import { type AtlasApp, buildApp } from '../../src/entrypoints/http/app.ts';
import { createInMemoryDeps } from '../../src/testing/in-memory-deps.ts';
import { client, register } from '../support/http.ts';

const skill = (description: string, body = '# PDF\n') =>
  `---\nname: pdf-tools\ndescription: ${description}\n---\n${body}`;

describe('POST /api/v1/items?dryRun=true: the publish preview', () => {
  let deps: AtlasDeps;
  let app: AtlasApp;
  let api: ReturnType<typeof client>;
  let ada: string;
  let grace: string;

  /** Everything a dry run must leave alone: the content head, the catalog and the audit log. */
  const state = async () => ({
    head: await deps.content.head(),
    items: (await deps.db.items.search({ sort: 'name', limit: 100, viewer: { kind: 'admin' } })).items.length,
    audit: (await deps.db.audit.list({}, { limit: 1000 })).items.length,
  });

  beforeAll(async () => {
    deps = createInMemoryDeps();
    app = await buildApp(deps, { webRoot: null, rateLimits: { perAddress: 1000, perAccount: 1000 } });
    api = client(app);
    ada = await register(app, 'ada');
    grace = await register(app, 'grace');
    await api.post('/api/v1/teams', { slug: 'platform', name: 'Platform' }, ada);
    return () => app.close();
  });

  it('answers what a publish would make of the files, and writes nothing', async () => {
    const before = await state();
    const manifest = skill('Extract tables from PDFs.', '# PDF\n');
    const script = '#!/bin/sh\necho hi\n';
    const res = await api.post(
      '/api/v1/items?dryRun=true',
      {
        namespace: 'platform',
        tags: ['pdf'],
        files: [
          { path: 'SKILL.md', content: manifest },
          { path: 'scripts/run.sh', content: script, executable: true },
        ],
      },
      ada,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      dryRun: true,
      ref: 'skill/platform/pdf-tools',
      kind: 'skill',
      namespace: 'platform',
      name: 'pdf-tools',
      tags: ['pdf'],
      existing: null,
      unchanged: false,
      manifest: { name: 'pdf-tools', description: 'Extract tables from PDFs.' },
    });
    expect(res.body.treeSha).toMatch(/^[0-9a-f]{40}$/);
    expect(res.body.files).toEqual([
      { path: 'SKILL.md', executable: false, blobSha: expect.stringMatching(/^[0-9a-f]{40}$/), size: manifest.length },
      {
        path: 'scripts/run.sh',
        executable: true,
        blobSha: expect.stringMatching(/^[0-9a-f]{40}$/),
        size: script.length,
      },
    ]);
    expect(await state()).toEqual(before);
  });

  it('answers every problem at once, with the file and line, as a publish would', async () => {
    const before = await state();
    const res = await api.post(
      '/api/v1/items?dryRun=true',
      {
        namespace: 'platform',
        tags: ['Not A Tag!'],
        files: [
          { path: 'SKILL.md', content: '---\nname: pdf-tools\ndescription: [unclosed\n---\n' },
          { path: 'notes.txt', content: 'x' },
          { path: 'NOTES.txt', content: 'y' },
        ],
      },
      ada,
    );
    expect(res.status).toBe(400);
    const paths = res.body.problems.map((problem: { path: string }) => problem.path);
    expect(paths.some((path: string) => /^SKILL\.md:\d+/.test(path))).toBe(true);
    expect(paths.some((path: string) => /notes\.txt/i.test(path))).toBe(true);
    expect(paths.some((path: string) => path.startsWith('tags'))).toBe(true);
    expect(await state()).toEqual(before);
  });

  it('names the item the files would update, and says when nothing would change', async () => {
    const files = [{ path: 'SKILL.md', content: skill('Extract tables from PDFs.') }];
    expect((await api.post('/api/v1/items', { namespace: 'platform', files }, ada)).status).toBe(201);
    const same = await api.post('/api/v1/items?dryRun=true', { namespace: 'platform', files }, ada);
    expect(same.body).toMatchObject({ existing: { ref: 'skill/platform/pdf-tools' }, unchanged: true });
    const changed = await api.post(
      '/api/v1/items?dryRun=true',
      { namespace: 'platform', files: [{ path: 'SKILL.md', content: skill('Extract tables and text.') }] },
      ada,
    );
    expect(changed.body).toMatchObject({ existing: { ref: 'skill/platform/pdf-tools' }, unchanged: false });
    expect(changed.body.existing.treeSha).toBe(same.body.treeSha);
  });

  it('checks who may publish before anything else', async () => {
    const body = { namespace: 'platform', files: [{ path: 'SKILL.md', content: skill('x') }] };
    expect((await api.post('/api/v1/items?dryRun=true', body)).status).toBe(401);
    expect((await api.post('/api/v1/items?dryRun=true', body, grace)).status).toBe(403);
    expect((await api.post('/api/v1/items?dryRun=true', { ...body, namespace: 'nobody' }, grace)).status).toBe(400);
  });
});
