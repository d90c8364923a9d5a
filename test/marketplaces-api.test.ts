/**
 * Plugin marketplaces over HTTP on every database: the Claude Code, Codex and Cursor files, one plugin per namespace,
 * each sourced from the git repository Atlas serves for it and pinned to its commit; the repository's objects over
 * git's dumb protocol, complete and byte for byte; the REST API's visibility in the files and in every object (a
 * team-only skill never appears for outsiders or anonymous readers, and its objects cannot be fetched by id); team
 * marketplaces; public read off; and, against a listening server, stock `git clone` of a plugin.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryContentStore } from '../src/adapters/memory/in-memory-content-store.ts';
import { InMemoryDatabase } from '../src/adapters/memory/in-memory-database.ts';
import { assembleDeps } from '../src/composition-root.ts';
import type { Clock } from '../src/domain/clock.ts';
import { blobId } from '../src/domain/content/tree-id.ts';
import type { Database } from '../src/domain/repositories.ts';
import { type AtlasApp, buildApp } from '../src/entrypoints/http/app.ts';
import { CHEAP_ARGON2 } from '../src/testing/in-memory-deps.ts';
import { binaryFile, skillMd, textFile } from './support/catalog-helpers.ts';
import { describeEachDatabase } from './support/each-database.ts';
import { client, register } from './support/http.ts';

const run = promisify(execFile);

class SteppingClock implements Clock {
  #at = Date.UTC(2031, 5, 1);
  now() {
    this.#at += 1000;
    return new Date(this.#at);
  }
}

const ICON = new Uint8Array([0x00, 0x01, 0xfe, 0xff, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const RUN_SH = '#!/bin/sh\necho "tables"\n';
const SECRET_MD = skillMd('ledger', 'Reads the private ledger.');
const DIARY_MD = skillMd('diary', 'Keeps a private diary.');
const pdfFiles = () => [
  textFile('SKILL.md', skillMd('pdf-tables', 'Extract tables from PDF files.')),
  textFile('scripts/run.sh', RUN_SH, true),
  binaryFile('assets/icon.bin', ICON),
];
const ORIGIN = 'http://atlas.test';

interface Tokens {
  ada: string;
  alice: string;
  bob: string;
}

/** Builds an app on `database` with: alice/pdf-tables, alice/notes (org), alice/diary (team-only, personal),
 *  data/charts (org) and data/ledger (team-only, team data whose only member is bob). */
async function seed(database: Database, publicRead: boolean) {
  const deps = assembleDeps(
    database,
    new InMemoryContentStore(),
    { authz: 'rbac', publicRead, registration: 'open' },
    { clock: new SteppingClock(), argon2: CHEAP_ARGON2 },
  );
  const app = await buildApp(deps);
  // The first account is the site's administrator, who reads everything: the outsiders come after it.
  await register(app, 'siteadmin');
  const tokens: Tokens = {
    ada: await register(app, 'ada'),
    alice: await register(app, 'alice'),
    bob: await register(app, 'bob'),
  };
  const api = client(app);
  const ok = async (answer: Promise<{ status: number; raw: string }>) => {
    const { status, raw } = await answer;
    if (status >= 300) throw new Error(`${status} ${raw}`);
  };
  const publish = (namespace: string, files: unknown[], token: string, visibility?: 'team') =>
    ok(api.post('/api/v1/items', { namespace, files, ...(visibility ? { visibility } : {}) }, token));
  await ok(api.post('/api/v1/teams', { slug: 'data', name: 'Data' }, tokens.bob));
  await publish('alice', pdfFiles(), tokens.alice);
  await publish('alice', [textFile('SKILL.md', skillMd('notes', 'Take notes.'))], tokens.alice);
  await publish('alice', [textFile('SKILL.md', DIARY_MD)], tokens.alice, 'team');
  await publish('data', [textFile('SKILL.md', skillMd('charts', 'Draw charts.'))], tokens.bob);
  await publish('data', [textFile('SKILL.md', SECRET_MD)], tokens.bob, 'team');
  return { app, deps, tokens, api };
}

