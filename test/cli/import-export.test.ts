import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSkillMd } from '../../src/domain/manifests/skill-md.ts';
import { api, copyFixture, registerUser, type Sandbox, sandbox, startTestServer } from '../support/cli-harness.ts';

interface ImportedItem {
  source: string;
  ref: string | null;
  status: string;
  treeSha: string | null;
  problems: { path: string; message: string }[];
}

const VALID_SKILLS = [
  'api-docs',
  'changelog-writer',
  'csv-report',
  'data-cleaning',
  'font-sampler',
  'git-helper',
  'image-resize',
  'pdf-tools',
  'release-notes',
  'sql-review',
  'unicode-notes',
];

describe('atlas import and export', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let box: Sandbox;
  let token: string;
  let repo: string;
  const treeShas = new Map<string, string>();

  beforeAll(async () => {
    server = await startTestServer();
    token = await registerUser(server.url, 'alice');
    await api(server.url, token, 'POST', '/api/v1/teams', { slug: 'mirror', name: 'Mirror' });
    box = sandbox({ ATLAS_URL: server.url, ATLAS_TOKEN: token });
    repo = copyFixture('skills-repo', box.root);
  });
  afterAll(async () => {
    await server?.stop();
    box?.cleanup();
  });

  it('checks a skills repository in a dry run: every item, the invalid one with its line', async () => {
    const run = await box.run(['import', repo, '--dry-run', '--json']);
    expect(run.code).toBe(1);
    const result = run.json();
    expect(result).toMatchObject({ layout: 'folders', dryRun: true, namespace: 'alice' });
    expect(result.summary).toMatchObject({ total: 12, valid: 11, invalid: 1, published: 0 });
    const broken = result.items.find((item: ImportedItem) => item.source === 'skills/broken-skill');
    expect(broken.problems[0]).toMatchObject({ path: 'SKILL.md:3', message: expect.stringMatching(/invalid YAML/) });
    const search = await api<{ items: unknown[] }>(server.url, token, 'GET', '/api/v1/items');
    expect(search.items).toEqual([]);
  });

  it('imports a skills repository of twelve skills: publishes the eleven valid ones, reports the invalid one', async () => {
    const run = await box.run(['import', repo]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Imported 12 items from .* into alice: 11 published, 1 invalid/);
    expect(run.stdout).toMatch(/skills\/broken-skill\n +SKILL\.md:3 +invalid YAML/);
    expect(run.stdout).toMatch(/^published +skill\/alice\/pdf-tools \(skills\/pdf-tools\)$/m);

    const pdf = await api<{ files: { path: string; executable: boolean }[] }>(
      server.url,
      token,
      'GET',
      '/api/v1/items/skill/alice/pdf-tools',
    );
    expect(pdf.files).toContainEqual(expect.objectContaining({ path: 'scripts/extract.sh', executable: true }));
    const png = await fetch(`${server.url}/api/v1/items/skill/alice/image-resize/files/assets/sample.png`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(Buffer.from(await png.arrayBuffer())).toEqual(
      readFileSync(join(repo, 'skills/image-resize/assets/sample.png')),
    );
    const unicode = await api<{ item: { description: string } }>(
      server.url,
      token,
      'GET',
      '/api/v1/items/skill/alice/unicode-notes',
    );
    expect(unicode.item.description).toBe('Prendre des notes en français — naïve, café, Zürich ✓ 日本語');
    const folded = await api<{ item: { description: string } }>(
      server.url,
      token,
      'GET',
      '/api/v1/items/skill/alice/release-notes',
    );
    expect(folded.item.description).toBe(
      'Write release notes from merged pull requests.\nGroups changes by area and links each one.',
    );

    const again = await box.run(['import', repo, '--json']);
    const result = again.json();
    expect(result.summary).toMatchObject({ unchanged: 11, invalid: 1, published: 0 });
    for (const item of result.items as ImportedItem[]) if (item.ref) treeShas.set(item.ref, item.treeSha!);
    expect([...treeShas.keys()].sort()).toEqual(VALID_SKILLS.map((name) => `skill/alice/${name}`));
  });

  it('imports a Claude Code plugin marketplace: the skills of each local plugin, skipping a remote one', async () => {
    const marketplace = copyFixture('marketplace', box.root);
    const run = await box.run(['import', marketplace, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = run.json();
    expect(result.layout).toBe('marketplace');
    expect(result.summary).toMatchObject({ total: 4, published: 4 });
    expect(result.items.map((item: { ref: string; plugin: string }) => [item.ref, item.plugin])).toEqual([
      ['skill/alice/table-format', 'docs-kit'],
      ['skill/alice/incident-triage', 'ops'],
      ['skill/alice/summary-writer', 'writing'],
      ['skill/alice/tone-check', 'writing'],
    ]);
    expect(result.skipped).toEqual([{ source: 'remote-plugin', reason: expect.stringMatching(/comes from github/) }]);
  });

  it('exports an item as a zip that publishes back to the same tree', async () => {
    const zip = join(box.root, 'pdf-tools.zip');
    const run = await box.run(['export', 'skill/alice/pdf-tools', '-o', zip, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({
      ref: 'skill/alice/pdf-tools',
      path: zip,
      treeSha: treeShas.get('skill/alice/pdf-tools'),
    });
    const republished = await box.run(['publish', zip, '--namespace', 'mirror', '--json']);
    expect(republished.code, republished.stderr).toBe(0);
    expect(republished.json()).toMatchObject({
      action: 'created',
      ref: 'skill/mirror/pdf-tools',
      treeSha: treeShas.get('skill/alice/pdf-tools'),
    });
    const overwrite = await box.run(['export', 'skill/alice/pdf-tools', '-o', zip]);
    expect(overwrite.code).toBe(1);
    expect(overwrite.stderr).toMatch(/already exists/);
  });

  it('exports the skills as a plugin marketplace that imports back with identical trees', async () => {
    const out = join(box.root, 'exported');
    const run = await box.run(['export', '--marketplace', '-o', out, '--namespace', 'alice', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = run.json();
    expect(result.plugins).toEqual([
      expect.objectContaining({
        name: 'alice',
        source: './plugins/alice',
        skills: expect.arrayContaining(['pdf-tools', 'tone-check']),
      }),
    ]);
    const marketplace = JSON.parse(readFileSync(join(out, '.claude-plugin', 'marketplace.json'), 'utf8'));
    expect(marketplace).toMatchObject({ name: 'atlas', owner: { name: 'Atlas' } });
    expect(marketplace.plugins).toEqual([
      {
        name: 'alice',
        source: './plugins/alice',
        description: expect.stringContaining('alice'),
        version: expect.stringMatching(/^1\.15\.\d+$/),
      },
    ]);
    expect(JSON.parse(readFileSync(join(out, 'plugins', 'alice', '.claude-plugin', 'plugin.json'), 'utf8')).name).toBe(
      'alice',
    );
    expect(statSync(join(out, 'plugins/alice/skills/pdf-tools/scripts/extract.sh')).mode & 0o111).not.toBe(0);

    // Every SKILL.md is written byte for byte, Claude Code fields and all, so no tree changes.
    expect(result.skills.filter((skill: { rewritten: boolean }) => skill.rewritten)).toEqual([]);
    const exportedSkill = readFileSync(join(out, 'plugins/alice/skills/changelog-writer/SKILL.md'));
    expect(exportedSkill).toEqual(readFileSync(join(repo, 'skills/changelog-writer/SKILL.md')));
    expect(parseSkillMd(exportedSkill, 'changelog-writer').manifest.when_to_use).toBeDefined();

    const reimport = await box.run(['import', out, '--namespace', 'mirror', '--json']);
    expect(reimport.code, reimport.stderr).toBe(0);
    const items = reimport.json().items as ImportedItem[];
    expect(items).toHaveLength(15);
    for (const item of items) {
      const original = `skill/alice/${item.ref!.split('/')[2]}`;
      const exported = result.skills.find((skill: { ref: string }) => skill.ref === original);
      expect(item.treeSha).toBe(exported.treeSha);
      if (!exported.rewritten && treeShas.has(original)) expect(item.treeSha).toBe(treeShas.get(original));
    }
    expect(items.find((item) => item.ref === 'skill/mirror/pdf-tools')?.status).toBe('unchanged');
    expect(existsSync(join(out, 'plugins', 'mirror'))).toBe(false);
  });

  it('imports a folder of server.json files and folders as MCP servers, ignoring other JSON', async () => {
    const servers = copyFixture('servers', box.root);
    const run = await box.run(['import', servers, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json().items.map((item: ImportedItem) => [item.source, item.ref])).toEqual([
      ['github', 'mcp/alice/github'],
      ['remote-docs.json', 'mcp/alice/remote-docs'],
      ['weather.json', 'mcp/alice/weather'],
    ]);
    const github = await api<{ files: { path: string }[] }>(server.url, token, 'GET', '/api/v1/items/mcp/alice/github');
    expect(github.files.map((file) => file.path)).toEqual(['README.md', 'server.json']);
  });
});
