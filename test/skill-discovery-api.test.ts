/**
 * Skill discovery over HTTP on every database: the Agent Skills discovery index (0.2.0) with digests that are of
 * exactly the bytes served, the earlier `/.well-known/skills/` index and files, `/api/search` for `skills find`,
 * HEAD, CORS and 304s; what anonymous readers may not see never appears; public read off; team registries; and
 * an index that costs one listing per change, not one per request.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { Value } from 'typebox/value';
import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryContentStore } from '../src/adapters/memory/in-memory-content-store.ts';
import { assembleDeps } from '../src/composition-root.ts';
import type { Clock } from '../src/domain/clock.ts';
import type { ContentStore } from '../src/domain/content/content-store.ts';
import type { Database } from '../src/domain/repositories.ts';
import { type AtlasApp, buildApp } from '../src/entrypoints/http/app.ts';
import {
  AGENT_SKILLS_DISCOVERY_SCHEMA,
  AgentSkillsIndexSchema,
  SkillSearchAnswerSchema,
  WellKnownSkillsIndexSchema,
} from '../src/entrypoints/http/schemas/skill-discovery.ts';
import { CHEAP_ARGON2 } from '../src/testing/in-memory-deps.ts';
import { binaryFile, skillMd, textFile } from './support/catalog-helpers.ts';
import { describeEachDatabase } from './support/each-database.ts';
import { client, register } from './support/http.ts';

/** Every call a second later than the last, so that every write has its own `updatedAt`. */
class SteppingClock implements Clock {
  #at = Date.UTC(2030, 0, 1);
  now() {
    this.#at += 1000;
    return new Date(this.#at);
  }
}

const LOGO = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x00, 0x7f, 0x80, 0xc3]);
const PDF_MD = skillMd('pdf', 'Extract text and tables from PDF files.', 'metadata:\n  version: "1.2.0"\n');
const SCRIPT = '#!/usr/bin/env python3\nprint("extract")\n';
const pdfFiles = () => [
  textFile('SKILL.md', PDF_MD),
  textFile('scripts/extract.py', SCRIPT, true),
  binaryFile('assets/logo.png', LOGO),
];
const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const ORIGIN = 'http://atlas.test';

/** Counts the catalog listings an index build makes and the item folders read from git. */
function counting(database: Database, content: ContentStore) {
  const counts = { listings: 0, folderReads: 0 };
  const items = new Proxy(database.items, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property !== 'search' || typeof value !== 'function')
        return typeof value === 'function' ? value.bind(target) : value;
      return (query: Parameters<Database['items']['search']>[0]) => {
        if (query.sort === 'name' && query.status === 'active' && query.name === undefined) counts.listings += 1;
        return value.call(target, query);
      };
    },
  });
  const db = new Proxy(database, {
    get(target, property) {
      if (property === 'items') return items;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const store = new Proxy(content, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (property !== 'readItem') return value.bind(target);
      return (...args: Parameters<ContentStore['readItem']>) => {
        counts.folderReads += 1;
        return value.apply(target, args);
      };
    },
  });
  return { db, content: store, counts };
}

