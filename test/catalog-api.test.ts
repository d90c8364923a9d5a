/**
 * The catalog API over HTTP on every database: publishing (JSON and zip), reading files, archives and
 * versions, updates with If-Match, patches, deletion and restore, installs and search; then bad input on
 * every route that writes, each refused with a problem document and nothing changed in git or the database.
 */

import type { InjectOptions } from 'fastify';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AtlasDeps } from '../src/application/deps.ts';
import { assembleDeps } from '../src/composition-root.ts';
import { MCP_CLIENTS } from '../src/domain/catalog/install-clients.ts';
import { toItemRef } from '../src/domain/catalog/item-ref.ts';
import type { Clock } from '../src/domain/clock.ts';
import type { ContentLimits } from '../src/domain/content/content-limits.ts';
import { DEFAULT_CONTENT_LIMITS } from '../src/domain/content/content-limits.ts';
import type { ItemFile } from '../src/domain/content/content-store.ts';
import { readManifestFixture } from '../src/domain/manifests/testing/manifest-fixtures.ts';
import { type AtlasApp, buildApp } from '../src/entrypoints/http/app.ts';
import { forgeZip } from '../src/lib/zip/testing/forge-zip.ts';
import { readZipBundle } from '../src/lib/zip/zip-reader.ts';
import { writeZipBundle } from '../src/lib/zip/zip-writer.ts';
import { CHEAP_ARGON2 } from '../src/testing/in-memory-deps.ts';
import { binaryFile, catalogState, flakyDatabase, gitTreeSha, skillMd, textFile } from './support/catalog-helpers.ts';
import { describeEachDatabase } from './support/each-database.ts';
import { client, register } from './support/http.ts';
import { SwappableContentStore } from './support/swappable-content-store.ts';

/** Every call a second later than the last, so `updated` ordering never depends on the machine's speed. */
class SteppingClock implements Clock {
  #at = Date.UTC(2030, 0, 1);
  now() {
    this.#at += 1000;
    return new Date(this.#at);
  }
}

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);
/** A PNG header, NUL bytes and bytes that are not UTF-8: a file only base64 carries intact. */
const LOGO = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xfe, 0x00, 0x7f,
]);
const SCRIPT = '#!/usr/bin/env python3\nprint("extract")\n';
const PDF_SKILL = skillMd('pdf-tools', 'Extract text and tables from PDF files.', 'metadata:\n  version: "1.0.0"\n');
const PDF_SKILL_110 = skillMd(
  'pdf-tools',
  'Extract text and tables from PDF files.',
  'metadata:\n  version: "1.1.0"\n',
);

/** The pdf-tools skill with a binary asset and an executable script, as item files. */
const pdfFiles = (skill = PDF_SKILL, script = SCRIPT): ItemFile[] => [
  { path: 'SKILL.md', content: bytes(skill), executable: false },
  { path: 'assets/logo.png', content: LOGO, executable: false },
  { path: 'scripts/extract.py', content: bytes(script), executable: true },
];
/** The same files as the JSON publish API carries them. */
const pdfJson = (skill = PDF_SKILL, script = SCRIPT) => [
  textFile('SKILL.md', skill),
  binaryFile('assets/logo.png', LOGO),
  textFile('scripts/extract.py', script, true),
];

const fixtureText = (name: Parameters<typeof readManifestFixture>[0]) =>
  new TextDecoder().decode(readManifestFixture(name));
const fixtureJson = (name: Parameters<typeof readManifestFixture>[0]) =>
  JSON.parse(fixtureText(name)) as Record<string, unknown>;

/** A server.json with a secret environment variable whose default must never reach an install. */
const SECRET_DEFAULT = 'sk-live-default-never-shown';
const vaultServer = (overrides: Record<string, unknown> = {}) => ({
  name: 'io.github.acme/vault',
  description: 'Reads secrets from the vault.',
  version: '1.0.0',
  packages: [
    {
      registryType: 'npm',
      identifier: '@acme/vault-mcp',
      version: '1.0.0',
      transport: { type: 'stdio' },
      environmentVariables: [
        {
          name: 'VAULT_TOKEN',
          description: 'A vault token',
          isRequired: true,
          isSecret: true,
          default: SECRET_DEFAULT,
        },
        { name: 'VAULT_ADDR', description: 'The vault address', default: 'https://vault.example.com' },
      ],
    },
  ],
  ...overrides,
});

type TokenName = 'admin' | 'alice' | 'bob';
type Tokens = Record<TokenName, string>;

interface Sent {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies freely.
  body: any;
  raw: Buffer;
}