/** GETs through the in-process app; `auth` is a bearer token, or `{basic}` for git's Basic credentials. */
async function get(
  app: AtlasApp,
  url: string,
  auth?: string | { basic: string },
  headers: Record<string, string> = {},
) {
  const authorization =
    auth === undefined
      ? {}
      : typeof auth === 'string'
        ? { authorization: `Bearer ${auth}` }
        : { authorization: `Basic ${Buffer.from(`git:${auth.basic}`).toString('base64')}` };
  const response = await app.inject({
    method: 'GET',
    url,
    headers: { host: 'atlas.test', ...authorization, ...headers },
  });
  let body: unknown;
  try {
    body = response.json();
  } catch {
    body = undefined;
  }
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies freely.
  return { status: response.statusCode, headers: response.headers, body: body as any, raw: response.rawPayload };
}

interface ParsedObject {
  type: string;
  body: Buffer;
}

/** Reads one object over the dumb protocol and checks that it hashes to its id. */
async function object(app: AtlasApp, repo: string, sha: string, auth?: string | { basic: string }) {
  const res = await get(app, `${repo}/objects/${sha.slice(0, 2)}/${sha.slice(2)}`, auth);
  if (res.status !== 200) return { status: res.status, object: undefined };
  const raw = inflateSync(res.raw);
  const nul = raw.indexOf(0);
  const [type, size] = raw.subarray(0, nul).toString().split(' ');
  const body = raw.subarray(nul + 1);
  expect(body.length).toBe(Number(size));
  const { createHash } = await import('node:crypto');
  expect(createHash('sha1').update(raw).digest('hex')).toBe(sha);
  return { status: 200, object: { type: type!, body } as ParsedObject };
}

function treeEntries(body: Buffer): { mode: string; name: string; sha: string }[] {
  const entries = [];
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    const nul = body.indexOf(0, space);
    entries.push({
      mode: body.subarray(at, space).toString(),
      name: body.subarray(space + 1, nul).toString(),
      sha: body.subarray(nul + 1, nul + 21).toString('hex'),
    });
    at = nul + 21;
  }
  return entries;
}

/** Walks a plugin repository from its ref, as a dumb-protocol client does: every file by path, with its mode. */
async function cloneOver(app: AtlasApp, repo: string, auth?: string | { basic: string }) {
  const refs = await get(app, `${repo}/info/refs`, auth);
  expect(refs.status).toBe(200);
  const [commitSha, ref] = refs.raw.toString().trim().split('\t');
  expect(ref).toBe('refs/heads/main');
  const commit = await object(app, repo, commitSha!, auth);
  if (!commit.object) throw new Error(`commit ${commitSha}: ${commit.status}`);
  const rootTree = /^tree ([0-9a-f]{40})$/m.exec(commit.object.body.toString())![1]!;
  const files = new Map<string, { mode: string; content: Buffer; sha: string }>();
  const walk = async (sha: string, prefix: string) => {
    const tree = await object(app, repo, sha, auth);
    if (!tree.object) throw new Error(`tree ${prefix}: ${tree.status}`);
    for (const entry of treeEntries(tree.object.body)) {
      if (entry.mode === '40000') await walk(entry.sha, `${prefix}${entry.name}/`);
      else {
        const blob = await object(app, repo, entry.sha, auth);
        if (!blob.object) throw new Error(`blob ${prefix}${entry.name}: ${blob.status}`);
        files.set(`${prefix}${entry.name}`, { mode: entry.mode, content: blob.object.body, sha: entry.sha });
      }
    }
  };
  await walk(rootTree, '');
  return { commitSha: commitSha!, files };
}

