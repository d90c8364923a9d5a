import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverItems } from './discover-items.ts';
import { readItemFolder } from './local-item.ts';

const skill = (name: string) => `---\nname: ${name}\ndescription: The ${name} skill.\n---\n# ${name}\n`;

describe('discoverItems', () => {
  let root: string;
  const write = (files: Record<string, string>) => {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'atlas-discover-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('searches dot-folders, and leaves out only .git and what .gitignore files exclude', async () => {
    write({
      '.gitignore': 'scratch/\n',
      'skills/.curated/lint-fixer/SKILL.md': skill('lint-fixer'),
      'skills/.system/skill-maker/SKILL.md': skill('skill-maker'),
      'skills/.hidden/deeper/notes/SKILL.md': skill('notes'),
      'skills/scratch/draft/SKILL.md': skill('draft'),
      'node_modules/pkg/skills/vendored/SKILL.md': skill('vendored'),
      'vendor/.gitignore': 'ignored-here/\n',
      'vendor/ignored-here/x/SKILL.md': skill('x'),
      'vendor/kept/SKILL.md': skill('kept'),
      '.git/hooks/SKILL.md': skill('never'),
    });
    const found = await discoverItems(root);
    expect(found.layout).toBe('folders');
    expect(found.candidates.map((candidate) => candidate.source)).toEqual([
      'node_modules/pkg/skills/vendored',
      'skills/.curated/lint-fixer',
      'skills/.hidden/deeper/notes',
      'skills/.system/skill-maker',
      'vendor/kept',
    ]);
  });

  it("leaves an item's ignored files out, by the rules above it and its own .gitignore files", async () => {
    write({
      '.gitignore': '*.log\n',
      'skills/pdf/SKILL.md': skill('pdf'),
      'skills/pdf/run.log': 'noise',
      'skills/pdf/.gitignore': '__pycache__/\n',
      'skills/pdf/scripts/__pycache__/x.pyc': 'bytes',
      'skills/pdf/scripts/tool.py': 'print(1)',
      'skills/pdf/scripts/.gitignore': '.env\n',
      'skills/pdf/scripts/.env': 'TOKEN=nope',
    });
    const [candidate] = (await discoverItems(root)).candidates;
    if (candidate?.type !== 'folder') throw new Error('expected a folder');
    const item = await readItemFolder(candidate.source, candidate.path, {
      rules: candidate.ignore!,
      folder: candidate.source,
    });
    expect(item.files.map((file) => file.path)).toEqual([
      '.gitignore',
      'SKILL.md',
      'scripts/.gitignore',
      'scripts/tool.py',
    ]);
  });

  describe('a plugin marketplace', () => {
    beforeEach(() => {
      write({
        '.claude-plugin/marketplace.json': JSON.stringify({
          name: 'shop',
          owner: { name: 'Shop' },
          plugins: [
            { name: 'alpha', source: './plugins/alpha', version: '2.0.0' },
            {
              name: 'beta',
              source: './plugins/beta',
              mcpServers: { inline: { type: 'http', url: 'https://inline.example.com/mcp' } },
              hooks: { Stop: [] },
            },
            { name: 'docs', source: './', strict: false, skills: ['./shared/guide'] },
            { name: 'more-docs', source: './', strict: false, skills: ['./shared/guide', './shared/faq'] },
            { name: 'remote', source: { source: 'github', repo: 'example/remote' } },
            { name: 'empty', source: './plugins/empty' },
          ],
        }),
        'plugins/alpha/skills/review/SKILL.md': skill('review'),
        'plugins/alpha/.mcp.json': JSON.stringify({
          mcpServers: { search: { command: 'npx', args: ['-y', 'search-mcp@1.0.0'] } },
        }),
        'plugins/alpha/commands/review.md': '# review',
        'plugins/alpha/commands/nested/deep.md': '# deep',
        'plugins/alpha/agents/reviewer.md': '# reviewer',
        'plugins/alpha/hooks/hooks.json': '{"hooks": {}}',
        'plugins/beta/.claude-plugin/plugin.json': JSON.stringify({
          name: 'beta',
          skills: ['./extra-skills'],
          mcpServers: { search: { command: 'uvx', args: ['other'] } },
        }),
        'plugins/beta/skills/not-listed/SKILL.md': skill('not-listed'),
        'plugins/beta/extra-skills/review/SKILL.md': skill('review'),
        'plugins/beta/.mcp.json': JSON.stringify({ search: { command: 'uvx', args: ['search-mcp==1.0.0'] } }),
        'plugins/empty/README.md': 'nothing here',
        'shared/guide/SKILL.md': skill('guide'),
        'shared/faq/SKILL.md': skill('faq'),
      });
    });

    it('finds each local plugin’s skills and MCP servers, a folder listed twice once, for the first plugin', async () => {
      const found = await discoverItems(root);
      expect(found.layout).toBe('marketplace');
      expect(found.candidates.map((candidate) => [candidate.source, candidate.type, candidate.plugin])).toEqual([
        ['.claude-plugin/marketplace.json#/plugins/1/mcpServers/inline', 'mcp-config', 'beta'],
        ['plugins/alpha/.mcp.json#/mcpServers/search', 'mcp-config', 'alpha'],
        ['plugins/alpha/skills/review', 'folder', 'alpha'],
        ['plugins/beta/.mcp.json#/search', 'mcp-config', 'beta'],
        ['plugins/beta/extra-skills/review', 'folder', 'beta'],
        ['shared/faq', 'folder', 'more-docs'],
        ['shared/guide', 'folder', 'docs'],
      ]);
      const search = found.candidates.find((candidate) => candidate.source.startsWith('plugins/alpha/.mcp.json'));
      expect(search).toMatchObject({ key: 'search', pluginVersion: '2.0.0' });
    });

    it('follows no symbolic link out of the marketplace folder', async () => {
      const outside = mkdtempSync(join(tmpdir(), 'atlas-outside-'));
      try {
        mkdirSync(join(outside, 'skills', 'stolen'), { recursive: true });
        writeFileSync(join(outside, 'skills', 'stolen', 'SKILL.md'), skill('stolen'));
        symlinkSync(outside, join(root, 'plugins', 'linked'));
        symlinkSync(join(outside, 'skills'), join(root, 'plugins', 'alpha', 'linked-skills'));
        write({
          '.claude-plugin/marketplace.json': JSON.stringify({
            name: 'shop',
            owner: { name: 'Shop' },
            plugins: [
              { name: 'linked', source: './plugins/linked' },
              { name: 'alpha', source: './plugins/alpha', skills: ['./skills', './linked-skills'] },
            ],
          }),
        });
        const found = await discoverItems(root);
        expect(found.candidates.map((candidate) => candidate.source)).not.toContainEqual(
          expect.stringMatching(/stolen|linked/),
        );
        expect(found.skipped).toContainEqual({ source: 'linked', reason: expect.stringMatching(/outside/) });
      } finally {
        rmSync(outside, { recursive: true, force: true });
      }
    });

    it('lists what Atlas does not import, by plugin and file, and says why plugins were skipped', async () => {
      const found = await discoverItems(root);
      expect(found.notImported).toEqual([
        { plugin: 'alpha', kind: 'command', path: 'plugins/alpha/commands/nested/deep.md' },
        { plugin: 'alpha', kind: 'command', path: 'plugins/alpha/commands/review.md' },
        { plugin: 'alpha', kind: 'agent', path: 'plugins/alpha/agents/reviewer.md' },
        { plugin: 'alpha', kind: 'hooks', path: 'plugins/alpha/hooks/hooks.json' },
        { plugin: 'beta', kind: 'hooks', path: '.claude-plugin/marketplace.json#/plugins/1/hooks' },
      ]);
      expect(found.skipped).toEqual([
        {
          source: 'beta: plugins/beta/.claude-plugin/plugin.json#/mcpServers/search',
          reason: expect.stringMatching(/also defined at plugins\/beta\/.mcp.json#\/search/),
        },
        { source: 'remote', reason: expect.stringMatching(/comes from github/) },
        { source: 'empty', reason: expect.stringMatching(/no skills .* and no MCP servers/) },
      ]);
    });
  });
});
