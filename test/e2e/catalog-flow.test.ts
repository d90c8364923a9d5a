/**
 * The catalog as a team uses it, against a listening server started the way the README says:
 * accounts and a team, publishing with binary and executable files, search (with a typo), installs,
 * optimistic updates, versions, archives, an MCP server and a tool, and deletion with history kept.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONTENT_LIMITS } from '../../src/domain/content/content-limits.ts';
import { readManifestFixture } from '../../src/domain/manifests/testing/manifest-fixtures.ts';
import { readZipBundle } from '../../src/lib/zip/zip-reader.ts';
import { type RunningAtlas, startAtlas } from '../support/atlas-process.ts';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const SCRIPT = '#!/usr/bin/env python3\nprint("extracting")\n';
const skillMd = (description: string, version: string) =>
  `---\nname: pdf-tools\ndescription: ${description}\nmetadata:\n  version: "${version}"\n---\n# PDF tools\n`;

describe('the catalog over a listening server', () => {
  const home = mkdtempSync(join(tmpdir(), 'atlas-e2e-'));
  let atlas: RunningAtlas;
  const call = async (
    method: string,
    path: string,
    token?: string,
    body?: unknown,
    headers: Record<string, string> = {},
    // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies freely.
  ): Promise<{ status: number; body: any; headers: Headers; bytes: Buffer }> => {
    const response = await fetch(`${atlas.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed, headers: response.headers, bytes };
  };
  const register = async (username: string) => {
    const res = await call('POST', '/api/v1/auth/register', undefined, {
      email: `${username}@example.com`,
      username,
      password: 'a long enough passphrase',
    });
    expect(res.status).toBe(201);
    return res.body.token as string;
  };

  beforeAll(async () => {
    atlas = await startAtlas({ ATLAS_HOME: join(home, '.atlas') });
  }, 60_000);
  afterAll(async () => {
    await atlas?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('carries a skill, an MCP server and a tool from publish to delete', async () => {
    const owner = await register('olivia');
    const member = await register('mike');
    const maintainer = await register('maya');
    expect((await call('POST', '/api/v1/teams', owner, { slug: 'platform', name: 'Platform' })).status).toBe(201);
    expect((await call('PUT', '/api/v1/teams/platform/members/mike', owner, { role: 'member' })).status).toBe(200);
    expect((await call('PUT', '/api/v1/teams/platform/members/maya', owner, { role: 'maintainer' })).status).toBe(200);

    // The member publishes a skill with a binary asset and an executable script.
    const files = [
      { path: 'SKILL.md', content: skillMd('Extract tables and text from invoices in PDF form.', '1.0.0') },
      { path: 'scripts/extract.py', content: SCRIPT, executable: true },
      { path: 'assets/logo.png', content: PNG.toString('base64'), encoding: 'base64' },
    ];
    const published = await call('POST', '/api/v1/items', member, { namespace: 'platform', files });
    expect(published.status).toBe(201);
    const firstTree = published.body.treeSha as string;

    // Search finds it by a word of its description and by a misspelt name.
    const byWord = await call('GET', '/api/v1/items?q=invoices', member);
    expect(byWord.body.items.map((i: { ref: string }) => i.ref)).toContain('skill/platform/pdf-tools');
    const byTypo = await call('GET', '/api/v1/items?q=pdf-tols', member);
    expect(byTypo.body.items.map((i: { ref: string }) => i.ref)).toContain('skill/platform/pdf-tools');

    // Install returns what Claude Code needs.
    const install = await call('POST', '/api/v1/items/skill/platform/pdf-tools/installs', member, {
      client: 'claude-code',
    });
    expect(install.status).toBe(200);
    expect(install.body.install).toMatchObject({
      kind: 'skill',
      folder: { user: '~/.claude/skills/pdf-tools', project: '.claude/skills/pdf-tools' },
    });
    expect(install.body.usageCount).toBe(1);

    // A maintainer updates it with If-Match; a second update with the old tag is refused.
    const update = (description: string, version: string, tag: string) =>
      call(
        'PUT',
        '/api/v1/items/skill/platform/pdf-tools',
        maintainer,
        { files: [{ ...files[0], content: skillMd(description, version) }, ...files.slice(1)] },
        { 'if-match': `"${tag}"` },
      );
    const updated = await update('Extract tables, text and totals from invoices in PDF form.', '1.1.0', firstTree);
    expect(updated.status).toBe(200);
    expect(updated.headers.get('etag')).toBe(`"${updated.body.treeSha}"`);
    const stale = await update('Another change on an old copy.', '1.2.0', firstTree);
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('stale_revision');

    const versions = await call('GET', '/api/v1/items/skill/platform/pdf-tools/versions', member);
    expect(versions.body.items.map((v: { version: string }) => v.version)).toEqual(['1.1.0', '1.0.0']);

    // The archive unzips to the same bytes, with the executable bit.
    const archive = await call('GET', '/api/v1/items/skill/platform/pdf-tools/archive', member);
    expect(archive.headers.get('content-type')).toBe('application/zip');
    const unzipped = readZipBundle(new Uint8Array(archive.bytes), DEFAULT_CONTENT_LIMITS);
    expect(unzipped.rootFolder).toBe('pdf-tools');
    const byPath = new Map(unzipped.files.map((f) => [f.path, f]));
    expect(Buffer.from(byPath.get('assets/logo.png')!.content)).toEqual(PNG);
    expect(Buffer.from(byPath.get('scripts/extract.py')!.content).toString()).toBe(SCRIPT);
    expect(byPath.get('scripts/extract.py')!.executable).toBe(true);

    // An MCP server and a tool publish and install.
    const server = await call('POST', '/api/v1/items', member, {
      namespace: 'platform',
      files: [{ path: 'server.json', content: Buffer.from(readManifestFixture('githubServer')).toString('utf8') }],
    });
    expect(server.status).toBe(201);
    const mcpRef = server.body.item.ref as string;
    const mcpInstall = await call('POST', `/api/v1/items/${mcpRef}/installs`, member, { client: 'claude-code' });
    expect(mcpInstall.status).toBe(200);
    expect(mcpInstall.body.install.config).toMatchObject({ containerKey: 'mcpServers', client: 'claude-code' });
    expect(mcpInstall.body.install.config.secrets.length).toBeGreaterThan(0);
    const tool = await call('POST', '/api/v1/items', member, {
      namespace: 'platform',
      files: [{ path: 'tool.json', content: Buffer.from(readManifestFixture('httpTool')).toString('utf8') }],
    });
    expect(tool.status).toBe(201);
    const toolInstall = await call('POST', `/api/v1/items/${tool.body.item.ref}/installs`, member, {
      client: 'cursor',
    });
    expect(toolInstall.body.install).toMatchObject({ kind: 'tool', definition: { name: 'get-weather' } });

    // Delete removes it from search while its history stays readable.
    expect((await call('DELETE', '/api/v1/items/skill/platform/pdf-tools', maintainer)).status).toBe(204);
    const after = await call('GET', '/api/v1/items?q=invoices', member);
    expect(after.body.items.map((i: { ref: string }) => i.ref)).not.toContain('skill/platform/pdf-tools');
    expect((await call('GET', '/api/v1/items/skill/platform/pdf-tools', member)).status).toBe(404);
    const history = await call('GET', '/api/v1/items/skill/platform/pdf-tools/versions', maintainer);
    expect(history.body.items).toHaveLength(3);
    const oldFile = await call(
      'GET',
      `/api/v1/items/skill/platform/pdf-tools/files/SKILL.md?at=${published.body.commitSha}`,
      maintainer,
    );
    expect(oldFile.bytes.toString('utf8')).toBe(files[0]!.content);
  }, 60_000);
});