describeEachDatabase('plugin marketplaces', (open) => {
  describe('with public read on', () => {
    let app: AtlasApp;
    let tokens: Tokens;
    beforeEach(async () => {
      ({ app, tokens } = await seed(await open(), true));
    });

    it('serves the Claude Code marketplace: a strict:false plugin per namespace, pinned git sources', async () => {
      const res = await get(app, '/marketplaces/claude-code.json');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toMatchObject({ name: 'atlas', owner: { name: 'Atlas' } });
      expect(res.body.metadata.version).toMatch(/^1\.3\.\d+$/);
      expect(res.body.plugins).toEqual([
        {
          name: 'alice',
          source: {
            source: 'url',
            url: `${ORIGIN}/marketplaces/git/alice.git`,
            ref: 'main',
            sha: expect.stringMatching(/^[0-9a-f]{40}$/),
          },
          description: `Skills of alice from Atlas (${ORIGIN}): notes, pdf-tables`,
          version: expect.stringMatching(/^1\.2\.\d+$/),
          strict: false,
        },
        {
          name: 'data',
          source: {
            source: 'url',
            url: `${ORIGIN}/marketplaces/git/data.git`,
            ref: 'main',
            sha: expect.stringMatching(/^[0-9a-f]{40}$/),
          },
          description: `Skills of data from Atlas (${ORIGIN}): charts`,
          version: expect.stringMatching(/^1\.1\.\d+$/),
          strict: false,
        },
      ]);
      expect(res.raw.toString()).not.toMatch(/diary|ledger/);
    });

    it('serves the Codex and Cursor marketplaces with the same pinned sources', async () => {
      const claude = (await get(app, '/marketplaces/claude-code.json')).body;
      const codex = await get(app, '/marketplaces/codex.json');
      expect(codex.status).toBe(200);
      expect(codex.body).toEqual({
        name: 'atlas',
        interface: { displayName: 'Atlas' },
        plugins: claude.plugins.map((plugin: { name: string; source: unknown }) => ({
          name: plugin.name,
          source: plugin.source,
          policy: { installation: 'AVAILABLE', authentication: 'ON_INSTALL' },
          category: 'Productivity',
        })),
      });
      const cursor = await get(app, '/marketplaces/cursor.json');
      expect(cursor.status).toBe(200);
      expect(cursor.body.name).toBe('atlas');
      expect(cursor.body.plugins).toEqual(
        claude.plugins.map(({ strict: _strict, ...plugin }: { strict: boolean }) => plugin),
      );
      expect((await get(app, '/marketplaces/vscode.json')).status).toBe(404);
    });

    it('serves each plugin as a git repository at the pinned commit, with the skills byte for byte', async () => {
      const pinned = (await get(app, '/marketplaces/claude-code.json')).body.plugins[0].source;
      const cloned = await cloneOver(app, '/marketplaces/git/alice.git');
      expect(cloned.commitSha).toBe(pinned.sha);
      expect([...cloned.files.keys()].sort()).toEqual([
        '.codex-plugin/plugin.json',
        '.cursor-plugin/plugin.json',
        'skills/notes/SKILL.md',
        'skills/pdf-tables/SKILL.md',
        'skills/pdf-tables/assets/icon.bin',
        'skills/pdf-tables/scripts/run.sh',
      ]);
      expect(cloned.files.get('skills/pdf-tables/assets/icon.bin')!.content.equals(Buffer.from(ICON))).toBe(true);
      expect(cloned.files.get('skills/pdf-tables/scripts/run.sh')).toMatchObject({ mode: '100755' });
      expect(cloned.files.get('skills/pdf-tables/scripts/run.sh')!.content.toString()).toBe(RUN_SH);
      expect(JSON.parse(cloned.files.get('.codex-plugin/plugin.json')!.content.toString())).toMatchObject({
        name: 'alice',
        skills: './skills/',
      });
      const blob = cloned.files.get('skills/notes/SKILL.md')!.sha;
      const stored = await get(app, `/marketplaces/git/alice.git/objects/${blob.slice(0, 2)}/${blob.slice(2)}`);
      expect(stored.headers['cache-control']).toBe('private, max-age=31536000, immutable');
      expect((await get(app, '/marketplaces/claude-code.json')).headers['cache-control']).toBe('private, no-cache');
      const head = await get(app, '/marketplaces/git/alice.git/HEAD');
      expect(head.raw.toString()).toBe('ref: refs/heads/main\n');
    });

    it('never lists a team-only skill for anonymous readers or outsiders, nor serves its objects by id', async () => {
      const diaryBlob = blobId(Buffer.from(DIARY_MD));
      const ledgerBlob = blobId(Buffer.from(SECRET_MD));
      for (const auth of [undefined, tokens.ada]) {
        for (const file of ['claude-code', 'codex', 'cursor']) {
          const res = await get(app, `/marketplaces/${file}.json`, auth);
          expect(res.status).toBe(200);
          expect(res.raw.toString()).not.toMatch(/diary|ledger/);
        }
        const cloned = await cloneOver(app, '/marketplaces/git/alice.git', auth);
        expect([...cloned.files.keys()].some((path) => path.includes('diary'))).toBe(false);
        expect((await object(app, '/marketplaces/git/alice.git', diaryBlob, auth)).status).toBe(404);
        expect((await object(app, '/marketplaces/git/data.git', ledgerBlob, auth)).status).toBe(404);
      }
      // The owner and the team's member see their own, in a repository of their own view (another commit).
      const anonymousSha = (await get(app, '/marketplaces/claude-code.json')).body.plugins[0].source.sha;
      const alices = await get(app, '/marketplaces/claude-code.json', tokens.alice);
      expect(alices.body.plugins[0].description).toContain('diary');
      expect(alices.body.plugins[0].source.sha).not.toBe(anonymousSha);
      const cloned = await cloneOver(app, '/marketplaces/git/alice.git', tokens.alice);
      expect(cloned.commitSha).toBe(alices.body.plugins[0].source.sha);
      expect(cloned.files.get('skills/diary/SKILL.md')!.content.toString()).toBe(DIARY_MD);
      expect((await object(app, '/marketplaces/git/data.git', ledgerBlob, { basic: tokens.bob })).status).toBe(200);
      expect((await object(app, '/marketplaces/git/data.git', ledgerBlob, tokens.alice)).status).toBe(404);
    });

    it('serves one team marketplace under /registries/<team>/, and 404 for an unknown team', async () => {
      const res = await get(app, '/registries/data/marketplaces/claude-code.json');
      expect(res.status).toBe(200);
      expect(res.body.name).toBe('atlas-data');
      expect(res.body.plugins.map((plugin: { name: string }) => plugin.name)).toEqual(['data']);
      expect(res.body.plugins[0].source.url).toBe(`${ORIGIN}/registries/data/marketplaces/git/data.git`);
      const bobs = await get(app, '/registries/data/marketplaces/claude-code.json', tokens.bob);
      expect(bobs.body.plugins[0].description).toContain('ledger');
      const cloned = await cloneOver(app, '/registries/data/marketplaces/git/data.git', tokens.bob);
      expect(cloned.files.has('skills/ledger/SKILL.md')).toBe(true);
      // A team's repository holds only that team's namespaces.
      expect((await get(app, '/registries/data/marketplaces/git/alice.git/info/refs')).status).toBe(404);
      expect((await get(app, '/registries/nobody/marketplaces/claude-code.json')).status).toBe(404);
    });

    it('answers 304 to a matching ETag, and pins a new commit after a publish', async () => {
      const first = await get(app, '/marketplaces/claude-code.json');
      const again = await get(app, '/marketplaces/claude-code.json', undefined, {
        'if-none-match': first.headers.etag as string,
      });
      expect(again.status).toBe(304);
      const api = client(app);
      const updated = await api.post(
        '/api/v1/items',
        { namespace: 'data', files: [textFile('SKILL.md', skillMd('maps', 'Draw maps.'))] },
        tokens.bob,
      );
      expect(updated.status).toBe(201);
      const after = await get(app, '/marketplaces/claude-code.json', undefined, {
        'if-none-match': first.headers.etag as string,
      });
      expect(after.status).toBe(200);
      expect(after.body.plugins[1].source.sha).not.toBe(first.body.plugins[1].source.sha);
      expect(after.body.plugins[0].source.sha).toBe(first.body.plugins[0].source.sha);
      const cloned = await cloneOver(app, '/marketplaces/git/data.git');
      expect(cloned.commitSha).toBe(after.body.plugins[1].source.sha);
      expect(cloned.files.has('skills/maps/SKILL.md')).toBe(true);
    });

    it('drops a skill from the anonymous marketplace as soon as it is made team-only', async () => {
      const before = await get(app, '/marketplaces/claude-code.json');
      expect(before.body.plugins[0].description).toContain('notes');
      const patched = await client(app).patch('/api/v1/items/skill/alice/notes', { visibility: 'team' }, tokens.alice);
      expect(patched.status).toBe(200);
      const after = await get(app, '/marketplaces/claude-code.json');
      expect(after.body.plugins[0].description).not.toContain('notes');
      const cloned = await cloneOver(app, '/marketplaces/git/alice.git');
      expect([...cloned.files.keys()].some((path) => path.includes('notes'))).toBe(false);
    });

    it('answers a fetch only for the commit it advertises, and refuses a malformed one', async () => {
      const fetchPack = (payload: string) =>
        app.inject({
          method: 'POST',
          url: '/marketplaces/git/alice.git/git-upload-pack',
          headers: { host: 'atlas.test', 'content-type': 'application/x-git-upload-pack-request' },
          payload,
        });
      const pkt = (line: string) => `${(line.length + 4).toString(16).padStart(4, '0')}${line}`;
      const advertised = await get(app, '/marketplaces/git/alice.git/info/refs?service=git-upload-pack');
      expect(advertised.headers['content-type']).toBe('application/x-git-upload-pack-advertisement');
      const tip = /([0-9a-f]{40}) HEAD\0/.exec(advertised.raw.toString())![1]!;
      const pack = await fetchPack(`${pkt(`want ${tip}\n`)}0000${pkt('done\n')}`);
      expect(pack.statusCode).toBe(200);
      expect(pack.rawPayload.subarray(0, 8).toString()).toBe('0008NAK\n');
      expect(pack.rawPayload.subarray(8, 12).toString()).toBe('PACK');
      const diary = blobId(Buffer.from(DIARY_MD)).slice(0, 40);
      expect((await fetchPack(`${pkt(`want ${diary}\n`)}0000${pkt('done\n')}`)).statusCode).toBe(404);
      expect((await fetchPack('zzzz')).statusCode).toBe(400);
      expect((await fetchPack(`${pkt('want nothing\n')}0000`)).statusCode).toBe(400);
    });

    it("follows a reader's teams at once: a new member sees the team-only skill, a removed one no longer", async () => {
      const api = client(app);
      const before = await get(app, '/marketplaces/claude-code.json', tokens.ada);
      expect(before.raw.toString()).not.toContain('ledger');
      expect((await api.put('/api/v1/teams/data/members/ada', { role: 'member' }, tokens.bob)).status).toBe(200);
      const member = await get(app, '/marketplaces/claude-code.json', tokens.ada);
      expect(member.body.plugins[1].description).toContain('ledger');
      expect((await api.delete('/api/v1/teams/data/members/ada', tokens.bob)).status).toBeLessThan(300);
      const removed = await get(app, '/marketplaces/claude-code.json', tokens.ada);
      expect(removed.raw.toString()).not.toContain('ledger');
      expect(removed.body).toEqual(before.body);
    });

    it('documents its routes in the OpenAPI document', async () => {
      const spec = (await app.inject('/openapi.json')).json();
      expect(spec.paths['/marketplaces/{file}'].get).toBeDefined();
      expect(spec.paths['/marketplaces/git/{repository}/git-upload-pack'].post).toBeDefined();
      expect(spec.paths['/registries/{team}/marketplaces/{file}'].get).toBeDefined();
    });

    it('refuses repository names and object ids that are not one', async () => {
      expect((await get(app, '/marketplaces/git/alice/info/refs')).status).toBe(404);
      expect((await get(app, '/marketplaces/git/..%2Falice.git/info/refs')).status).toBe(404);
      expect((await get(app, '/marketplaces/git/nobody.git/info/refs')).status).toBe(404);
      expect((await get(app, '/marketplaces/git/alice.git/objects/zz/not-an-object')).status).toBe(404);
      expect((await get(app, '/marketplaces/git/alice.git/objects/info/packs')).status).toBe(200);
    });
  });

  describe('with public read off', () => {
    let app: AtlasApp;
    let tokens: Tokens;
    beforeEach(async () => {
      ({ app, tokens } = await seed(await open(), false));
    });

    it('asks anonymous callers to sign in, with a Basic challenge on git routes, and serves token holders', async () => {
      const file = await get(app, '/marketplaces/claude-code.json');
      expect(file.status).toBe(401);
      const refs = await get(app, '/marketplaces/git/alice.git/info/refs');
      expect(refs.status).toBe(401);
      expect(refs.headers['www-authenticate']).toBe('Basic realm="atlas"');
      expect((await get(app, '/marketplaces/git/alice.git/info/refs', { basic: 'not-a-token' })).status).toBe(401);
      const ada = await get(app, '/marketplaces/claude-code.json', tokens.ada);
      expect(ada.status).toBe(200);
      expect(ada.body.plugins.map((plugin: { name: string }) => plugin.name)).toEqual(['alice', 'data']);
      const cloned = await cloneOver(app, '/marketplaces/git/alice.git', { basic: tokens.ada });
      expect(cloned.commitSha).toBe(ada.body.plugins[0].source.sha);
    });

    it('accepts Basic credentials on the git routes only', async () => {
      const basic = { basic: tokens.ada };
      expect((await get(app, '/marketplaces/claude-code.json', basic)).status).toBe(401);
      expect((await get(app, '/api/v1/items', basic)).status).toBe(401);
    });
  });
});