/** A request with any headers and payload; the body is parsed as JSON when it is JSON. */
async function send(app: AtlasApp, options: InjectOptions & { token?: string }): Promise<Sent> {
  const { token, ...rest } = options;
  const response = await app.inject({
    ...rest,
    headers: { ...(rest.headers ?? {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  let body: unknown;
  try {
    body = response.json();
  } catch {
    body = undefined;
  }
  return { status: response.statusCode, headers: response.headers, body, raw: response.rawPayload };
}

const zipRequest = (
  url: string,
  zip: Uint8Array,
  token: string,
  type = 'application/zip',
): InjectOptions & { token?: string } => ({
  method: 'POST',
  url,
  token,
  headers: { 'content-type': type },
  payload: Buffer.from(zip),
});

const paths = (problems: { path: string }[] | undefined) => [...new Set((problems ?? []).map((p) => p.path))].sort();
const refs = (body: { items: { ref: string }[] }) => body.items.map((item) => item.ref);

function expectProblem(
  res: Pick<Sent, 'status' | 'headers' | 'body'>,
  status: number,
  code: string,
  problemPaths?: string[],
) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code, type: `urn:atlas:problem:${code}` });
  expect(res.body.detail).toEqual(expect.any(String));
  if (problemPaths) {
    expect(paths(res.body.problems)).toEqual([...problemPaths].sort());
    for (const problem of res.body.problems) expect(problem.message.length).toBeGreaterThan(0);
  }
}

describeEachDatabase('catalog over HTTP', (open) => {
  let deps: AtlasDeps;
  let app: AtlasApp;
  let api: ReturnType<typeof client>;
  let tokens: Tokens;
  let failNextTransaction: () => void;
  const content = new SwappableContentStore();
  const clock = new SteppingClock();

  beforeAll(async () => {
    const flaky = flakyDatabase(await open());
    failNextTransaction = flaky.failNextTransaction;
    deps = assembleDeps(
      flaky.db,
      content,
      { authz: 'rbac', publicRead: false, registration: 'open' },
      { clock, argon2: CHEAP_ARGON2 },
    );
    app = await buildApp(deps, { rateLimits: { perAddress: 100_000, perAccount: 100_000 } });
    await app.ready();
    api = client(app);
    return () => app.close();
  });

  // ada registers first and is the site admin; alice owns team platform; bob belongs to no team.
  beforeEach(async () => {
    await open();
    content.reset();
    tokens = {
      admin: await register(app, 'ada'),
      alice: await register(app, 'alice'),
      bob: await register(app, 'bob'),
    };
    const team = await api.post('/api/v1/teams', { slug: 'platform', name: 'Platform' }, tokens.alice);
    expect(team.status).toBe(201);
  });

  const publish = (body: Record<string, unknown>, token: string = tokens.alice) =>
    api.post('/api/v1/items', body, token);
  const publishPdf = async (namespace = 'alice') => {
    const res = await publish({ namespace, files: pdfJson(), tags: ['pdf'] });
    expect(res.status, res.raw).toBe(201);
    return res.body as { commitSha: string; treeSha: string; item: { ref: string } };
  };
  const put = (url: string, files: unknown[], ifMatch: string | undefined, token: string = tokens.alice) =>
    send(app, {
      method: 'PUT',
      url,
      token,
      headers: ifMatch === undefined ? {} : { 'if-match': ifMatch },
      payload: { files } as object,
    });
  const history = async (folder: string) => (await content.history(folder, { limit: 100 })).entries;

  describe('publishing and reading', () => {
    it('publishes JSON files with a binary asset and an executable script: 201, ETag the tree SHA, Location the item', async () => {
      const res = await publish({ namespace: 'alice', files: pdfJson(), tags: ['pdf'] });
      expect(res.status, res.raw).toBe(201);
      const treeSha = gitTreeSha(pdfFiles());
      expect(res.body).toMatchObject({ treeSha, unchanged: false, warnings: [] });
      expect(res.body.commitSha).toMatch(/^[0-9a-f]{40}$/);
      expect(res.headers.etag).toBe(`"${treeSha}"`);
      expect(res.headers.location).toBe('/api/v1/items/skill/alice/pdf-tools');
      expect(res.body.item).toMatchObject({
        ref: 'skill/alice/pdf-tools',
        kind: 'skill',
        namespace: 'alice',
        name: 'pdf-tools',
        description: 'Extract text and tables from PDF files.',
        version: '1.0.0',
        tags: ['pdf'],
        visibility: 'org',
        status: 'active',
        treeSha,
        commitSha: res.body.commitSha,
        usageCount: 0,
      });
      expect(res.body.commitSha).toBe(await content.head());
      expect((await content.listItemFiles('skills/alice/pdf-tools'))?.treeSha).toBe(treeSha);

      const got = await api.get('/api/v1/items/skill/alice/pdf-tools', tokens.bob);
      expect(got.status).toBe(200);
      expect(got.headers.etag).toBe(`"${treeSha}"`);
      expect(got.body).toMatchObject({ owner: 'alice', team: null, item: { treeSha, commitSha: res.body.commitSha } });
      expect(got.body.manifest).toMatchObject({ name: 'pdf-tools', metadata: { version: '1.0.0' } });
      expect(got.body.files.map((f: { path: string; executable: boolean }) => [f.path, f.executable])).toEqual([
        ['SKILL.md', false],
        ['assets/logo.png', false],
        ['scripts/extract.py', true],
      ]);
      for (const file of got.body.files) expect(file.blobSha).toMatch(/^[0-9a-f]{40}$/);
      const notModified = await send(app, {
        method: 'GET',
        url: '/api/v1/items/skill/alice/pdf-tools',
        token: tokens.bob,
        headers: { 'if-none-match': `"${treeSha}"` },
      });
      expect(notModified.status).toBe(304);
    });

    it('serves each raw file with identical bytes, as text, an image or a download, never as something that runs', async () => {
      await publish({
        namespace: 'alice',
        files: [
          ...pdfJson(),
          binaryFile('assets/blob.bin', new Uint8Array([0, 1, 2, 0, 255])),
          textFile('assets/diagram.svg', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
          textFile('assets/steal.js', 'fetch("/api/v1/tokens").then((r) => r.text()).then(alert);'),
          textFile('assets/page.html', '<script src="steal.js"></script>'),
        ],
      });
      const file = (path: string) =>
        send(app, { method: 'GET', url: `/api/v1/items/skill/alice/pdf-tools/files/${path}`, token: tokens.bob });
      const logo = await file('assets/logo.png');
      expect(logo.status).toBe(200);
      expect(logo.headers['content-type']).toBe('image/png');
      expect(logo.headers['content-disposition']).toBeUndefined();
      expect(new Uint8Array(logo.raw)).toEqual(LOGO);
      const script = await file('scripts/extract.py');
      expect(script.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(script.raw.toString('utf8')).toBe(SCRIPT);
      const skill = await file('SKILL.md');
      expect(skill.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(skill.raw.toString('utf8')).toBe(PDF_SKILL);
      // Script is text, never a script of Atlas's origin; every file answer is sandboxed and unsniffed.
      const js = await file('assets/steal.js');
      expect(js.headers['content-type']).toBe('text/plain; charset=utf-8');
      for (const answer of [logo, script, skill, js]) {
        expect(answer.headers['x-content-type-options']).toBe('nosniff');
        expect(answer.headers['content-security-policy']).toBe("sandbox; default-src 'none'");
      }
      const html = await file('assets/page.html');
      expect(html.headers['content-type']).toBe('application/octet-stream');
      expect(html.headers['content-disposition']).toBe('attachment; filename="page.html"');
      const blob = await file('assets/blob.bin');
      expect(blob.headers['content-type']).toBe('application/octet-stream');
      expect(blob.headers['content-disposition']).toBe('attachment; filename="blob.bin"');
      expect(new Uint8Array(blob.raw)).toEqual(new Uint8Array([0, 1, 2, 0, 255]));
      // A file a browser would run is a download, never a page on Atlas's origin.
      const svg = await file('assets/diagram.svg');
      expect(svg.headers['content-type']).toBe('application/octet-stream');
      expect(svg.headers['content-disposition']).toBe('attachment; filename="diagram.svg"');
      expect(svg.headers['content-security-policy']).toBe("sandbox; default-src 'none'");
      expectProblem(await file('assets/missing.png'), 404, 'not_found');
      // A path that climbs out of the item never reaches a neighbour's files.
      await publish({ namespace: 'alice', files: [textFile('SKILL.md', skillMd('neighbour', 'Private notes.'))] });
      for (const path of [
        '..%2Fneighbour%2FSKILL.md',
        '%2E%2E/neighbour/SKILL.md',
        'scripts/..%2F..%2Fneighbour%2FSKILL.md',
      ]) {
        const escaped = await file(path);
        expect([400, 404]).toContain(escaped.status);
        expect(escaped.raw.toString()).not.toContain('Private notes');
      }
    });

    it('serves the bytes of an older version with ?at=<commit> after an update', async () => {
      const first = await publishPdf();
      const updated = await put(
        '/api/v1/items/skill/alice/pdf-tools',
        pdfJson(PDF_SKILL_110, 'print("v2")\n'),
        `"${first.treeSha}"`,
      );
      expect(updated.status, updated.raw.toString()).toBe(200);
      const url = '/api/v1/items/skill/alice/pdf-tools/files/scripts/extract.py';
      const now = await send(app, { method: 'GET', url, token: tokens.bob });
      expect(now.raw.toString('utf8')).toBe('print("v2")\n');
      const then = await send(app, { method: 'GET', url: `${url}?at=${first.commitSha}`, token: tokens.bob });
      expect(then.status).toBe(200);
      expect(then.raw.toString('utf8')).toBe(SCRIPT);
      const logo = await send(app, {
        method: 'GET',
        url: `/api/v1/items/skill/alice/pdf-tools/files/assets/logo.png?at=${first.commitSha}`,
        token: tokens.bob,
      });
      expect(new Uint8Array(logo.raw)).toEqual(LOGO);
      expectProblem(
        await send(app, { method: 'GET', url: `${url}?at=${'0'.repeat(40)}`, token: tokens.bob }),
        404,
        'not_found',
      );
      expectProblem(await send(app, { method: 'GET', url: `${url}?at=HEAD`, token: tokens.bob }), 400, 'validation');
    });

    for (const type of ['application/zip', 'application/x-zip-compressed', 'application/octet-stream']) {
      it(`publishes a zip sent as ${type} to the same tree SHA as the JSON form, in the .skill shape or flat`, async () => {
        const json = await publishPdf('alice');
        const skillShape = writeZipBundle('pdf-tools', pdfFiles());
        const zipped = await send(app, zipRequest('/api/v1/items?namespace=platform', skillShape, tokens.alice, type));
        expect(zipped.status, zipped.raw.toString()).toBe(201);
        expect(zipped.body.item.ref).toBe('skill/platform/pdf-tools');
        expect(zipped.body.treeSha).toBe(json.treeSha);
        expect(zipped.headers.etag).toBe(`"${json.treeSha}"`);
        expect(zipped.headers.location).toBe('/api/v1/items/skill/platform/pdf-tools');

        const flat = forgeZip([
          { name: 'SKILL.md', content: bytes(PDF_SKILL) },
          { name: 'assets/logo.png', content: LOGO, method: 0 },
          { name: 'scripts/extract.py', content: bytes(SCRIPT), mode: 0o100755 },
        ]);
        const flatRes = await send(app, zipRequest('/api/v1/items?namespace=ada', flat, tokens.admin, type));
        expect(flatRes.status, flatRes.raw.toString()).toBe(201);
        expect(flatRes.body.treeSha).toBe(json.treeSha);
        const listed = await api.get('/api/v1/items/skill/ada/pdf-tools', tokens.alice);
        expect(listed.body.files.find((f: { path: string }) => f.path === 'scripts/extract.py').executable).toBe(true);
      });
    }

    it('gives an MCP item the name of its reverse-DNS server name, or the one asked for', async () => {
      const github = await publish({
        namespace: 'alice',
        files: [textFile('server.json', fixtureText('githubServer')), textFile('README.md', '# GitHub\n')],
      });
      expect(github.status, github.raw).toBe(201);
      expect(github.body.item).toMatchObject({
        ref: 'mcp/alice/github',
        kind: 'mcp',
        title: 'GitHub',
        version: '0.9.1',
        description: 'Read and manage GitHub repositories, issues and pull requests.',
      });
      expect(github.headers.location).toBe('/api/v1/items/mcp/alice/github');
      expect(await content.listItemFiles('mcp/alice/github')).toBeDefined();

      const forecast = await publish({
        namespace: 'alice',
        files: [textFile('server.json', fixtureText('weatherServer'))],
      });
      expect(forecast.body.item.ref).toBe('mcp/alice/forecast');
      // Another server (a server name belongs to one item), published under the catalog name asked for.
      const otherWeather = { ...fixtureJson('weatherServer'), name: 'com.example.weather/forecast-eu' };
      const named = await publish({
        namespace: 'platform',
        name: 'weather',
        files: [textFile('server.json', JSON.stringify(otherWeather))],
      });
      expect(named.status).toBe(201);
      expect(named.body.item.ref).toBe('mcp/platform/weather');
      const odd = await publish({
        namespace: 'alice',
        files: [textFile('server.json', JSON.stringify(vaultServer({ name: 'io.github.acme/GitHub_MCP' })))],
      });
      expect(odd.body.item.ref).toBe('mcp/alice/github-mcp');
    });

    it('makes a tool.json a tool item, its LLM-style name get_weather becoming get-weather', async () => {
      const tool = { ...fixtureJson('httpTool'), name: 'get_weather' };
      const res = await publish({ namespace: 'alice', files: [textFile('tool.json', JSON.stringify(tool, null, 2))] });
      expect(res.status, res.raw).toBe(201);
      expect(res.body.item).toMatchObject({ ref: 'tool/alice/get-weather', kind: 'tool', version: '1.1.0' });
      expect(await content.listItemFiles('tools/alice/get-weather')).toBeDefined();
      const got = await api.get('/api/v1/items/tool/alice/get-weather', tokens.bob);
      expect(got.body.manifest).toEqual(tool);
    });

    it('answers identical content with 200 unchanged and the same commit, and other content with 409 naming PUT and If-Match', async () => {
      const first = await publishPdf();
      const head = await content.head();
      const again = await publish({ namespace: 'alice', files: pdfJson() });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ unchanged: true, commitSha: first.commitSha, treeSha: first.treeSha });
      expect(again.headers.etag).toBe(`"${first.treeSha}"`);
      expect(await content.head()).toBe(head);

      const before = await catalogState(deps);
      const other = await publish({ namespace: 'alice', files: pdfJson(PDF_SKILL, 'print("other")\n') });
      expectProblem(other, 409, 'conflict');
      expect(other.body.detail).toContain('PUT');
      expect(other.body.detail).toContain(`If-Match: "${first.treeSha}"`);
      expect(other.body.currentTreeSha).toBe(first.treeSha);
      expect(await catalogState(deps)).toEqual(before);
      expect(await history('skills/alice/pdf-tools')).toHaveLength(1);
    });

    it('publishes a SKILL.md with a top-level version and Claude Code keys, listing every warning', async () => {
      const res = await publish({
        namespace: 'platform',
        files: [textFile('SKILL.md', fixtureText('claudeCodeSkill'))],
      });
      expect(res.status, res.raw).toBe(201);
      expect(res.body.item).toMatchObject({ ref: 'skill/platform/release-notes', version: '2.10' });
      expect(paths(res.body.warnings)).toEqual([
        'SKILL.md#/allowed-tools',
        'SKILL.md#/argument-hint',
        'SKILL.md#/disable-model-invocation',
        'SKILL.md#/metadata/reviewed',
        'SKILL.md#/version',
        'SKILL.md#/when_to_use',
      ]);
      expect(res.body.warnings.find((w: { path: string }) => w.path === 'SKILL.md#/version').message).toContain(
        'metadata.version',
      );
      const got = await api.get('/api/v1/items/skill/platform/release-notes', tokens.bob);
      expect(got.body.manifest).toMatchObject({ when_to_use: expect.any(String), 'argument-hint': '[since-tag]' });

      const small = await publish({
        namespace: 'alice',
        files: [textFile('SKILL.md', skillMd('versioned', 'A skill.', 'version: 1.0.0\nmodel: sonnet\n'))],
      });
      expect(small.status).toBe(201);
      expect(paths(small.body.warnings)).toEqual(['SKILL.md#/model', 'SKILL.md#/version']);
    });
  });

  describe('updating with PUT', () => {
    const url = '/api/v1/items/skill/alice/pdf-tools';
    const v110 = PDF_SKILL_110;

    it('needs If-Match: 428 without it, 412 with a stale tag, 200 and a new tree SHA with the right one', async () => {
      const first = await publishPdf();
      const before = await catalogState(deps);
      const missing = await put(url, pdfJson(v110), undefined);
      expectProblem(missing, 428, 'precondition_required');
      expect(missing.body.detail).toContain(first.treeSha);
      expectProblem(await put(url, pdfJson(v110), `"${'0'.repeat(40)}"`), 412, 'stale_revision');
      expect(await catalogState(deps)).toEqual(before);

      const ok = await put(url, pdfJson(v110), `"${first.treeSha}"`);
      expect(ok.status, ok.raw.toString()).toBe(200);
      const treeSha = gitTreeSha(pdfFiles(v110));
      expect(ok.body).toMatchObject({ unchanged: false, treeSha, item: { treeSha, version: '1.1.0' } });
      expect(ok.body.commitSha).not.toBe(first.commitSha);
      expect(ok.headers.etag).toBe(`"${treeSha}"`);
      expect((await api.get(url, tokens.bob)).body.item).toMatchObject({ treeSha, commitSha: ok.body.commitSha });
      // The first tag is stale now.
      expectProblem(await put(url, pdfJson(), `"${first.treeSha}"`), 412, 'stale_revision');
    });

    it('lists both versions newest first with their manifest versions', async () => {
      const first = await publishPdf();
      const second = await put(url, pdfJson(v110), first.treeSha);
      expect(second.status).toBe(200);
      const versions = await api.get(`${url}/versions`, tokens.bob);
      expect(versions.status).toBe(200);
      expect(versions.body.items).toHaveLength(2);
      expect(versions.body.items[0]).toMatchObject({
        commitSha: second.body.commitSha,
        treeSha: second.body.treeSha,
        version: '1.1.0',
        author: { name: 'alice', email: 'alice@example.com' },
      });
      expect(versions.body.items[1]).toMatchObject({
        commitSha: first.commitSha,
        treeSha: first.treeSha,
        version: '1.0.0',
      });
      expect(versions.body.nextCursor).toBeUndefined();
      const old = await api.get(`${url}/versions/${first.commitSha}`, tokens.bob);
      expect(old.body).toMatchObject({ commitSha: first.commitSha, treeSha: first.treeSha, version: '1.0.0' });
      const page = await api.get(`${url}/versions?limit=1`, tokens.bob);
      expect(page.body.items.map((v: { commitSha: string }) => v.commitSha)).toEqual([second.body.commitSha]);
      const rest = await api.get(`${url}/versions?limit=1&cursor=${page.body.nextCursor}`, tokens.bob);
      expect(rest.body.items.map((v: { commitSha: string }) => v.commitSha)).toEqual([first.commitSha]);
      expect(rest.body.nextCursor).toBeUndefined();
      expectProblem(await api.get(`${url}/versions?cursor=nonsense`, tokens.bob), 400, 'validation');
      expectProblem(await api.get(`${url}/versions/${'0'.repeat(40)}`, tokens.bob), 404, 'not_found');
    });

    it('refuses other content under an already published SKILL.md metadata.version with 409, and takes a new version', async () => {
      const first = await publishPdf();
      const before = await catalogState(deps);
      const reused = await put(url, pdfJson(PDF_SKILL, 'print("changed")\n'), `"${first.treeSha}"`);
      expectProblem(reused, 409, 'conflict');
      expect(reused.body.detail).toContain('1.0.0');
      expect(await catalogState(deps)).toEqual(before);
      const raised = await put(url, pdfJson(v110, 'print("changed")\n'), `"${first.treeSha}"`);
      expect(raised.status).toBe(200);
      expect(raised.body.item.version).toBe('1.1.0');
      // Going back to 1.0.0 with yet other content is still refused.
      const back = await put(url, pdfJson(PDF_SKILL, 'print("third")\n'), `"${raised.body.treeSha}"`);
      expectProblem(back, 409, 'conflict');
    });

    it('refuses other content under an already published server.json version with 409, and takes a new version', async () => {
      const server = fixtureJson('weatherServer');
      const first = await publish({ namespace: 'alice', files: [textFile('server.json', JSON.stringify(server))] });
      expect(first.status).toBe(201);
      const mcpUrl = '/api/v1/items/mcp/alice/forecast';
      const before = await catalogState(deps);
      const changed = { ...server, description: 'Forecasts, now with pollen counts.' };
      const reused = await put(mcpUrl, [textFile('server.json', JSON.stringify(changed))], `"${first.body.treeSha}"`);
      expectProblem(reused, 409, 'conflict');
      expect(reused.body.detail).toContain('2.3.0');
      expect(await catalogState(deps)).toEqual(before);
      const raised = await put(
        mcpUrl,
        [textFile('server.json', JSON.stringify({ ...changed, version: '2.4.0' }))],
        `"${first.body.treeSha}"`,
      );
      expect(raised.status, raised.raw.toString()).toBe(200);
      expect(raised.body.item).toMatchObject({ version: '2.4.0', description: 'Forecasts, now with pollen counts.' });
    });

    it('treats identical content as a no-op answering with the current commit', async () => {
      const first = await publishPdf();
      const before = await catalogState(deps);
      const same = await put(url, pdfJson(), `"${first.treeSha}"`);
      expect(same.status).toBe(200);
      expect(same.body).toMatchObject({ unchanged: true, commitSha: first.commitSha, treeSha: first.treeSha });
      expect(await catalogState(deps)).toEqual(before);
    });

    it('updates an item from a zip as well', async () => {
      const first = await publishPdf();
      const res = await send(app, {
        method: 'PUT',
        url,
        token: tokens.alice,
        headers: { 'content-type': 'application/zip', 'if-match': `"${first.treeSha}"` },
        payload: Buffer.from(writeZipBundle('pdf-tools', pdfFiles(v110))),
      });
      expect(res.status, res.raw.toString()).toBe(200);
      expect(res.body.treeSha).toBe(gitTreeSha(pdfFiles(v110)));
    });
  });

  describe('patching what the database owns', () => {
    const url = '/api/v1/items/skill/alice/pdf-tools';

    it('replaces tags and visibility without touching git', async () => {
      await publishPdf();
      const head = await content.head();
      const res = await api.patch(url, { tags: ['PDF', 'documents', 'pdf'] }, tokens.alice);
      expect(res.status, res.raw).toBe(200);
      expect(res.body.item.tags).toEqual(['pdf', 'documents']);
      expect(refs((await api.get('/api/v1/items?tag=documents', tokens.bob)).body)).toEqual(['skill/alice/pdf-tools']);
      expect(await content.head()).toBe(head);
      expect(
        (await deps.db.items.findByRef(toItemRef({ kind: 'skill', namespace: 'alice', name: 'pdf-tools' })))?.tags,
      ).toEqual(['pdf', 'documents']);
    });

    it('deprecates only with a status message, and keeps a deprecated item in search', async () => {
      await publishPdf();
      const before = await catalogState(deps);
      expectProblem(await api.patch(url, { status: 'deprecated' }, tokens.alice), 400, 'validation', ['statusMessage']);
      expectProblem(
        await api.patch(url, { status: 'deprecated', statusMessage: '   ' }, tokens.alice),
        400,
        'validation',
        ['statusMessage'],
      );
      expect(await catalogState(deps)).toEqual(before);
      const res = await api.patch(
        url,
        { status: 'deprecated', statusMessage: 'use skill/alice/pdf-kit' },
        tokens.alice,
      );
      expect(res.status).toBe(200);
      expect(res.body.item).toMatchObject({ status: 'deprecated', statusMessage: 'use skill/alice/pdf-kit' });
      expect(refs((await api.get('/api/v1/items?q=pdf', tokens.bob)).body)).toEqual(['skill/alice/pdf-tools']);
      const active = await api.patch(url, { status: 'active' }, tokens.alice);
      expect(active.body.item).toMatchObject({ status: 'active', statusMessage: null });
    });

    it('hides a team-visible item from non-members on every route, as if it did not exist', async () => {
      const published = await publishPdf('platform');
      const teamUrl = '/api/v1/items/skill/platform/pdf-tools';
      const res = await api.patch(teamUrl, { visibility: 'team' }, tokens.alice);
      expect(res.status).toBe(200);
      expect(res.body.item.visibility).toBe('team');
      const before = await catalogState(deps);
      for (const path of [
        '',
        '/files/SKILL.md',
        '/archive',
        '/versions',
        `/versions/${published.commitSha}`,
        `/files/SKILL.md?at=${published.commitSha}`,
      ]) {
        expectProblem(await api.get(`${teamUrl}${path}`, tokens.bob), 404, 'not_found');
        expect((await api.get(`${teamUrl}${path}`, tokens.alice)).status).toBe(200);
        expect((await api.get(`${teamUrl}${path}`, tokens.admin)).status).toBe(200);
      }
      expectProblem(await api.post(`${teamUrl}/installs`, { client: 'claude-code' }, tokens.bob), 404, 'not_found');
      expectProblem(await api.patch(teamUrl, { tags: ['x'] }, tokens.bob), 404, 'not_found');
      expectProblem(await api.delete(teamUrl, tokens.bob), 404, 'not_found');
      expectProblem(await put(teamUrl, pdfJson(), published.treeSha, tokens.bob), 404, 'not_found');
      expect(await catalogState(deps)).toEqual(before);
      expect(refs((await api.get('/api/v1/items?q=pdf', tokens.bob)).body)).toEqual([]);
      expect(refs((await api.get('/api/v1/items?q=pdf', tokens.alice)).body)).toEqual(['skill/platform/pdf-tools']);
    });

    it('deletes with status deleted: gone from search and GET, history still readable by owner and admin', async () => {
      const first = await publishPdf();
      const res = await api.patch(url, { status: 'deleted' }, tokens.alice);
      expect(res.status, res.raw).toBe(200);
      expect(res.body.item.status).toBe('deleted');
      expectProblem(await api.get(url, tokens.alice), 404, 'not_found');
      expect(refs((await api.get('/api/v1/items?q=pdf', tokens.alice)).body)).toEqual([]);
      expect(refs((await api.get('/api/v1/items?status=deleted', tokens.admin)).body)).toEqual([
        'skill/alice/pdf-tools',
      ]);
      expectProblem(await api.get('/api/v1/items?status=deleted', tokens.alice), 403, 'forbidden');
      expect(await content.listItemFiles('skills/alice/pdf-tools')).toBeUndefined();
      for (const token of [tokens.alice, tokens.admin]) {
        const versions = await api.get(`${url}/versions`, token);
        expect(versions.status).toBe(200);
        expect(versions.body.items.map((v: { treeSha: string | null }) => v.treeSha)).toEqual([null, first.treeSha]);
      }
      // Patching a deleted item is as for a missing one, except restoring it.
      expectProblem(await api.patch(url, { tags: ['x'] }, tokens.alice), 404, 'not_found');
    });

    it('restores a deleted item with status active: the same tree SHA and files as before deletion', async () => {
      const first = await publishPdf();
      expect((await api.patch(url, { status: 'deleted' }, tokens.alice)).status).toBe(200);
      const restored = await api.patch(url, { status: 'active' }, tokens.alice);
      expect(restored.status, restored.raw).toBe(200);
      expect(restored.body.item).toMatchObject({ status: 'active', treeSha: first.treeSha, tags: ['pdf'] });
      expect(restored.body.item.commitSha).not.toBe(first.commitSha);
      expect((await content.listItemFiles('skills/alice/pdf-tools'))?.treeSha).toBe(first.treeSha);
      const got = await api.get(url, tokens.bob);
      expect(got.status).toBe(200);
      expect(got.body.item.commitSha).toBe(await content.head());
      expect(got.body.files.find((f: { path: string }) => f.path === 'scripts/extract.py').executable).toBe(true);
      const logo = await send(app, { method: 'GET', url: `${url}/files/assets/logo.png`, token: tokens.bob });
      expect(new Uint8Array(logo.raw)).toEqual(LOGO);
      expect(refs((await api.get('/api/v1/items?q=pdf', tokens.bob)).body)).toEqual(['skill/alice/pdf-tools']);
      expect(await history('skills/alice/pdf-tools')).toHaveLength(3);
    });
  });

  describe('history readable only by those who could read it when it was written', () => {
    const diary = (description: string) => [textFile('SKILL.md', skillMd('diary', description))];
    /** Every route that reads an item at one commit, each answering 200 or 404. */
    const atCommit = (url: string, commit: string) => [
      `${url}/versions/${commit}`,
      `${url}/files/SKILL.md?at=${commit}`,
      `${url}/archive?at=${commit}`,
    ];
    const commitsListed = async (url: string, token: string) => {
      const res = await api.get(`${url}/versions`, token);
      expect(res.status, res.raw).toBe(200);
      return res.body.items.map((v: { commitSha: string }) => v.commitSha);
    };

    it('cuts the history of a deleted name published again: the earlier item is 404 to every reader', async () => {
      const url = '/api/v1/items/skill/alice/diary';
      const old = await publish({ namespace: 'alice', files: diary('Only alice reads this.'), visibility: 'team' });
      expect(old.status, old.raw).toBe(201);
      expect((await api.delete(url, tokens.alice)).status).toBe(204);
      const fresh = await publish({ namespace: 'alice', files: diary('For everyone.'), visibility: 'org' });
      expect(fresh.status, fresh.raw).toBe(201);

      for (const token of [tokens.bob, tokens.alice, tokens.admin]) {
        expect(await commitsListed(url, token)).toEqual([fresh.body.commitSha]);
        for (const path of atCommit(url, old.body.commitSha)) {
          expectProblem(await api.get(path, token), 404, 'not_found');
        }
        for (const path of atCommit(url, fresh.body.commitSha)) expect((await api.get(path, token)).status).toBe(200);
      }
      expect((await api.get(`${url}/versions?cursor=${old.body.commitSha}`, tokens.bob)).body.items).toEqual([]);
    });

    it('keeps versions written while an item was team-only from readers who gained it by a wider visibility', async () => {
      const url = '/api/v1/items/skill/platform/diary';
      const v1 = await publish({ namespace: 'platform', files: diary('Team only, first.'), visibility: 'team' });
      expect(v1.status, v1.raw).toBe(201);
      const v2 = await put(url, diary('Team only, second.'), `"${v1.body.treeSha}"`);
      expect(v2.status, v2.raw.toString()).toBe(200);
      expect((await api.patch(url, { visibility: 'org' }, tokens.alice)).status).toBe(200);
      const v3 = await put(url, diary('For everyone.'), `"${v2.body.treeSha}"`);
      expect(v3.status, v3.raw.toString()).toBe(200);

      expect(await commitsListed(url, tokens.bob)).toEqual([v3.body.commitSha]);
      expect(await commitsListed(url, tokens.alice)).toEqual([v3.body.commitSha, v2.body.commitSha, v1.body.commitSha]);
      for (const commit of [v1.body.commitSha, v2.body.commitSha]) {
        for (const path of atCommit(url, commit)) {
          expectProblem(await api.get(path, tokens.bob), 404, 'not_found');
          expect((await api.get(path, tokens.alice)).status).toBe(200);
          expect((await api.get(path, tokens.admin)).status).toBe(200);
        }
      }
      for (const path of atCommit(url, v3.body.commitSha)) expect((await api.get(path, tokens.bob)).status).toBe(200);
    });
  });

  describe('deleting', () => {
    const url = '/api/v1/items/skill/alice/pdf-tools';

    it('removes the item from search and from git while its history and old files stay readable', async () => {
      const first = await publishPdf();
      const other = await publish({ namespace: 'alice', files: [textFile('SKILL.md', skillMd('other-skill'))] });
      expect(other.status).toBe(201);
      const res = await api.delete(url, tokens.alice);
      expect(res.status).toBe(204);
      expect(res.raw).toBe('');
      expectProblem(await api.get(url, tokens.alice), 404, 'not_found');
      expect(refs((await api.get('/api/v1/items', tokens.alice)).body)).toEqual(['skill/alice/other-skill']);
      expect((await content.listItems()).map((i) => i.folder)).toEqual(['skills/alice/other-skill']);
      expect(await content.listItemFiles('skills/alice/pdf-tools')).toBeUndefined();
      const row = await deps.db.items.findByRef(toItemRef({ kind: 'skill', namespace: 'alice', name: 'pdf-tools' }));
      expect(row).toMatchObject({ status: 'deleted', commitSha: await content.head() });

      const versions = await api.get(`${url}/versions`, tokens.alice);
      expect(versions.status).toBe(200);
      expect(versions.body.items).toHaveLength(2);
      expect(versions.body.items[0]).toMatchObject({ treeSha: null, version: null });
      expect(versions.body.items[1]).toMatchObject({
        commitSha: first.commitSha,
        treeSha: first.treeSha,
        version: '1.0.0',
      });
      const old = await send(app, {
        method: 'GET',
        url: `${url}/files/SKILL.md?at=${first.commitSha}`,
        token: tokens.bob,
      });
      expect(old.status).toBe(200);
      expect(old.raw.toString('utf8')).toBe(PDF_SKILL);
      const archive = await send(app, {
        method: 'GET',
        url: `${url}/archive?at=${first.commitSha}`,
        token: tokens.bob,
      });
      expect(archive.status).toBe(200);
      expect(readZipBundle(new Uint8Array(archive.raw), DEFAULT_CONTENT_LIMITS).files).toEqual(pdfFiles());
      expectProblem(await api.get(`${url}/files/SKILL.md`, tokens.bob), 404, 'not_found');
      expectProblem(await api.delete(url, tokens.alice), 404, 'not_found');
    });

    it('deletes with the current tag as If-Match, and publishing the same content again revives the item', async () => {
      const first = await publishPdf();
      const deleted = await send(app, {
        method: 'DELETE',
        url,
        token: tokens.alice,
        headers: { 'if-match': `"${first.treeSha}"` },
      });
      expect(deleted.status).toBe(204);
      const again = await publish({ namespace: 'alice', files: pdfJson() });
      expect(again.status, again.raw).toBe(201);
      expect(again.body.item).toMatchObject({ status: 'active', treeSha: first.treeSha, tags: ['pdf'] });
      expect((await api.get(url, tokens.bob)).status).toBe(200);
      expect(await history('skills/alice/pdf-tools')).toHaveLength(3);
    });
  });

  describe('archives', () => {
    it('zips the item in one top-level folder named after it, with the same bytes, paths and exec bits', async () => {
      const first = await publishPdf();
      const res = await send(app, {
        method: 'GET',
        url: '/api/v1/items/skill/alice/pdf-tools/archive',
        token: tokens.bob,
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/zip');
      expect(res.headers['content-disposition']).toBe('attachment; filename="pdf-tools.zip"');
      expect(res.headers['content-security-policy']).toBe("sandbox; default-src 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers.etag).toBe(`"${first.treeSha}"`);
      const bundle = readZipBundle(new Uint8Array(res.raw), DEFAULT_CONTENT_LIMITS);
      expect(bundle.rootFolder).toBe('pdf-tools');
      expect(bundle.files).toEqual(pdfFiles());
      // The archive publishes back to the very same tree.
      const back = await send(
        app,
        zipRequest('/api/v1/items?namespace=platform', new Uint8Array(res.raw), tokens.alice),
      );
      expect(back.body.treeSha).toBe(first.treeSha);
    });
  });

  describe('installs', () => {
    it('renders an MCP server for every client without its secret default, naming the secret, counting the installer once a day', async () => {
      const published = await publish({
        namespace: 'alice',
        files: [textFile('server.json', JSON.stringify(vaultServer()))],
      });
      expect(published.status, published.raw).toBe(201);
      const url = '/api/v1/items/mcp/alice/vault/installs';
      const res = await api.post(url, { client: 'claude-code' }, tokens.bob);
      expect(res.status, res.raw).toBe(200);
      expect(res.body.usageCount).toBe(1);
      expect(res.body.item.usageCount).toBe(1);
      expect(res.body.install.kind).toBe('mcp');
      expect(res.body.install.config).toMatchObject({
        client: 'claude-code',
        serverKey: 'vault',
        secrets: ['VAULT_TOKEN'],
      });
      expect(res.body.install.config.entry.env.VAULT_ADDR).toBe('https://vault.example.com');
      expect(res.raw).not.toContain(SECRET_DEFAULT);
      let count = 1; // bob
      for (const installClient of MCP_CLIENTS.filter((c) => c !== 'claude-code')) {
        const other = await api.post(url, { client: installClient }, tokens.bob);
        expect(other.status, other.raw).toBe(200);
        expect(other.raw).not.toContain(SECRET_DEFAULT);
        expect(other.body.install.config.secrets).toEqual(['VAULT_TOKEN']);
        // The same person installing again the same day (into another client) is not another install.
        expect(other.body.usageCount).toBe(count);
      }
      count += 1;
      expect((await api.post(url, { client: 'cursor' }, tokens.alice)).body.usageCount).toBe(count);
      expect((await api.get('/api/v1/items/mcp/alice/vault', tokens.bob)).body.item.usageCount).toBe(2);
      const row = await deps.db.items.findByRef(toItemRef({ kind: 'mcp', namespace: 'alice', name: 'vault' }));
      expect(row?.usageCount).toBe(2);
    });

    it('gives a skill its archive path and the Claude Code folder, and Claude Desktop none', async () => {
      await publishPdf();
      const res = await api.post('/api/v1/items/skill/alice/pdf-tools/installs', { client: 'claude-code' }, tokens.bob);
      expect(res.status).toBe(200);
      expect(res.body.install).toMatchObject({
        kind: 'skill',
        archivePath: '/api/v1/items/skill/alice/pdf-tools/archive',
        folder: { user: '~/.claude/skills/pdf-tools', project: '.claude/skills/pdf-tools' },
      });
      expect((await api.get(res.body.install.archivePath, tokens.bob)).status).toBe(200);
      const desktop = await api.post(
        '/api/v1/items/skill/alice/pdf-tools/installs',
        { client: 'claude-desktop' },
        tokens.bob,
      );
      expect(desktop.body.install.folder).toBeNull();
      expect(desktop.body.usageCount).toBe(1);
    });

    it('gives the agents folder skills only: the shared .agents/skills folder, and a 400 for an MCP server', async () => {
      await publishPdf();
      const skill = await api.post('/api/v1/items/skill/alice/pdf-tools/installs', { client: 'agents' }, tokens.bob);
      expect(skill.status, skill.raw).toBe(200);
      expect(skill.body.install.folder).toEqual({
        user: '~/.agents/skills/pdf-tools',
        project: '.agents/skills/pdf-tools',
      });
      await publish({ namespace: 'alice', files: [textFile('server.json', JSON.stringify(vaultServer()))] });
      const before = await catalogState(deps);
      const mcp = await api.post('/api/v1/items/mcp/alice/vault/installs', { client: 'agents' }, tokens.bob);
      expect(mcp.status, mcp.raw).toBe(400);
      expect(mcp.raw).toContain('agents is the shared .agents/skills folder');
      expect(await catalogState(deps)).toEqual(before);
      const codex = await api.post('/api/v1/items/mcp/alice/vault/installs', { client: 'codex' }, tokens.bob);
      expect(codex.body.install.config).toMatchObject({ containerKey: 'mcp_servers', format: 'toml' });
    });

    it('gives a tool its definition', async () => {
      const tool = fixtureJson('httpTool');
      await publish({ namespace: 'alice', files: [textFile('tool.json', JSON.stringify(tool))] });
      const res = await api.post('/api/v1/items/tool/alice/get-weather/installs', { client: 'cursor' }, tokens.bob);
      expect(res.status).toBe(200);
      expect(res.body.install).toEqual({ kind: 'tool', definition: tool });
      expect(res.body.usageCount).toBe(1);
    });

    it('refuses, without counting, an MCP server no client can install', async () => {
      const server = vaultServer({ packages: undefined });
      const published = await publish({ namespace: 'alice', files: [textFile('server.json', JSON.stringify(server))] });
      expect(published.status).toBe(201);
      const before = await catalogState(deps);
      const res = await api.post('/api/v1/items/mcp/alice/vault/installs', { client: 'claude-code' }, tokens.bob);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(await catalogState(deps)).toEqual(before);
    });
  });

  describe('search', () => {
    /** pdf-tools and github by alice, release-notes and get-weather in team platform, bob-notes by bob. */
    async function seedCatalog() {
      const published = [
        await publish({ namespace: 'alice', files: pdfJson(), tags: ['pdf', 'documents'] }),
        await publish({
          namespace: 'platform',
          files: [textFile('SKILL.md', fixtureText('claudeCodeSkill'))],
          tags: ['git'],
        }),
        await publish({
          namespace: 'alice',
          files: [textFile('server.json', fixtureText('githubServer'))],
          tags: ['git'],
        }),
        await publish({ namespace: 'platform', files: [textFile('tool.json', fixtureText('httpTool'))] }),
        await publish(
          { namespace: 'bob', files: [textFile('SKILL.md', skillMd('bob-notes', 'Notes on meetings.'))] },
          tokens.bob,
        ),
      ];
      for (const res of published) expect(res.status, res.raw).toBe(201);
    }
    const search = async (query: string) => {
      const res = await api.get(`/api/v1/items?${query}`, tokens.bob);
      expect(res.status, res.raw).toBe(200);
      return res.body as { items: { ref: string }[]; nextCursor?: string };
    };

    it('finds by a word of the description and by a misspelt name', async () => {
      await seedCatalog();
      expect(refs(await search('q=tables'))).toEqual(['skill/alice/pdf-tools']);
      expect(refs(await search('q=meetings'))).toEqual(['skill/bob/bob-notes']);
      expect(refs(await search('q=pdf-tols'))[0]).toBe('skill/alice/pdf-tools');
      expect(refs(await search('q=relase-notes'))[0]).toBe('skill/platform/release-notes');
      expect(refs(await search('q=zeppelin'))).toEqual([]);
    });

    it('filters by kind, tag, team, owner and namespace', async () => {
      await seedCatalog();
      const sorted = async (query: string) => refs(await search(`${query}&sort=name`));
      expect(await sorted('kind=mcp')).toEqual(['mcp/alice/github']);
      expect(await sorted('kind=tool')).toEqual(['tool/platform/get-weather']);
      expect(await sorted('kind=skill')).toEqual([
        'skill/bob/bob-notes',
        'skill/alice/pdf-tools',
        'skill/platform/release-notes',
      ]);
      expect(await sorted('tag=git')).toEqual(['mcp/alice/github', 'skill/platform/release-notes']);
      expect(await sorted('tag=git&kind=skill')).toEqual(['skill/platform/release-notes']);
      expect(await sorted('team=platform')).toEqual(['tool/platform/get-weather', 'skill/platform/release-notes']);
      expect(await sorted('owner=bob')).toEqual(['skill/bob/bob-notes']);
      expect(await sorted('owner=alice')).toEqual([
        'tool/platform/get-weather',
        'mcp/alice/github',
        'skill/alice/pdf-tools',
        'skill/platform/release-notes',
      ]);
      expect(await sorted('namespace=alice')).toEqual(['mcp/alice/github', 'skill/alice/pdf-tools']);
      expect(await sorted('team=nobody')).toEqual([]);
      expect(await sorted('owner=nobody')).toEqual([]);
    });

    it('sorts by name, by last update and by installs', async () => {
      await seedCatalog();
      expect(refs(await search('sort=name'))).toEqual([
        'skill/bob/bob-notes',
        'tool/platform/get-weather',
        'mcp/alice/github',
        'skill/alice/pdf-tools',
        'skill/platform/release-notes',
      ]);
      expect(refs(await search('sort=updated'))).toEqual([
        'skill/bob/bob-notes',
        'tool/platform/get-weather',
        'mcp/alice/github',
        'skill/platform/release-notes',
        'skill/alice/pdf-tools',
      ]);
      await api.patch('/api/v1/items/skill/alice/pdf-tools', { tags: ['pdf'] }, tokens.alice);
      expect(refs(await search('sort=updated'))[0]).toBe('skill/alice/pdf-tools');
      // One person installing fifteen times counts once; two people count twice.
      for (let i = 0; i < 15; i++)
        await api.post('/api/v1/items/tool/platform/get-weather/installs', { client: 'cursor' }, tokens.bob);
      for (const token of [tokens.alice, tokens.bob])
        await api.post('/api/v1/items/mcp/alice/github/installs', { client: 'cursor' }, token);
      expect(refs(await search('sort=installs')).slice(0, 2)).toEqual([
        'mcp/alice/github',
        'tool/platform/get-weather',
      ]);
    });

    it('pages with cursors through every item exactly once, in every sort', async () => {
      await seedCatalog();
      for (const sort of ['name', 'updated', 'installs', 'relevance']) {
        const all = refs(await search(`sort=${sort}&limit=100`));
        expect(all).toHaveLength(5);
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await search(`sort=${sort}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
          seen.push(...refs(page));
          cursor = page.nextCursor;
          pages += 1;
        } while (cursor && pages < 10);
        expect(pages).toBe(3);
        expect(seen).toEqual(all);
      }
      const words = await search('q=pull+requests&limit=1');
      expect(words.items).toHaveLength(1);
      expect(words.nextCursor).toEqual(expect.any(String));
      const rest = await search(`q=pull+requests&limit=1&cursor=${encodeURIComponent(words.nextCursor!)}`);
      expect(refs(rest)).not.toEqual(refs(words));
      expectProblem(await api.get('/api/v1/items?cursor=not-a-cursor', tokens.bob), 400, 'validation');
      const byName = await search('sort=name&limit=2');
      const mixed = await api.get(
        `/api/v1/items?sort=updated&cursor=${encodeURIComponent(byName.nextCursor!)}`,
        tokens.bob,
      );
      expectProblem(mixed, 400, 'validation');
    });

    it('answers queries full of search syntax and SQL punctuation without failing', async () => {
      await seedCatalog();
      for (const q of [
        '"unbalanced',
        'a & b | !c',
        'pdf:*',
        "o'reilly; drop table users",
        '%_\\',
        '(((',
        '-pdf',
        'or',
      ]) {
        const res = await api.get(`/api/v1/items?q=${encodeURIComponent(q)}`, tokens.bob);
        expect(res.status, `${q}: ${res.raw}`).toBe(200);
        expect(Array.isArray(res.body.items)).toBe(true);
      }
      expect(refs(await search(`q=${encodeURIComponent('"tables from PDF"')}`))).toEqual(['skill/alice/pdf-tools']);
    });
  });

  describe('a crash between the git commit and the database write', () => {
    const url = '/api/v1/items/skill/alice/pdf-tools';

    it('answers 500, and publishing the same content again records it once on top of the one commit', async () => {
      const ref = toItemRef({ kind: 'skill', namespace: 'alice', name: 'pdf-tools' });
      failNextTransaction();
      const crashed = await publish({ namespace: 'alice', files: pdfJson() });
      expectProblem(crashed, 500, 'internal');
      expect(crashed.raw).not.toContain('connection was lost');
      expect(await deps.db.items.findByRef(ref)).toBeUndefined();
      const committed = await history('skills/alice/pdf-tools');
      expect(committed).toHaveLength(1);

      const again = await publish({ namespace: 'alice', files: pdfJson() });
      expect([200, 201]).toContain(again.status);
      expect(again.body.commitSha).toBe(committed[0]?.commitSha);
      expect(again.body.treeSha).toBe(gitTreeSha(pdfFiles()));
      const row = await deps.db.items.findByRef(ref);
      expect(row).toMatchObject({ status: 'active', commitSha: committed[0]?.commitSha });
      expect(await deps.db.items.listVersions(row!.id)).toHaveLength(1);
      expect((await catalogState(deps)).items.map((i) => i.ref)).toEqual(['skill/alice/pdf-tools']);
      expect(await history('skills/alice/pdf-tools')).toHaveLength(1);
      const third = await publish({ namespace: 'alice', files: pdfJson() });
      expect(third.status).toBe(200);
      expect(third.body.unchanged).toBe(true);
    });

    it('lets a PUT that crashed after its commit be sent again, recording the version once', async () => {
      const first = await publishPdf();
      failNextTransaction();
      expectProblem(await put(url, pdfJson(PDF_SKILL_110), `"${first.treeSha}"`), 500, 'internal');
      const committed = await history('skills/alice/pdf-tools');
      expect(committed).toHaveLength(2);
      const again = await put(url, pdfJson(PDF_SKILL_110), `"${first.treeSha}"`);
      expect(again.status, again.raw.toString()).toBe(200);
      expect(again.body).toMatchObject({
        commitSha: committed[0]?.commitSha,
        treeSha: gitTreeSha(pdfFiles(PDF_SKILL_110)),
      });
      const row = await deps.db.items.findByRef(toItemRef({ kind: 'skill', namespace: 'alice', name: 'pdf-tools' }));
      expect(row).toMatchObject({ version: '1.1.0', commitSha: committed[0]?.commitSha });
      expect((await deps.db.items.listVersions(row!.id)).map((v) => v.version)).toEqual(['1.1.0', '1.0.0']);
      expect(await history('skills/alice/pdf-tools')).toHaveLength(2);
    });

    it('lets a DELETE that crashed after its commit be sent again', async () => {
      await publishPdf();
      failNextTransaction();
      expectProblem(await api.delete(url, tokens.alice), 500, 'internal');
      expect(await content.listItemFiles('skills/alice/pdf-tools')).toBeUndefined();
      expect((await api.delete(url, tokens.alice)).status).toBe(204);
      expectProblem(await api.get(url, tokens.alice), 404, 'not_found');
      expect(await history('skills/alice/pdf-tools')).toHaveLength(2);
    });
  });

  describe('bad input changes nothing', () => {
    const url = '/api/v1/items/skill/alice/pdf-tools';
    type Seed = { treeSha: string; commitSha: string };
    interface BadCase {
      title: string;
      request(seed: Seed, tokens: Tokens): InjectOptions & { token?: string };
      status: number;
      code: string;
      /** Every problem the answer must list, by path; omitted where the route reports a detail only. */
      problems?: string[];
    }

    const json =
      (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, payload: unknown, headers = {}) =>
      (_seed: Seed, t: Tokens): InjectOptions & { token?: string } => ({
        method,
        url: path,
        token: t.alice,
        headers,
        payload: payload as object,
      });
    const rawJson =
      (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, text: string, headers = {}) =>
      (_seed: Seed, t: Tokens): InjectOptions & { token?: string } => ({
        method,
        url: path,
        token: t.alice,
        headers: { 'content-type': 'application/json', ...headers },
        payload: text,
      });
    const publishSkill = (skill: string | Uint8Array, extra: unknown[] = []) =>
      json('POST', '/api/v1/items', {
        namespace: 'alice',
        files: [typeof skill === 'string' ? textFile('SKILL.md', skill) : binaryFile('SKILL.md', skill), ...extra],
      });
    const publishManifest = (file: string, manifest: unknown) =>
      json('POST', '/api/v1/items', { namespace: 'alice', files: [textFile(file, JSON.stringify(manifest))] });
    const updateFiles =
      (files: unknown[], ifMatch?: string) =>
      (seed: Seed, t: Tokens): InjectOptions & { token?: string } => ({
        method: 'PUT',
        url,
        token: t.alice,
        headers: { 'if-match': ifMatch ?? `"${seed.treeSha}"` },
        payload: { files } as object,
      });
    const zip =
      (method: 'POST' | 'PUT', path: string, archive: Uint8Array) =>
      (seed: Seed, t: Tokens): InjectOptions & { token?: string } => ({
        method,
        url: path,
        token: t.alice,
        headers: { 'content-type': 'application/zip', 'if-match': `"${seed.treeSha}"` },
        payload: Buffer.from(archive),
      });

    const longDescription = 'd'.repeat(4097);
    const aliasBomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      '',
    ].join('\n');
    const skillWith = (frontmatter: string) => `---\n${frontmatter}---\n# Body\n`;
    const traversalZip = forgeZip([
      { name: 'pdf-tools/SKILL.md', content: bytes(PDF_SKILL) },
      { name: '../evil.sh', content: bytes('rm -rf ~\n'), mode: 0o100755 },
      { name: '/etc/cron.d/evil', content: bytes('x') },
      { name: 'pdf-tools/.git/config', content: bytes('[core]\n') },
      { name: 'pdf-tools\\win.txt', content: bytes('x') },
    ]);
    const server = vaultServer();
    const pkg = server.packages[0]!;

    const CASES: BadCase[] = [
      // POST /items, JSON
      {
        title: 'POST JSON: malformed JSON',
        request: rawJson('POST', '/api/v1/items', '{"namespace": "alice", "files": ['),
        status: 400,
        code: 'malformed_body',
      },
      {
        title: 'POST JSON: wrong types, every one listed',
        request: json('POST', '/api/v1/items', {
          namespace: {},
          files: [{ path: {}, content: {}, executable: 'yes' }],
          tags: {},
          visibility: 'public',
        }),
        status: 400,
        code: 'validation',
        problems: ['files/0/content', 'files/0/executable', 'files/0/path', 'namespace', 'tags', 'visibility'],
      },
      {
        title: 'POST JSON: a number for a text field and a string for a list are not silently converted',
        request: json('POST', '/api/v1/items', {
          namespace: 'alice',
          files: [textFile('SKILL.md', skillMd('new-skill')), { path: 'count.txt', content: 42 }],
          tags: 'pdf',
        }),
        status: 400,
        code: 'validation',
        problems: ['files/1/content', 'tags'],
      },
      {
        title: 'POST JSON: unknown fields at the top and in a file',
        request: json('POST', '/api/v1/items', {
          namespace: 'alice',
          files: [{ ...textFile('SKILL.md', skillMd('new-skill')), mode: '0755' }],
          colour: 'red',
        }),
        status: 400,
        code: 'validation',
        problems: ['colour', 'files/0/mode'],
      },
      {
        title: 'POST JSON: no files',
        request: json('POST', '/api/v1/items', { namespace: 'alice', files: [] }),
        status: 400,
        code: 'validation',
        problems: ['files'],
      },
      {
        title: 'POST JSON: a namespace that is no one',
        request: json('POST', '/api/v1/items', {
          namespace: 'nobody',
          files: [textFile('SKILL.md', skillMd('new-skill'))],
        }),
        status: 400,
        code: 'validation',
        problems: ['namespace'],
      },
      {
        title: "POST JSON: another user's namespace",
        request: json('POST', '/api/v1/items', {
          namespace: 'bob',
          files: [textFile('SKILL.md', skillMd('new-skill'))],
        }),
        status: 403,
        code: 'forbidden',
      },
      {
        title: 'POST JSON: invalid base64',
        request: json('POST', '/api/v1/items', {
          namespace: 'alice',
          files: [
            textFile('SKILL.md', skillMd('new-skill')),
            { path: 'a.bin', content: '!!not base64!!', encoding: 'base64' },
          ],
        }),
        status: 400,
        code: 'validation',
        problems: ['files/1/content'],
      },
      {
        title: 'POST JSON: invalid UTF-8 in SKILL.md',
        request: publishSkill(new Uint8Array([0xff, 0xfe, ...bytes(skillMd('new-skill'))])),
        status: 400,
        code: 'validation',
        problems: ['SKILL.md'],
      },
      {
        title: 'POST JSON: no manifest at the top of the folder',
        request: json('POST', '/api/v1/items', {
          namespace: 'alice',
          files: [textFile('docs/SKILL.md', skillMd('x'))],
        }),
        status: 400,
        code: 'validation',
        problems: ['.'],
      },
      {
        title: 'POST JSON: unsafe file paths, every one listed',
        request: publishSkill(skillMd('new-skill'), [
          textFile('../x', 'x'),
          textFile('/abs', 'x'),
          textFile('a\\b', 'x'),
          textFile('.git/config', 'x'),
          textFile('SKILL.md', 'twice'),
        ]),
        status: 400,
        code: 'validation',
        problems: ['files/1/path', 'files/2/path', 'files/3/path', 'files/4/path', 'files/5/path'],
      },
      // SKILL.md, each rule once
      {
        title: 'SKILL.md: no frontmatter',
        request: publishSkill('# Just Markdown\n'),
        status: 400,
        code: 'validation',
        problems: ['SKILL.md:1'],
      },
      {
        title: 'SKILL.md: frontmatter never closed',
        request: publishSkill('---\nname: new-skill\ndescription: x\n# Body\n'),
        status: 400,
        code: 'validation',
        problems: ['SKILL.md:1'],
      },
      {
        title: 'SKILL.md: no name',
        request: publishSkill(skillWith('description: A skill.\n')),
        status: 400,
        code: 'validation',
        problems: ['SKILL.md#/name'],
      },
      {
        title: 'SKILL.md: a name that breaks the naming rule',
        request: publishSkill(skillMd('PDF_Tools')),
        status: 400,
        code: 'validation',
        problems: ['SKILL.md#/name'],
      },
      {
        title: 'SKILL.md: no description',
        request: publishSkill(skillWith('name: new-skill\n')),
        status: 400,
        code: 'validation',
        problems: ['SKILL.md#/description'],
      },
      {
        title: 'SKILL.md: a blank description',
        request: publishSkill(skillWith('name: new-skill\ndescription: "  "\n')),
        status: 400,
        code: 'validation',
        problems: ['SKILL.md#/description'],
      },
      {
        title: 'SKILL.md: a description over 4096 characters',
        request: publishSkill(skillMd('new-skill', longDescription)),
        status: 400,
        code: 'validation',
        problems: ['SKILL.md#/description'],
      },
      {
        title: 'SKILL.md: a compatibility over 500 characters',
        request: publishSkill(skillMd('new-skill', 'A skill.', `compatibility: ${'c'.repeat(501)}\n`)),
        status: 400,
        code: 'validation',
        problems: ['SKILL.md#/compatibility'],
      },
      {
        title: 'SKILL.md: nested metadata',
        request: publishSkill(skillMd('new-skill', 'A skill.', 'metadata:\n  owner:\n    team: platform\n')),
        status: 400,
        code: 'validation',
        problems: ['SKILL.md#/metadata/owner'],
      },
      {
        title: 'SKILL.md: duplicate keys',
        request: publishSkill(skillWith('name: new-skill\ndescription: A skill.\nname: other-skill\n')),
        status: 400,
        code: 'validation',
        problems: ['SKILL.md:4'],
      },
      {
        title: 'SKILL.md: an alias bomb',
        request: publishSkill(skillWith(`name: new-skill\ndescription: A skill.\n${aliasBomb}`)),
        status: 400,
        code: 'validation',
        problems: ['SKILL.md'],
      },
      {
        title: 'SKILL.md: a frontmatter that is not a mapping',
        request: publishSkill(skillWith('- name\n- description\n')),
        status: 400,
        code: 'validation',
        problems: ['SKILL.md:2'],
      },
      {
        title: 'SKILL.md: several broken rules, every one listed',
        request: publishSkill(
          skillWith(
            `name: Bad--Name\ndescription: ${longDescription}\ncompatibility: ${'c'.repeat(501)}\nmetadata:\n  list: [1, 2]\n`,
          ),
        ),
        status: 400,
        code: 'validation',
        problems: ['SKILL.md#/compatibility', 'SKILL.md#/description', 'SKILL.md#/metadata/list', 'SKILL.md#/name'],
      },
      // server.json
      {
        title: 'server.json: a name that is not reverse-DNS',
        request: publishManifest('server.json', { ...server, name: 'vault' }),
        status: 400,
        code: 'validation',
        problems: ['server.json#/name'],
      },
      {
        title: 'server.json: a description over 100 characters',
        request: publishManifest('server.json', { ...server, description: 'd'.repeat(101) }),
        status: 400,
        code: 'validation',
        problems: ['server.json#/description'],
      },
      {
        title: 'server.json: a version range',
        request: publishManifest('server.json', { ...server, version: '^1.0' }),
        status: 400,
        code: 'validation',
        problems: ['server.json#/version'],
      },
      {
        title: 'server.json: latest as a version',
        request: publishManifest('server.json', { ...server, version: 'latest' }),
        status: 400,
        code: 'validation',
        problems: ['server.json#/version'],
      },
      {
        title: 'server.json: a package without transport',
        request: publishManifest('server.json', { ...server, packages: [{ ...pkg, transport: undefined }] }),
        status: 400,
        code: 'validation',
        problems: ['server.json#/packages/0/transport'],
      },
      {
        title: 'server.json: several broken rules, every one listed by JSON pointer',
        request: publishManifest('server.json', {
          ...server,
          name: 'no slash',
          description: 'd'.repeat(101),
          version: '1.x',
          packages: [{ ...pkg, version: 'latest', transport: undefined }],
        }),
        status: 400,
        code: 'validation',
        problems: [
          'server.json#/description',
          'server.json#/name',
          'server.json#/packages/0/transport',
          'server.json#/packages/0/version',
          'server.json#/version',
        ],
      },
      {
        title: 'server.json: not JSON',
        request: json('POST', '/api/v1/items', {
          namespace: 'alice',
          files: [textFile('server.json', '{\n  "name": ,\n}')],
        }),
        status: 400,
        code: 'validation',
        problems: ['server.json:2:11'],
      },
      // tool.json
      {
        title: 'tool.json: an invalid input_schema',
        request: publishManifest('tool.json', {
          ...fixtureJson('httpTool'),
          input_schema: { type: 'object', properties: { city: { type: 'strng' } }, required: 'city' },
        }),
        status: 400,
        code: 'validation',
        problems: ['tool.json#/input_schema/properties/city/type', 'tool.json#/input_schema/required'],
      },
      {
        title: 'tool.json: an input_schema that is not an object schema',
        request: publishManifest('tool.json', { ...fixtureJson('httpTool'), input_schema: { type: 'array' } }),
        status: 400,
        code: 'validation',
        problems: ['tool.json#/input_schema/type'],
      },
      // POST /items, zip
      {
        title: 'POST zip: entries that climb out of the folder or into .git, every one listed',
        request: zip('POST', '/api/v1/items?namespace=alice', traversalZip),
        status: 400,
        code: 'validation',
        problems: ['zip:../evil.sh', 'zip:/etc/cron.d/evil', 'zip:pdf-tools/.git/config', 'zip:pdf-tools\\win.txt'],
      },
      {
        title: 'POST zip: a symbolic link',
        request: zip(
          'POST',
          '/api/v1/items?namespace=alice',
          forgeZip([
            { name: 'SKILL.md', content: bytes(skillMd('new-skill')) },
            { name: 'passwd', content: bytes('/etc/passwd'), mode: 0o120777 },
          ]),
        ),
        status: 400,
        code: 'validation',
        problems: ['zip:passwd'],
      },
      {
        title: 'POST zip: bytes that are not a zip',
        request: zip('POST', '/api/v1/items?namespace=alice', bytes('this is not a zip archive at all')),
        status: 400,
        code: 'validation',
        problems: ['zip'],
      },
      {
        title: 'POST zip: no ?namespace=',
        request: zip(
          'POST',
          '/api/v1/items',
          writeZipBundle('new-skill', [{ path: 'SKILL.md', content: bytes(skillMd('new-skill')), executable: false }]),
        ),
        status: 400,
        code: 'validation',
        problems: ['query/namespace'],
      },
      {
        title: 'POST zip: an unknown query parameter',
        request: zip(
          'POST',
          '/api/v1/items?namespace=alice&force=true',
          writeZipBundle('new-skill', [{ path: 'SKILL.md', content: bytes(skillMd('new-skill')), executable: false }]),
        ),
        status: 400,
        code: 'validation',
        problems: ['query/force'],
      },
      {
        title: 'POST zip: a SKILL.md without description',
        request: zip(
          'POST',
          '/api/v1/items?namespace=alice',
          writeZipBundle('new-skill', [
            { path: 'SKILL.md', content: bytes(skillWith('name: new-skill\n')), executable: false },
          ]),
        ),
        status: 400,
        code: 'validation',
        problems: ['SKILL.md#/description'],
      },
      // PUT
      {
        title: 'PUT: malformed JSON',
        request: (seed, t) => ({
          ...rawJson('PUT', url, '{"files": [}')(seed, t),
          headers: { 'content-type': 'application/json', 'if-match': `"${seed.treeSha}"` },
        }),
        status: 400,
        code: 'malformed_body',
      },
      {
        title: 'PUT: wrong types',
        request: updateFiles([{ path: {}, content: {}, encoding: 'hex', executable: {} }]),
        status: 400,
        code: 'validation',
        problems: ['files/0/content', 'files/0/encoding', 'files/0/executable', 'files/0/path'],
      },
      {
        title: 'PUT: a boolean for file content is not silently converted to text',
        request: updateFiles([textFile('SKILL.md', PDF_SKILL_110), { path: 'flag.txt', content: true }]),
        status: 400,
        code: 'validation',
        problems: ['files/1/content'],
      },
      {
        title: 'PUT: unknown fields',
        request: (seed, t) => ({
          ...updateFiles(pdfJson())(seed, t),
          payload: { files: pdfJson(), namespace: 'alice' },
        }),
        status: 400,
        code: 'validation',
        problems: ['namespace'],
      },
      {
        title: 'PUT: no If-Match',
        request: (_seed, t) => ({ method: 'PUT', url, token: t.alice, payload: { files: pdfJson(PDF_SKILL, 'x') } }),
        status: 428,
        code: 'precondition_required',
      },
      {
        title: 'PUT: a stale If-Match',
        request: updateFiles(pdfJson(PDF_SKILL, 'x'), `"${'1'.repeat(40)}"`),
        status: 412,
        code: 'stale_revision',
      },
      {
        title: 'PUT: a weak or garbled If-Match',
        request: updateFiles(pdfJson(PDF_SKILL, 'x'), 'W/"abc"'),
        status: 412,
        code: 'stale_revision',
      },
      {
        title: 'PUT: a SKILL.md whose name differs from the folder',
        request: updateFiles([textFile('SKILL.md', skillMd('pdf-kit'))]),
        status: 400,
        code: 'validation',
        problems: ['SKILL.md#/name'],
      },
      {
        title: 'PUT: invalid UTF-8 in SKILL.md',
        request: updateFiles([binaryFile('SKILL.md', new Uint8Array([0xff, 0xfe, ...bytes(PDF_SKILL)]))]),
        status: 400,
        code: 'validation',
        problems: ['SKILL.md'],
      },
      {
        title: 'PUT: unsafe file paths',
        request: updateFiles([...pdfJson(), textFile('../x', 'x'), textFile('.git/config', 'x')]),
        status: 400,
        code: 'validation',
        problems: ['files/3/path', 'files/4/path'],
      },
      {
        title: 'PUT: another kind of manifest',
        request: updateFiles([textFile('tool.json', fixtureText('httpTool'))]),
        status: 400,
        code: 'validation',
        problems: ['tool.json'],
      },
      {
        title: 'PUT: other content under the published version 1.0.0',
        request: updateFiles(pdfJson(PDF_SKILL, 'print("changed")\n')),
        status: 409,
        code: 'conflict',
      },
      {
        title: 'PUT zip: an entry that climbs out of the folder',
        request: zip('PUT', url, traversalZip),
        status: 400,
        code: 'validation',
        problems: ['zip:../evil.sh', 'zip:/etc/cron.d/evil', 'zip:pdf-tools/.git/config', 'zip:pdf-tools\\win.txt'],
      },
      {
        title: 'PUT: an item that does not exist',
        request: (seed, t) => ({ ...updateFiles(pdfJson())(seed, t), url: '/api/v1/items/skill/alice/missing' }),
        status: 404,
        code: 'not_found',
      },
      // PATCH
      {
        title: 'PATCH: malformed JSON',
        request: rawJson('PATCH', url, '{"tags": ["pdf"'),
        status: 400,
        code: 'malformed_body',
      },
      {
        title: 'PATCH: wrong types',
        request: json('PATCH', url, { tags: {}, visibility: 'public', status: 'gone', statusMessage: {}, team: [] }),
        status: 400,
        code: 'validation',
        problems: ['status', 'statusMessage', 'tags', 'team', 'visibility'],
      },
      {
        title: 'PATCH: a string for tags and a number for the message are not silently converted',
        request: json('PATCH', url, { tags: 'pdf', status: 'deprecated', statusMessage: 5 }),
        status: 400,
        code: 'validation',
        problems: ['statusMessage', 'tags'],
      },
      {
        title: 'PATCH: unknown fields',
        request: json('PATCH', url, { tags: ['pdf'], colour: 'red' }),
        status: 400,
        code: 'validation',
        problems: ['colour'],
      },
      {
        title: 'PATCH: nothing to change',
        request: json('PATCH', url, {}),
        status: 400,
        code: 'validation',
      },
      {
        title: 'PATCH: tags that break the tag rule, every one listed',
        request: json('PATCH', url, { tags: ['ok', 'Not a tag!', '-dash'] }),
        status: 400,
        code: 'validation',
        problems: ['tags/1', 'tags/2'],
      },
      {
        title: 'PATCH: deprecated without a message',
        request: json('PATCH', url, { status: 'deprecated' }),
        status: 400,
        code: 'validation',
        problems: ['statusMessage'],
      },
      {
        title: 'PATCH: a status message over 500 characters',
        request: json('PATCH', url, { status: 'deprecated', statusMessage: 'm'.repeat(501) }),
        status: 400,
        code: 'validation',
        problems: ['statusMessage'],
      },
      {
        title: 'PATCH: deleting combined with other changes',
        request: json('PATCH', url, { status: 'deleted', tags: ['x'] }),
        status: 400,
        code: 'validation',
        problems: ['status'],
      },
      {
        title: 'PATCH: a team that does not exist',
        request: json('PATCH', url, { team: 'nobody' }),
        status: 400,
        code: 'validation',
        problems: ['team'],
      },
      // DELETE
      {
        title: 'DELETE: a stale If-Match',
        request: json('DELETE', url, undefined, { 'if-match': `"${'1'.repeat(40)}"` }),
        status: 412,
        code: 'stale_revision',
      },
      {
        title: 'DELETE: a garbled If-Match',
        request: json('DELETE', url, undefined, { 'if-match': 'anything' }),
        status: 412,
        code: 'stale_revision',
      },
      {
        title: 'DELETE: malformed JSON',
        request: rawJson('DELETE', url, '{"oops'),
        status: 400,
        code: 'malformed_body',
      },
      {
        title: 'DELETE: a body with unknown fields',
        request: json('DELETE', url, { reason: 'cleanup' }),
        status: 400,
        code: 'validation',
        problems: ['reason'],
      },
      {
        title: 'DELETE: an item that does not exist',
        request: json('DELETE', '/api/v1/items/skill/alice/missing', undefined),
        status: 404,
        code: 'not_found',
      },
      // POST installs
      {
        title: 'installs: malformed JSON',
        request: rawJson('POST', `${url}/installs`, '{"client": '),
        status: 400,
        code: 'malformed_body',
      },
      {
        title: 'installs: a client of the wrong type',
        request: json('POST', `${url}/installs`, { client: {} }),
        status: 400,
        code: 'validation',
        problems: ['client'],
      },
      {
        title: 'installs: a list for the client is not silently unwrapped',
        request: json('POST', `${url}/installs`, { client: ['cursor'] }),
        status: 400,
        code: 'validation',
        problems: ['client'],
      },
      {
        title: 'installs: an unknown client',
        request: json('POST', `${url}/installs`, { client: 'emacs' }),
        status: 400,
        code: 'validation',
        problems: ['client'],
      },
      {
        title: 'installs: no client',
        request: json('POST', `${url}/installs`, {}),
        status: 400,
        code: 'validation',
        problems: ['client'],
      },
      {
        title: 'installs: unknown fields',
        request: json('POST', `${url}/installs`, { client: 'cursor', userId: 'someone' }),
        status: 400,
        code: 'validation',
        problems: ['userId'],
      },
      {
        title: 'installs: an item that does not exist',
        request: json('POST', '/api/v1/items/skill/alice/missing/installs', { client: 'cursor' }),
        status: 404,
        code: 'not_found',
      },
    ];

    for (const badCase of CASES) {
      it(`${badCase.title}: ${badCase.status} ${badCase.code}`, async () => {
        const seed = await publishPdf();
        const before = await catalogState(deps);
        const res = await send(app, badCase.request(seed, tokens));
        expectProblem(res, badCase.status, badCase.code, badCase.problems);
        expect(await catalogState(deps)).toEqual(before);
        expect(
          await deps.db.items.findByRef(toItemRef({ kind: 'skill', namespace: 'alice', name: 'new-skill' })),
        ).toBeUndefined();
        expect((await content.listItems()).map((item) => item.folder)).toEqual(['skills/alice/pdf-tools']);
      });
    }
  });

  describe('with small limits', () => {
    const LIMITS: ContentLimits = { maxFileBytes: 2048, maxItemBytes: 4096, maxFiles: 4, maxDepth: 2 };
    const MAX_BODY = 16 * 1024;
    let small: AtlasApp;

    beforeAll(async () => {
      const smallDeps: AtlasDeps = { ...deps, limits: LIMITS };
      small = await buildApp(smallDeps, {
        maxBodyBytes: MAX_BODY,
        maxRequestBytes: MAX_BODY,
        rateLimits: { perAddress: 100_000, perAccount: 100_000 },
      });
      await small.ready();
      return () => small.close();
    });

    const url = '/api/v1/items/skill/alice/pdf-tools';
    const padding = 'p'.repeat(MAX_BODY);
    const refused = async (
      options: InjectOptions & { token?: string },
      status: number,
      code: string,
      problems?: string[],
    ) => {
      const seed = await publishPdf();
      const before = await catalogState(deps);
      const res = await send(small, { ...options, headers: { 'if-match': `"${seed.treeSha}"`, ...options.headers } });
      expectProblem(res, status, code, problems);
      expect(await catalogState(deps)).toEqual(before);
      return res;
    };

    it('refuses an oversize JSON publish with 413', async () => {
      await refused(
        {
          method: 'POST',
          url: '/api/v1/items',
          token: tokens.alice,
          payload: { namespace: 'alice', files: [textFile('SKILL.md', skillMd('new-skill', padding))] },
        },
        413,
        'too_large',
      );
    });

    it('refuses an oversize zip publish with 413', async () => {
      const noise = new Uint8Array(MAX_BODY + 1024).map((_, i) => (i * 7919) % 251);
      const archive = forgeZip([
        { name: 'SKILL.md', content: bytes(skillMd('new-skill')) },
        { name: 'noise.bin', content: noise, method: 0 },
      ]);
      await refused(zipRequest('/api/v1/items?namespace=alice', archive, tokens.alice), 413, 'too_large');
    });

    it('refuses an oversize PUT with 413', async () => {
      await refused(
        { method: 'PUT', url, token: tokens.alice, payload: { files: pdfJson(PDF_SKILL, padding) } },
        413,
        'too_large',
      );
    });

    it('refuses an oversize PATCH with 413', async () => {
      await refused(
        { method: 'PATCH', url, token: tokens.alice, payload: { tags: ['pdf'], statusMessage: padding } },
        413,
        'too_large',
      );
    });

    it('refuses an oversize DELETE body with 413', async () => {
      await refused({ method: 'DELETE', url, token: tokens.alice, payload: { reason: padding } }, 413, 'too_large');
    });

    it('refuses an oversize install request with 413', async () => {
      await refused(
        { method: 'POST', url: `${url}/installs`, token: tokens.alice, payload: { client: 'cursor', padding } },
        413,
        'too_large',
      );
    });

    it('refuses a file over the file limit with 413 naming it, though the body is small enough', async () => {
      const res = await refused(
        {
          method: 'POST',
          url: '/api/v1/items',
          token: tokens.alice,
          payload: {
            namespace: 'alice',
            files: [textFile('SKILL.md', skillMd('new-skill')), textFile('big.txt', 'b'.repeat(3000))],
          },
        },
        413,
        'too_large',
      );
      expect(res.body.detail).toContain('big.txt');
    });

    it('refuses more files than the limit with 413', async () => {
      const files = [
        textFile('SKILL.md', skillMd('new-skill')),
        ...[1, 2, 3, 4].map((i) => textFile(`f${i}.txt`, 'x')),
      ];
      await refused(
        { method: 'POST', url: '/api/v1/items', token: tokens.alice, payload: { namespace: 'alice', files } },
        413,
        'too_large',
      );
    });

    it('refuses an item over the item limit with 413', async () => {
      const files = [
        textFile('SKILL.md', skillMd('new-skill')),
        ...[1, 2, 3].map((i) => textFile(`f${i}.txt`, 'x'.repeat(1800))),
      ];
      await refused(
        { method: 'POST', url: '/api/v1/items', token: tokens.alice, payload: { namespace: 'alice', files } },
        413,
        'too_large',
      );
    });

    it('refuses folders deeper than the limit, naming the file', async () => {
      await refused(
        {
          method: 'POST',
          url: '/api/v1/items',
          token: tokens.alice,
          payload: {
            namespace: 'alice',
            files: [textFile('SKILL.md', skillMd('new-skill')), textFile('a/b/c/d.txt', 'x')],
          },
        },
        400,
        'validation',
        ['a/b/c/d.txt'],
      );
    });

    it('refuses a zip that expands past the item limit with 413', async () => {
      const archive = writeZipBundle('new-skill', [
        { path: 'SKILL.md', content: bytes(skillMd('new-skill')), executable: false },
        { path: 'zeros.txt', content: new Uint8Array(8000), executable: false },
      ]);
      expect(archive.byteLength).toBeLessThan(MAX_BODY);
      await refused(zipRequest('/api/v1/items?namespace=alice', archive, tokens.alice), 413, 'too_large');
    });
  });
});
