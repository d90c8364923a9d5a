/**
 * Search and facets over HTTP on every database: what `GET /api/v1/items` finds for words of several kinds,
 * the facet counts it answers with `facets=true`, which count only what the caller may read, and both following
 * every publish, update, patch and delete.
 */
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { InMemoryContentStore } from '../src/adapters/memory/in-memory-content-store.ts';
import { assembleDeps } from '../src/composition-root.ts';
import { type AtlasApp, buildApp } from '../src/entrypoints/http/app.ts';
import { CHEAP_ARGON2 } from '../src/testing/in-memory-deps.ts';
import { skillMd, textFile } from './support/catalog-helpers.ts';
import { describeEachDatabase } from './support/each-database.ts';
import { client, register } from './support/http.ts';

const skill = (name: string, description: string, body = 'Steps.') => [
  textFile('SKILL.md', skillMd(name, description).replace('Steps.', body)),
];

describeEachDatabase('search over HTTP', (open) => {
  let app: AtlasApp;
  let api: ReturnType<typeof client>;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    const deps = assembleDeps(
      await open(),
      new InMemoryContentStore(),
      { authz: 'rbac', publicRead: false, registration: 'open' },
      { argon2: CHEAP_ARGON2 },
    );
    app = await buildApp(deps, { rateLimits: { perAddress: 100_000, perAccount: 100_000 } });
    await app.ready();
    api = client(app);
    return () => app.close();
  });

  // alice owns team platform; bob belongs to no team.
  beforeEach(async () => {
    await open();
    alice = await register(app, 'alice');
    bob = await register(app, 'bob');
    expect((await api.post('/api/v1/teams', { slug: 'platform', name: 'Platform' }, alice)).status).toBe(201);
    const publish = async (body: Record<string, unknown>) => {
      const res = await api.post('/api/v1/items', body, alice);
      expect(res.status, res.raw).toBe(201);
    };
    await publish({
      namespace: 'platform',
      files: skill('pdf-tools', 'Extract text and tables from PDF files.', 'Uses pdfplumber; falls back to OCR.'),
      tags: ['pdf', 'documents'],
    });
    await publish({ namespace: 'platform', files: skill('web-pages', 'Build pages with next.js.'), tags: ['web'] });
    await publish({
      namespace: 'platform',
      files: skill('payroll-export', 'Exports payroll tables as PDF.'),
      tags: ['pdf', 'finance'],
      visibility: 'team',
    });
    await publish({ namespace: 'alice', files: skill('diary', 'Notes for myself.'), visibility: 'team' });
  });

  const search = async (query: string, token: string) => {
    const res = await api.get(`/api/v1/items?${query}`, token);
    expect(res.status, res.raw).toBe(200);
    return res.body as {
      items: { ref: string }[];
      facets?: Record<'kind' | 'team' | 'tag' | 'status', { value: string; count: number }[]>;
    };
  };
  const refs = (body: { items: { ref: string }[] }) => body.items.map((item) => item.ref);

  it('finds items by several words, words inside punctuation, misspelt words and the start of SKILL.md', async () => {
    expect(refs(await search('q=how+do+I+extract+tables+from+a+pdf+invoice', bob))[0]).toBe('skill/platform/pdf-tools');
    expect(refs(await search('q=next.js', bob))).toEqual(['skill/platform/web-pages']);
    expect(refs(await search('q=pdf-tools', bob))[0]).toBe('skill/platform/pdf-tools');
    expect(refs(await search('q=tabels', bob))).toEqual(['skill/platform/pdf-tools']);
    expect(refs(await search('q=pdfplumber', bob))).toEqual(['skill/platform/pdf-tools']);
  });

  it('answers facet counts of what the caller may read when asked, and only then', async () => {
    expect((await search('q=pdf', bob)).facets).toBeUndefined();
    expect((await search('q=pdf&facets=true', bob)).facets).toEqual({
      kind: [{ value: 'skill', count: 1 }],
      team: [{ value: 'platform', count: 1 }],
      tag: [
        { value: 'documents', count: 1 },
        { value: 'pdf', count: 1 },
      ],
      status: [{ value: 'active', count: 1 }],
    });
    const member = await search('q=pdf&facets=true', alice);
    expect(refs(member)).toEqual(['skill/platform/pdf-tools', 'skill/platform/payroll-export']);
    expect(member.facets?.tag).toEqual([
      { value: 'pdf', count: 2 },
      { value: 'documents', count: 1 },
      { value: 'finance', count: 1 },
    ]);
    const browse = await search('facets=true&tag=pdf', bob);
    expect(browse.facets?.tag).toEqual([
      { value: 'documents', count: 1 },
      { value: 'pdf', count: 1 },
      { value: 'web', count: 1 },
    ]);
    expect(browse.facets?.kind).toEqual([{ value: 'skill', count: 1 }]);
    expect((await api.get('/api/v1/items?facets=maybe', bob)).status).toBe(400);
  });

  it('follows every write: publish, update, patch and delete', async () => {
    const pdfCount = async () => (await search('facets=true', bob)).facets?.tag.find((t) => t.value === 'pdf')?.count;
    expect(await pdfCount()).toBe(1);

    const current = await api.get('/api/v1/items/skill/platform/web-pages', alice);
    const updated = await app.inject({
      method: 'PUT',
      url: '/api/v1/items/skill/platform/web-pages',
      headers: { authorization: `Bearer ${alice}`, 'if-match': current.headers.etag as string },
      payload: { files: skill('web-pages', 'Build pages with SvelteKit.') },
    });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(refs(await search('q=next.js', bob))).toEqual([]);
    expect(refs(await search('q=sveltekit', bob))).toEqual(['skill/platform/web-pages']);

    expect((await api.patch('/api/v1/items/skill/platform/web-pages', { tags: ['pdf'] }, alice)).status).toBe(200);
    expect(await pdfCount()).toBe(2);
    expect(refs(await search('tag=pdf&sort=name', bob))).toEqual([
      'skill/platform/pdf-tools',
      'skill/platform/web-pages',
    ]);

    expect((await api.patch('/api/v1/items/skill/platform/web-pages', { visibility: 'team' }, alice)).status).toBe(200);
    expect(await pdfCount()).toBe(1);
    expect(refs(await search('q=sveltekit', bob))).toEqual([]);
    expect(refs(await search('q=sveltekit', alice))).toEqual(['skill/platform/web-pages']);

    expect((await api.delete('/api/v1/items/skill/platform/pdf-tools', alice)).status).toBe(204);
    expect(await pdfCount()).toBeUndefined();
    expect(refs(await search('q=pdf', bob))).toEqual([]);
  });
});
