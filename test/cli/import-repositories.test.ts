import { chmodSync, cpSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSkillMd } from '../../src/domain/manifests/skill-md.ts';
import { api, listFiles, registerUser, type Sandbox, sandbox, startTestServer } from '../support/cli-harness.ts';

const REPOSITORIES = fileURLToPath(new URL('../fixtures/repositories/', import.meta.url));
const SERVER_SCHEMA = 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json';

interface Imported {
  source: string;
  plugin: string | null;
  ref: string | null;
  kind: string | null;
  name: string | null;
  namespace: string | null;
  nameRule: string | null;
  status: string;
  treeSha: string | null;
  warnings: { path: string; message: string }[];
  problems: { path: string; message: string }[];
  message: string | null;
}

/** Copies a repository fixture; scripts get their executable bit even if a checkout lost it. */
function copyRepository(name: string, into: string): string {
  const target = join(into, name);
  cpSync(join(REPOSITORIES, name), target, { recursive: true });
  for (const file of listFiles(target)) {
    if (/\.(sh|py)$/.test(file) && (statSync(file).mode & 0o111) === 0) chmodSync(file, 0o755);
  }
  return target;
}

function write(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

const bySource = (items: Imported[], source: string) => {
  const found = items.find((item) => item.source === source);
  if (!found) throw new Error(`no item from ${source} in ${items.map((item) => item.source).join(', ')}`);
  return found;
};

describe('atlas import of skill repositories as they are published', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let box: Sandbox;
  let token: string;

  const file = async (ref: string, path: string) => {
    const response = await fetch(`${server.url}/api/v1/items/${ref}/files/${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status, `${ref}/${path}`).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  };

  beforeAll(async () => {
    server = await startTestServer();
    token = await registerUser(server.url, 'bob');
    for (const slug of ['review-kit', 'docs-kit']) {
      await api(server.url, token, 'POST', '/api/v1/teams', { slug, name: slug });
    }
    box = sandbox({ ATLAS_URL: server.url, ATLAS_TOKEN: token });
  });
  afterAll(async () => {
    await server?.stop();
    box?.cleanup();
  });

  describe('a flat skills/<name> repository', () => {
    let repo: string;
    beforeAll(() => {
      repo = copyRepository('flat-skills', box.root);
      // Written here rather than committed: a .gitignore inside the fixture would change what this repository's
      // own git keeps of it.
      write(repo, {
        '.gitignore': 'scratch/\n*.log\n',
        'skills/scratch/draft/SKILL.md': '---\nname: draft\ndescription: Not finished.\n---\n',
        'skills/invoice-parser/debug.log': 'noise\n',
        '.git/hooks/SKILL.md': '---\nname: never\ndescription: Inside .git.\n---\n',
      });
    });

    it('says in a dry run which skill takes its SKILL.md name, and which name breaks the rule', async () => {
      const run = await box.run(['import', repo, '--dry-run']);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/Checked 4 items from .* into bob: 3 valid, 1 invalid/);
      expect(run.stdout).toMatch(
        /Names:\n {2}skills\/commit-message → skill\/bob\/commit-message-writer \(the name in its SKILL\.md, not its folder\)/,
      );
      expect(run.stdout).toMatch(/skills\/bad-name\n +SKILL\.md#\/name +may contain only lowercase/);
      expect(run.stdout).not.toMatch(/draft|never/);
    });

    it('publishes the skills under their frontmatter names, leaving out what .gitignore excludes', async () => {
      const run = await box.run(['import', repo, '--json']);
      expect(run.code).toBe(1);
      const result = run.json();
      expect(result.summary).toMatchObject({ total: 4, published: 3, invalid: 1 });
      const items = result.items as Imported[];
      expect(items.map((item) => [item.source, item.ref, item.status, item.nameRule])).toEqual([
        ['skills/bad-name', null, 'invalid', null],
        ['skills/commit-message', 'skill/bob/commit-message-writer', 'published', 'frontmatter'],
        ['skills/invoice-parser', 'skill/bob/invoice-parser', 'published', 'as-is'],
        ['skills/triage-bot', 'skill/bob/triage-bot', 'published', 'as-is'],
      ]);
      // The name that breaks the rule is the one error; the folder it sits in is not held against it.
      expect(bySource(items, 'skills/bad-name').problems).toEqual([
        { path: 'SKILL.md#/name', message: expect.stringMatching(/lowercase/) },
      ]);
      expect(bySource(items, 'skills/commit-message').warnings).toContainEqual({
        path: 'SKILL.md#/name',
        message: expect.stringMatching(/is "commit-message-writer" but the folder is "commit-message"/),
      });
      expect(await file('skill/bob/commit-message-writer', 'SKILL.md')).toEqual(
        readFileSync(join(repo, 'skills/commit-message/SKILL.md')),
      );
      const invoice = await api<{ files: { path: string; executable: boolean }[] }>(
        server.url,
        token,
        'GET',
        '/api/v1/items/skill/bob/invoice-parser',
      );
      expect(invoice.files.map((entry) => [entry.path, entry.executable])).toEqual([
        ['SKILL.md', false],
        ['scripts/parse.py', true],
      ]);
    });

    it('exports into a Claude Code marketplace with every SKILL.md key, byte for byte', async () => {
      const out = join(box.root, 'exported-bob');
      const run = await box.run(['export', '--marketplace', '-o', out, '--namespace', 'bob', '--json']);
      expect(run.code, run.stderr).toBe(0);
      const result = run.json();
      expect(result.skills.map((skill: { rewritten: boolean }) => skill.rewritten)).not.toContain(true);
      const original = readFileSync(join(repo, 'skills/triage-bot/SKILL.md'));
      const exported = readFileSync(join(out, 'plugins/bob/skills/triage-bot/SKILL.md'));
      expect(exported).toEqual(original);
      const { manifest } = parseSkillMd(exported, 'triage-bot');
      // Not model-invocable stays not model-invocable; a tool pattern with spaces stays one entry.
      expect(manifest['disable-model-invocation']).toBe(true);
      expect(manifest['user-invocable']).toBe(false);
      expect(manifest['allowed-tools']).toEqual(['Read', 'Bash(gh issue list:*)', 'Bash(gh issue view:*)']);
      expect(manifest).toMatchObject({
        when_to_use: expect.any(String),
        'argument-hint': '[issue-number...]',
        model: 'haiku',
        context: 'fork',
        agent: 'Explore',
        hooks: { PreToolUse: [expect.objectContaining({ matcher: 'Bash' })] },
        'triage-labels': ['area/api', 'area/ui', 'urgent'],
        metadata: { owner: 'support-tools' },
      });
      const exportedTriage = result.skills.find((skill: { ref: string }) => skill.ref === 'skill/bob/triage-bot');
      const show = await api<{ item: { treeSha: string } }>(
        server.url,
        token,
        'GET',
        '/api/v1/items/skill/bob/triage-bot',
      );
      expect(exportedTriage.treeSha).toBe(show.item.treeSha);
      expect(statSync(join(out, 'plugins/bob/skills/triage-bot/references/check-command.sh')).mode & 0o111).not.toBe(0);
    });
  });

  describe('a repository with skills in dot-folders', () => {
    it('finds skills/.curated, .system and .experimental, and refuses a second skill of the same name', async () => {
      const repo = copyRepository('dot-folders', box.root);
      const run = await box.run(['import', repo, '--namespace', 'docs-kit', '--json']);
      expect(run.code).toBe(1);
      const result = run.json();
      expect(result.layout).toBe('folders');
      expect((result.items as Imported[]).map((item) => [item.source, item.ref, item.status])).toEqual([
        ['skills/.curated/lint-fixer', 'skill/docs-kit/lint-fixer', 'published'],
        ['skills/.curated/sql-explainer', 'skill/docs-kit/sql-explainer', 'published'],
        ['skills/.experimental/lint-fixer', 'skill/docs-kit/lint-fixer', 'conflict'],
        ['skills/.system/skill-maker', 'skill/docs-kit/skill-maker', 'published'],
      ]);
      expect(bySource(result.items, 'skills/.experimental/lint-fixer').message).toMatch(
        /skills\/\.curated\/lint-fixer in this import has the same name "lint-fixer"/,
      );
      const lint = await api<{ files: { path: string }[] }>(
        server.url,
        token,
        'GET',
        '/api/v1/items/skill/docs-kit/lint-fixer',
      );
      expect(lint.files.map((entry) => entry.path)).toEqual(['SKILL.md', 'agents/helper.yaml']);
      expect(await file('skill/docs-kit/lint-fixer', 'SKILL.md')).toEqual(
        readFileSync(join(repo, 'skills/.curated/lint-fixer/SKILL.md')),
      );
    });
  });

  describe('a plugin marketplace whose plugins share a skill name and bring MCP servers', () => {
    let marketplace: string;
    beforeAll(() => {
      marketplace = copyRepository('plugin-marketplace', box.root);
    });

    it('prints which rule named which skill, the warnings, and what the plugins hold that was not imported', async () => {
      const run = await box.run(['import', marketplace, '--dry-run']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/Checked 6 items from .* into bob: 6 valid/);
      expect(run.stdout).toContain(
        [
          'Names (--plugin-names auto):',
          '  plugins/docs-kit/skills/code-review → skill/bob/docs-kit-code-review (prefixed with its plugin "docs-kit")',
          '  plugins/review-kit/skills/code-review → skill/bob/review-kit-code-review (prefixed with its plugin "review-kit")',
          '  plugins/review-kit/skills/diff-summary → skill/bob/summarize-diff (the name in its SKILL.md, not its folder)',
        ].join('\n'),
      );
      expect(run.stdout).toMatch(/STYLE_API_TOKEN +holds a secret value; left out/);
      expect(run.stdout).toContain(
        [
          'In the plugins but not imported (Atlas holds skills and MCP servers):',
          '  review-kit',
          '    commands:         plugins/review-kit/commands/review.md',
          '    agents:           plugins/review-kit/agents/reviewer.md',
          '    hooks:            plugins/review-kit/hooks/hooks.json',
          '  docs-kit',
          '    commands:         plugins/docs-kit/commands/publish-docs.md',
        ].join('\n'),
      );
      expect(run.stdout).toMatch(/Skipped:\n {2}hosted-plugin: the plugin comes from github/);
      expect(run.stdout).not.toContain('not-a-real-value-0000');
    });

    it('imports skills with plugin prefixes where names collide, and each MCP server as a server.json', async () => {
      const run = await box.run(['import', marketplace, '--json']);
      expect(run.code, run.stderr).toBe(0);
      const result = run.json();
      expect(result).toMatchObject({ layout: 'marketplace', pluginNames: 'auto', namespace: 'bob' });
      const items = result.items as Imported[];
      expect(items.map((item) => [item.source, item.ref, item.status, item.nameRule])).toEqual([
        [
          'plugins/docs-kit/.claude-plugin/plugin.json#/mcpServers/style-guide',
          'mcp/bob/style-guide',
          'published',
          'as-is',
        ],
        ['plugins/docs-kit/skills/code-review', 'skill/bob/docs-kit-code-review', 'published', 'plugin-prefix'],
        ['plugins/review-kit/.mcp.json#/mcpServers/issue-tracker', 'mcp/bob/issue-tracker', 'published', 'as-is'],
        ['plugins/review-kit/.mcp.json#/mcpServers/repo-search', 'mcp/bob/repo-search', 'published', 'as-is'],
        ['plugins/review-kit/skills/code-review', 'skill/bob/review-kit-code-review', 'published', 'plugin-prefix'],
        ['plugins/review-kit/skills/diff-summary', 'skill/bob/summarize-diff', 'published', 'frontmatter'],
      ]);
      expect(bySource(items, 'plugins/docs-kit/skills/code-review').warnings).toContainEqual({
        path: 'SKILL.md#/name',
        message: expect.stringMatching(/"code-review" is also the name of a skill of plugin "review-kit"/),
      });
      expect(result.notImported).toEqual([
        { plugin: 'review-kit', kind: 'command', path: 'plugins/review-kit/commands/review.md' },
        { plugin: 'review-kit', kind: 'agent', path: 'plugins/review-kit/agents/reviewer.md' },
        { plugin: 'review-kit', kind: 'hooks', path: 'plugins/review-kit/hooks/hooks.json' },
        { plugin: 'docs-kit', kind: 'command', path: 'plugins/docs-kit/commands/publish-docs.md' },
      ]);
      expect(result.skipped).toEqual([{ source: 'hosted-plugin', reason: expect.stringMatching(/github/) }]);

      // The prefixed skill's SKILL.md differs from the plugin's only in its name line.
      const original = readFileSync(join(marketplace, 'plugins/review-kit/skills/code-review/SKILL.md'), 'utf8');
      expect((await file('skill/bob/review-kit-code-review', 'SKILL.md')).toString('utf8')).toBe(
        original.replace('name: code-review\n', 'name: review-kit-code-review\n'),
      );

      const tracker = JSON.parse((await file('mcp/bob/issue-tracker', 'server.json')).toString('utf8'));
      expect(tracker).toMatchObject({
        $schema: SERVER_SCHEMA,
        name: 'io.atlas.bob/issue-tracker',
        version: '1.4.0',
        remotes: [
          {
            type: 'streamable-http',
            url: 'https://tracker.example.com/mcp',
            headers: [
              {
                name: 'Authorization',
                value: 'Bearer {TRACKER_TOKEN}',
                isSecret: true,
                variables: { TRACKER_TOKEN: { isRequired: true, isSecret: true } },
              },
              { name: 'X-Tracker-Project', value: 'web' },
            ],
          },
        ],
      });
      const search = JSON.parse((await file('mcp/bob/repo-search', 'server.json')).toString('utf8'));
      expect(search.packages).toEqual([
        expect.objectContaining({
          registryType: 'npm',
          identifier: '@example/repo-search-mcp',
          version: '2.3.1',
          environmentVariables: [
            { name: 'SEARCH_API_KEY', isRequired: true, isSecret: true },
            { name: 'LOG_LEVEL', value: 'warn' },
          ],
        }),
      ]);
      const styleBytes = (await file('mcp/bob/style-guide', 'server.json')).toString('utf8');
      expect(styleBytes).not.toContain('not-a-real-value-0000');
      expect(JSON.parse(styleBytes)).toMatchObject({ name: 'io.atlas.bob/style-guide', version: '0.9.0' });
      expect(JSON.parse(styleBytes).packages).toBeUndefined();
      expect(bySource(items, 'plugins/docs-kit/.claude-plugin/plugin.json#/mcpServers/style-guide').warnings).toEqual(
        expect.arrayContaining([
          {
            path: 'plugins/docs-kit/.claude-plugin/plugin.json#/mcpServers/style-guide/command',
            message: expect.stringMatching(/PyPI package style-guide-mcp without an exact version/),
          },
          {
            path: 'plugins/docs-kit/.claude-plugin/plugin.json#/mcpServers/style-guide/env/STYLE_API_TOKEN',
            message: expect.stringMatching(/holds a secret value; left out/),
          },
        ]),
      );
    });

    it('with --plugin-names prefix names every plugin item after its plugin', async () => {
      const run = await box.run(['import', marketplace, '--plugin-names', 'prefix', '--dry-run', '--json']);
      expect(run.code, run.stderr).toBe(0);
      expect((run.json().items as Imported[]).map((item) => item.ref)).toEqual([
        'mcp/bob/docs-kit-style-guide',
        'skill/bob/docs-kit-code-review',
        'mcp/bob/review-kit-issue-tracker',
        'mcp/bob/review-kit-repo-search',
        'skill/bob/review-kit-code-review',
        'skill/bob/review-kit-summarize-diff',
      ]);
    });

    it('with --plugin-names namespace publishes each plugin into its own team, under the plain names', async () => {
      const refused = await box.run(['import', marketplace, '--plugin-names', 'namespace', '--namespace', 'bob']);
      expect(refused.code).toBe(2);
      const run = await box.run([
        'import',
        marketplace,
        '--plugin-names',
        'namespace',
        '--server-namespace',
        'com.example.tools',
        '--json',
      ]);
      expect(run.code, run.stderr).toBe(0);
      const result = run.json();
      expect(result).toMatchObject({ pluginNames: 'namespace', namespace: null });
      expect((result.items as Imported[]).map((item) => [item.ref, item.namespace, item.status])).toEqual([
        ['mcp/docs-kit/style-guide', 'docs-kit', 'published'],
        ['skill/docs-kit/code-review', 'docs-kit', 'published'],
        ['mcp/review-kit/issue-tracker', 'review-kit', 'published'],
        ['mcp/review-kit/repo-search', 'review-kit', 'published'],
        ['skill/review-kit/code-review', 'review-kit', 'published'],
        ['skill/review-kit/summarize-diff', 'review-kit', 'published'],
      ]);
      const tracker = JSON.parse((await file('mcp/review-kit/issue-tracker', 'server.json')).toString('utf8'));
      expect(tracker.name).toBe('com.example.tools/issue-tracker');
      expect((await file('skill/review-kit/code-review', 'SKILL.md')).toString('utf8')).toBe(
        readFileSync(join(marketplace, 'plugins/review-kit/skills/code-review/SKILL.md'), 'utf8'),
      );
    });
  });
});