describeEachDatabase('skill discovery', (open) => {
  let app: AtlasApp;
  let deps: ReturnType<typeof assembleDeps>;
  let counts: { listings: number; folderReads: number };
  let tokens: Record<'ada' | 'alice' | 'bob', string>;

  const build = async (publicRead: boolean) => {
    const database = await open();
    const wrapped = counting(database, new InMemoryContentStore());
    counts = wrapped.counts;
    deps = assembleDeps(
      wrapped.db,
      wrapped.content,
      { authz: 'rbac', publicRead, registration: 'open' },
      { clock: new SteppingClock(), argon2: CHEAP_ARGON2 },
    );
    app = await buildApp(deps);
    tokens = {
      ada: await register(app, 'ada'),
      alice: await register(app, 'alice'),
      bob: await register(app, 'bob'),
    };
    const api = client(app);
    const ok = async (answer: Promise<{ status: number; raw: string }>) => {
      const { status, raw } = await answer;
      if (status >= 300) throw new Error(`${status} ${raw}`);
    };
    await ok(api.post('/api/v1/teams', { slug: 'data', name: 'Data' }, tokens.bob));
    // alice publishes pdf first, so it holds the name at the root; team data's pdf is listed by its registry.
    await ok(api.post('/api/v1/items', { namespace: 'alice', files: pdfFiles() }, tokens.alice));
    await ok(
      api.post(
        '/api/v1/items',
        { namespace: 'data', files: [textFile('SKILL.md', skillMd('pdf', 'The data team reads PDFs.'))] },
        tokens.bob,
      ),
    );
    await ok(
      api.post(
        '/api/v1/items',
        { namespace: 'alice', files: [textFile('SKILL.md', skillMd('notes', 'Take notes.'))] },
        tokens.alice,
      ),
    );
    // Never listed: a personal team-only skill, a team-only team skill.
    await ok(
      api.post(
        '/api/v1/items',
        { namespace: 'alice', files: [textFile('SKILL.md', skillMd('diary', 'A pdf diary.'))], visibility: 'team' },
        tokens.alice,
      ),
    );
    await ok(
      api.post(
        '/api/v1/items',
        {
          namespace: 'data',
          files: [textFile('SKILL.md', skillMd('secrets', 'Secret pdf work.'))],
          visibility: 'team',
        },
        tokens.bob,
      ),
    );
    counts.listings = 0;
    counts.folderReads = 0;
  };

  const get = async (url: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') => {
    const response = await app.inject({ method, url, headers: { host: 'atlas.test', ...headers } });
    let body: unknown;
    try {
      body = response.json();
    } catch {
      body = undefined;
    }
    // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies freely.
    return { status: response.statusCode, headers: response.headers, body: body as any, raw: response.rawPayload };
  };
  const resolve = (indexUrl: string, url: string) => new URL(url, `${ORIGIN}${indexUrl}`).pathname;

  describe('with public read on', () => {
    beforeEach(async () => {
      await build(true);
    });

    it('serves the discovery 0.2.0 index: one entry per visible skill, names unique, types by file count', async () => {
      const res = await get('/.well-known/agent-skills/index.json');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(Value.Errors(AgentSkillsIndexSchema, res.body).map((e) => e.message)).toEqual([]);
      expect(res.body.$schema).toBe(AGENT_SKILLS_DISCOVERY_SCHEMA);
      expect(res.body.skills).toEqual([
        {
          name: 'notes',
          type: 'skill-md',
          description: 'Take notes.',
          url: 'notes/SKILL.md',
          digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        },
        {
          name: 'pdf',
          type: 'archive',
          description: 'Extract text and tables from PDF files.',
          url: 'pdf.zip',
          digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
          version: '1.2.0',
        },
      ]);
    });

    it('serves each artifact with the right type, its digest of exactly the bytes served, files at the root', async () => {
      const index = '/.well-known/agent-skills/index.json';
      const { body } = await get(index);
      for (const entry of body.skills as { name: string; type: string; url: string; digest: string }[]) {
        const first = await get(resolve(index, entry.url));
        expect(first.status).toBe(200);
        expect(sha256(first.raw)).toBe(entry.digest);
        const again = await get(resolve(index, entry.url));
        expect(again.raw.equals(first.raw)).toBe(true);
        if (entry.type === 'skill-md') {
          expect(first.headers['content-type']).toBe('text/markdown; charset=utf-8');
          expect(first.raw.toString()).toBe(skillMd('notes', 'Take notes.'));
        } else {
          expect(first.headers['content-type']).toBe('application/zip');
          const files = unzipSync(new Uint8Array(first.raw));
          expect(Object.keys(files).sort()).toEqual(['SKILL.md', 'assets/logo.png', 'scripts/extract.py']);
          expect(Buffer.from(files['assets/logo.png']!).equals(Buffer.from(LOGO))).toBe(true);
          expect(new TextDecoder().decode(files['scripts/extract.py'])).toBe(SCRIPT);
          expect(new TextDecoder().decode(files['SKILL.md'])).toBe(PDF_MD);
        }
        expect(first.headers['x-content-type-options']).toBe('nosniff');
      }
    });

    it('answers HEAD like GET without a body, on the indexes and the artifacts', async () => {
      for (const url of [
        '/.well-known/agent-skills/index.json',
        '/.well-known/agent-skills/pdf.zip',
        '/.well-known/agent-skills/notes/SKILL.md',
        '/.well-known/skills/index.json',
        '/.well-known/skills/pdf/assets/logo.png',
      ]) {
        const [full, head] = [await get(url), await get(url, {}, 'HEAD')];
        expect(head.status, url).toBe(200);
        expect(head.raw.length, url).toBe(0);
        expect(head.headers['content-length'], url).toBe(String(full.raw.length));
        expect(head.headers['content-type'], url).toBe(full.headers['content-type']);
      }
    });

    it('lets any origin read every answer, errors included (Access-Control-Allow-Origin: *)', async () => {
      for (const url of [
        '/.well-known/agent-skills/index.json',
        '/.well-known/agent-skills/pdf.zip',
        '/.well-known/skills/index.json',
        '/.well-known/skills/pdf/SKILL.md',
        '/api/search?q=pdf',
        '/registries/data/.well-known/agent-skills/index.json',
        '/.well-known/agent-skills/nothing.zip',
      ]) {
        const res = await get(url, { origin: 'https://elsewhere.example' });
        expect(res.headers['access-control-allow-origin'], url).toBe('*');
        expect(res.headers['cross-origin-resource-policy'], url).toBe('cross-origin');
      }
    });

    it('answers 304 to If-None-Match until a skill changes, and reads the catalog once per change', async () => {
      for (const url of ['/.well-known/agent-skills/index.json', '/.well-known/skills/index.json']) {
        const first = await get(url);
        const etag = first.headers.etag as string;
        expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
        const again = await get(url, { 'if-none-match': etag });
        expect(again.status).toBe(304);
        expect(again.raw.length).toBe(0);
        expect((await get(url, { 'if-none-match': `W/${etag}, "other"` })).status).toBe(304);
      }
      for (let i = 0; i < 5; i++) await get('/.well-known/agent-skills/index.json');
      expect(counts).toEqual({ listings: 1, folderReads: 2 });

      const etag = (await get('/.well-known/agent-skills/index.json')).headers.etag as string;
      await client(app).post(
        '/api/v1/items',
        { namespace: 'alice', files: [textFile('SKILL.md', skillMd('csv', 'Read CSV files.'))] },
        tokens.alice,
      );
      const changed = await get('/.well-known/agent-skills/index.json', { 'if-none-match': etag });
      expect(changed.status).toBe(200);
      expect(changed.body.skills.map((s: { name: string }) => s.name)).toEqual(['csv', 'notes', 'pdf']);
      // One more listing, and only the new skill's folder read: the others' digests are remembered by tree.
      expect(counts).toEqual({ listings: 2, folderReads: 3 });

      const archive = await get('/.well-known/agent-skills/pdf.zip');
      expect(
        (await get('/.well-known/agent-skills/pdf.zip', { 'if-none-match': archive.headers.etag as string })).status,
      ).toBe(304);
    });

    it('packs each folder tree once for good: a restarted server builds its index without reading git', async () => {
      const before = await get('/.well-known/agent-skills/index.json');
      expect(counts.folderReads).toBe(2);
      const restarted = await buildApp(deps);
      try {
        const again = await restarted.inject({
          url: '/.well-known/agent-skills/index.json',
          headers: { host: 'atlas.test' },
        });
        expect(again.json()).toEqual(before.body);
        expect(again.headers.etag).toBe(before.headers.etag);
        const wellKnown = await restarted.inject({
          url: '/.well-known/skills/index.json',
          headers: { host: 'atlas.test' },
        });
        expect(wellKnown.json().skills.map((s: { name: string }) => s.name)).toEqual(['notes', 'pdf']);
        expect(counts.folderReads).toBe(2);
      } finally {
        await restarted.close();
      }
    });

    it('sends the indexes gzipped to clients that take gzip, each encoding with its own ETag', async () => {
      for (const url of ['/.well-known/agent-skills/index.json', '/.well-known/skills/index.json']) {
        const plain = await get(url);
        const zipped = await app.inject({ url, headers: { host: 'atlas.test', 'accept-encoding': 'br, gzip;q=0.8' } });
        expect(zipped.statusCode).toBe(200);
        expect(zipped.headers['content-encoding']).toBe('gzip');
        expect(zipped.headers.vary).toMatch(/accept-encoding/i);
        expect(JSON.parse(gunzipSync(zipped.rawPayload).toString('utf8'))).toEqual(plain.body);
        expect(zipped.headers.etag).not.toBe(plain.headers.etag);
        const etag = zipped.headers.etag as string;
        expect((await get(url, { 'accept-encoding': 'gzip', 'if-none-match': etag })).status).toBe(304);
        // A client that refuses gzip gets the plain document, whatever it revalidates with.
        const refused = await get(url, { 'accept-encoding': 'gzip;q=0, identity', 'if-none-match': etag });
        expect(refused.status).toBe(200);
        expect(refused.headers['content-encoding']).toBeUndefined();
        expect(refused.body).toEqual(plain.body);
        // The plain document is streamed, decompressed as it is read, with its length known beforehand.
        expect(refused.headers['content-length']).toBe(String(refused.raw.length));
      }
    });

    it('serves the earlier index and every file it lists, byte for byte', async () => {
      const res = await get('/.well-known/skills/index.json');
      expect(res.status).toBe(200);
      expect(Value.Errors(WellKnownSkillsIndexSchema, res.body).map((e) => e.message)).toEqual([]);
      expect(res.body).toEqual({
        skills: [
          { name: 'notes', description: 'Take notes.', files: ['SKILL.md'] },
          {
            name: 'pdf',
            description: 'Extract text and tables from PDF files.',
            files: ['SKILL.md', 'assets/logo.png', 'scripts/extract.py'],
          },
        ],
      });
      const logo = await get('/.well-known/skills/pdf/assets/logo.png');
      expect(logo.status).toBe(200);
      expect(logo.headers['content-type']).toBe('image/png');
      expect(logo.raw.equals(Buffer.from(LOGO))).toBe(true);
      expect((await get('/.well-known/skills/pdf/scripts/extract.py')).raw.toString()).toBe(SCRIPT);
      expect((await get('/.well-known/skills/pdf/SKILL.md')).raw.toString()).toBe(PDF_MD);
    });

    it('answers 404 for what no index lists: unknown skills and files, escaping paths, hidden skills', async () => {
      for (const url of [
        '/.well-known/agent-skills/nothing.zip',
        '/.well-known/agent-skills/pdf.tar.gz',
        '/.well-known/agent-skills/nothing/SKILL.md',
        '/.well-known/skills/pdf/missing.txt',
        '/.well-known/skills/pdf/..%2F..%2Fnotes%2FSKILL.md',
        '/.well-known/skills/pdf/scripts',
        '/.well-known/skills/diary/SKILL.md',
        '/.well-known/agent-skills/diary.zip',
        '/.well-known/agent-skills/secrets/SKILL.md',
        '/registries/data/.well-known/skills/secrets/SKILL.md',
        '/registries/nobody/.well-known/agent-skills/index.json',
        '/registries/nobody/api/search?q=pdf',
      ]) {
        const res = await get(url);
        expect(res.status, url).toBe(404);
        expect(res.headers['content-type'], url).toMatch(/^application\/problem\+json/);
      }
    });

    it('documents every discovery route in the OpenAPI document, at the root and under /registries/{team}', async () => {
      const res = await get('/openapi.json');
      expect(res.status).toBe(200);
      const paths = Object.keys(res.body.paths);
      for (const path of [
        '/.well-known/agent-skills/index.json',
        '/.well-known/skills/index.json',
        '/api/search',
        '/registries/{team}/.well-known/agent-skills/index.json',
        '/registries/{team}/api/search',
      ]) {
        expect(paths, path).toContain(path);
      }
    });

    it('never lists team-only or private skills, in any index or search', async () => {
      const everything = [
        (await get('/.well-known/agent-skills/index.json')).raw.toString(),
        (await get('/.well-known/skills/index.json')).raw.toString(),
        (await get('/registries/data/.well-known/agent-skills/index.json')).raw.toString(),
        (await get('/registries/data/.well-known/skills/index.json')).raw.toString(),
        (await get('/api/search?q=pdf')).raw.toString(),
        (await get('/api/search?q=diary')).raw.toString(),
        (await get('/registries/data/api/search?q=secret')).raw.toString(),
        (await get('/api/search')).raw.toString(),
      ].join('\n');
      expect(everything).not.toMatch(/diary|secrets/);
      // Signed in, alice sees her diary in the catalog; discovery still lists only what anonymous readers see.
      const signedIn = await app.inject({
        url: '/.well-known/skills/index.json',
        headers: { authorization: `Bearer ${tokens.alice}` },
      });
      expect(signedIn.body).not.toContain('diary');
    });

    it("lists a team's skills in its registry, where the team's own pdf holds the name", async () => {
      const index = '/registries/data/.well-known/agent-skills/index.json';
      const res = await get(index);
      expect(res.status).toBe(200);
      expect(res.body.skills.map((s: { name: string; type: string }) => `${s.name}:${s.type}`)).toEqual([
        'pdf:skill-md',
      ]);
      const [entry] = res.body.skills;
      const artifact = await get(resolve(index, entry.url));
      expect(resolve(index, entry.url)).toBe('/registries/data/.well-known/agent-skills/pdf/SKILL.md');
      expect(sha256(artifact.raw)).toBe(entry.digest);
      expect(artifact.raw.toString()).toContain('The data team reads PDFs.');
      const legacy = await get('/registries/data/.well-known/skills/index.json');
      expect(legacy.body.skills.map((s: { name: string }) => s.name)).toEqual(['pdf']);
      expect((await get('/registries/data/.well-known/skills/pdf/SKILL.md')).raw.toString()).toContain('data team');
    });

    it('searches as skills find expects, each hit with the source that lists it under its name', async () => {
      const res = await get('/api/search?q=pdf&limit=10');
      expect(res.status).toBe(200);
      expect(Value.Errors(SkillSearchAnswerSchema, res.body).map((e) => e.message)).toEqual([]);
      const hits = [...res.body.skills].sort((a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id));
      expect(hits).toEqual([
        { id: 'alice/pdf', name: 'pdf', installs: 0, source: ORIGIN },
        { id: 'data/pdf', name: 'pdf', installs: 0, source: `${ORIGIN}/registries/data` },
      ]);
      const team = await get('/registries/data/api/search?q=pdf');
      expect(team.body.skills).toEqual([
        { id: 'data/pdf', name: 'pdf', installs: 0, source: `${ORIGIN}/registries/data` },
      ]);
      expect((await get('/api/search?q=pdf&owner=alice')).body.skills.map((s: { id: string }) => s.id)).toEqual([
        'alice/pdf',
      ]);
      expect((await get('/api/search?q=pdf&limit=1')).body.skills).toHaveLength(1);
      expect((await get('/api/search?q=pdf&limit=0')).status).toBe(400);
      // What the client adds of its own is ignored.
      expect((await get('/api/search?q=notes&limit=10&extra=1')).body.skills.map((s: { id: string }) => s.id)).toEqual([
        'alice/notes',
      ]);
    });

    it('drops a deleted skill and hands its name on', async () => {
      const api = client(app);
      const current = await api.get('/api/v1/items/skill/alice/pdf', tokens.alice);
      const deleted = await app.inject({
        method: 'DELETE',
        url: '/api/v1/items/skill/alice/pdf',
        headers: { authorization: `Bearer ${tokens.alice}`, 'if-match': current.headers.etag as string },
      });
      expect(deleted.statusCode).toBe(204);
      const res = await get('/.well-known/agent-skills/index.json');
      expect(res.body.skills.map((s: { name: string; type: string }) => `${s.name}:${s.type}`)).toEqual([
        'notes:skill-md',
        'pdf:skill-md',
      ]);
      const search = await get('/api/search?q=pdf');
      expect(search.body.skills).toEqual([{ id: 'data/pdf', name: 'pdf', installs: 0, source: ORIGIN }]);
    });
  });

  describe('with public read off', () => {
    beforeEach(async () => {
      await build(false);
    });

    it('answers 404 everywhere: discovery lists what anonymous readers see, and they see nothing', async () => {
      for (const url of [
        '/.well-known/agent-skills/index.json',
        '/.well-known/agent-skills/pdf.zip',
        '/.well-known/agent-skills/notes/SKILL.md',
        '/.well-known/skills/index.json',
        '/.well-known/skills/pdf/SKILL.md',
        '/api/search?q=pdf',
        '/registries/data/.well-known/agent-skills/index.json',
        '/registries/data/api/search?q=pdf',
      ]) {
        const res = await get(url);
        expect(res.status, url).toBe(404);
        expect(res.raw.toString(), url).not.toMatch(/Extract text|data team/);
      }
      const signedIn = await app.inject({
        url: '/.well-known/skills/index.json',
        headers: { host: 'atlas.test', authorization: `Bearer ${tokens.alice}` },
      });
      expect(signedIn.statusCode).toBe(404);
    });
  });
});