describe('stock git clones a plugin from a listening Atlas', () => {
  let app: AtlasApp;
  let tokens: Tokens;
  let url: string;
  let scratch: string;

  beforeAll(async () => {
    ({ app, tokens } = await seed(new InMemoryDatabase(), false));
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    scratch = mkdtempSync(join(tmpdir(), 'atlas-clone-'));
  });
  afterAll(async () => {
    await app.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  const git = (args: string[], cwd = scratch) =>
    run('git', args, {
      cwd,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: scratch,
        GIT_TERMINAL_PROMPT: '0',
        GIT_CONFIG_NOSYSTEM: '1',
      },
    });

  /** Every file under a folder (not .git), by relative path. */
  const filesOf = (root: string): Map<string, Buffer> => {
    const found = new Map<string, Buffer>();
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (name === '.git') continue;
        if (statSync(path).isDirectory()) walk(path);
        else found.set(relative(root, path), readFileSync(path));
      }
    };
    walk(root);
    return found;
  };

  it('clones the pinned commit with the caller token, byte for byte, executable bits kept', async () => {
    const marketplace = await get(app, '/marketplaces/claude-code.json', tokens.alice);
    const plugin = marketplace.body.plugins.find((entry: { name: string }) => entry.name === 'alice');
    const source = new URL(plugin.source.url.replace(ORIGIN, url));
    source.username = 'alice';
    source.password = tokens.alice;
    const target = join(scratch, 'alice');
    await git(['clone', '--quiet', source.toString(), target]);
    const { stdout: head } = await git(['rev-parse', 'HEAD'], target);
    expect(head.trim()).toBe(plugin.source.sha);
    await git(['fsck', '--full', '--strict'], target);
    const files = filesOf(target);
    expect([...files.keys()].sort()).toEqual([
      '.codex-plugin/plugin.json',
      '.cursor-plugin/plugin.json',
      'skills/diary/SKILL.md',
      'skills/notes/SKILL.md',
      'skills/pdf-tables/SKILL.md',
      'skills/pdf-tables/assets/icon.bin',
      'skills/pdf-tables/scripts/run.sh',
    ]);
    expect(files.get('skills/pdf-tables/assets/icon.bin')!.equals(Buffer.from(ICON))).toBe(true);
    expect(files.get('skills/diary/SKILL.md')!.toString()).toBe(DIARY_MD);
    expect(statSync(join(target, 'skills/pdf-tables/scripts/run.sh')).mode & 0o111).not.toBe(0);
    await git(['checkout', '--quiet', plugin.source.sha], target);
  });

  it('refuses a clone without credentials when public read is off, and never hands over a team-only skill', async () => {
    const anonymous = git(['clone', '--quiet', `${url}/marketplaces/git/alice.git`, join(scratch, 'nobody')]);
    await expect(anonymous).rejects.toThrow();
    const source = new URL(`${url}/marketplaces/git/alice.git`);
    source.username = 'ada';
    source.password = tokens.ada;
    const target = join(scratch, 'ada');
    // A shallow clone, as Claude Code makes: git's smart protocol, since the dumb one cannot answer it.
    await git(['clone', '--quiet', '--depth', '1', source.toString(), target]);
    const files = filesOf(target);
    expect(files.has('skills/notes/SKILL.md')).toBe(true);
    expect([...files.keys()].some((path) => path.includes('diary'))).toBe(false);
  });
});
