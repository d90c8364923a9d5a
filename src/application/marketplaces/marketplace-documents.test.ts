import { describe, expect, it } from 'vitest';
import { InMemoryContentStore } from '../../adapters/memory/in-memory-content-store.ts';
import { computeTreeId, EMPTY_TREE_SHA } from '../../domain/content/tree-id.ts';
import { NotFoundError } from '../../domain/errors.ts';
import {
  claudeCodeMarketplace,
  codexMarketplace,
  cursorMarketplace,
  type MarketplaceSkill,
  marketplaceFiles,
  pluginEntries,
  pluginManifest,
  pluginVersion,
} from './marketplace-documents.ts';
import { loadPluginRepository, pluginRepositoryHead } from './plugin-repository.ts';
import { servedMarketplaceFiles } from './served-marketplaces.ts';

const IDENTITY = { name: 'atlas', owner: 'Atlas', origin: 'https://atlas.example.com' };
const skill = (namespace: string, name: string, at: string, treeSha = 'a'.repeat(40)): MarketplaceSkill => ({
  namespace,
  name,
  description: `The ${name} skill.`,
  treeSha,
  updatedAt: at,
});
const SKILLS = [
  skill('web', 'lint', '2030-01-01T00:00:10Z'),
  skill('data', 'csv', '2030-01-01T00:00:05Z'),
  skill('data', 'Zeta', '2030-01-01T00:00:01Z'),
  skill('data', 'charts', '2030-01-01T00:00:20Z'),
];
const git = (namespace: string) => ({
  kind: 'git' as const,
  url: `https://atlas.example.com/marketplaces/git/${namespace}.git`,
  ref: 'main',
  sha: 'c'.repeat(40),
});

describe('marketplace documents', () => {
  it('makes one plugin per namespace, both in code point order, versioned by count and last update', () => {
    const plugins = pluginEntries(SKILLS, IDENTITY.origin, git);
    expect(plugins.map((plugin) => [plugin.name, plugin.skills, plugin.version])).toEqual([
      ['data', ['Zeta', 'charts', 'csv'], `1.3.${Date.UTC(2030, 0, 1, 0, 0, 20) / 1000}`],
      ['web', ['lint'], `1.1.${Date.UTC(2030, 0, 1, 0, 0, 10) / 1000}`],
    ]);
    expect(plugins[0]!.description).toBe('Skills of data from Atlas (https://atlas.example.com): Zeta, charts, csv');
  });

  it('lists at most five skill names in a description', () => {
    const many = Array.from({ length: 8 }, (_, i) => skill('ops', `s${i}`, '2030-01-01T00:00:00Z'));
    expect(pluginManifest('ops', many).description).toBe('Skills of ops from Atlas: s0, s1, s2, s3, s4 and 3 more');
  });

  it('writes Claude Code entries with strict:false and url sources with ref and sha, or ./ folders', () => {
    const served = claudeCodeMarketplace(IDENTITY, pluginEntries(SKILLS, IDENTITY.origin, git));
    expect(served).toMatchObject({ name: 'atlas', owner: { name: 'Atlas' } });
    expect(served.metadata.version).toBe(`1.4.${Date.UTC(2030, 0, 1, 0, 0, 20) / 1000}`);
    expect(served.plugins[0]).toEqual({
      name: 'data',
      source: {
        source: 'url',
        url: 'https://atlas.example.com/marketplaces/git/data.git',
        ref: 'main',
        sha: 'c'.repeat(40),
      },
      description: expect.any(String),
      version: expect.any(String),
      strict: false,
    });
    const folders = claudeCodeMarketplace(
      IDENTITY,
      pluginEntries(SKILLS, IDENTITY.origin, (namespace) => ({ kind: 'folder', path: `./plugins/${namespace}` })),
    );
    expect(folders.plugins.map((plugin) => plugin.source)).toEqual(['./plugins/data', './plugins/web']);
  });

  it('writes Codex entries with policy and category, and local sources as objects', () => {
    const codex = codexMarketplace(
      IDENTITY,
      pluginEntries(SKILLS, IDENTITY.origin, (namespace) => ({ kind: 'folder', path: `./plugins/${namespace}` })),
    );
    expect(codex.interface).toEqual({ displayName: 'Atlas' });
    for (const plugin of codex.plugins) {
      expect(plugin.policy).toEqual({ installation: 'AVAILABLE', authentication: 'ON_INSTALL' });
      expect(plugin.category).toBe('Productivity');
      expect(plugin.source).toEqual({ source: 'local', path: `./plugins/${plugin.name}` });
    }
  });

  it('writes Cursor entries with only the fields its schema allows, names that match its pattern', () => {
    const cursor = cursorMarketplace(IDENTITY, pluginEntries(SKILLS, IDENTITY.origin, git));
    expect(Object.keys(cursor).sort()).toEqual(['metadata', 'name', 'owner', 'plugins']);
    for (const plugin of cursor.plugins) {
      expect(Object.keys(plugin).sort()).toEqual(['description', 'name', 'source', 'version']);
      expect(plugin.name).toMatch(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/);
    }
  });

  it('serialises the same input to the same bytes, and a change of one skill to other bytes', () => {
    const once = marketplaceFiles(IDENTITY, pluginEntries(SKILLS, IDENTITY.origin, git));
    const again = marketplaceFiles(IDENTITY, pluginEntries([...SKILLS].reverse(), IDENTITY.origin, git));
    expect(again).toEqual(once);
    expect(once.claudeCode.endsWith('}\n')).toBe(true);
    const changed = marketplaceFiles(
      IDENTITY,
      pluginEntries([...SKILLS.slice(1), skill('web', 'lint', '2030-01-02T00:00:00Z')], IDENTITY.origin, git),
    );
    expect(changed.codex).toEqual(once.codex);
    expect(changed.claudeCode).not.toEqual(once.claudeCode);
  });

  it('takes dates as Date or ISO text alike', () => {
    expect(pluginVersion([{ updatedAt: new Date('2030-01-01T00:00:01.900Z') }])).toBe(
      pluginVersion([{ updatedAt: '2030-01-01T00:00:01Z' }]),
    );
    expect(pluginVersion([])).toBe('1.0.0');
  });
});

describe('plugin repositories', () => {
  it('pins the same commit for the same skills, whatever origin served them, and another for other trees', () => {
    const one = pluginRepositoryHead('data', SKILLS.slice(1));
    expect(pluginRepositoryHead('data', SKILLS.slice(1)).commitSha).toBe(one.commitSha);
    const served = (origin: string) =>
      JSON.parse(
        servedMarketplaceFiles(SKILLS, { ...IDENTITY, origin }, (namespace) => `${origin}/${namespace}.git`).claudeCode,
      ).plugins[0].source.sha;
    expect(served('https://a.example.com')).toBe(served('https://b.example.com'));
    expect(served('https://a.example.com')).toBe(one.commitSha);
    const other = pluginRepositoryHead('data', [skill('data', 'csv', '2030-01-01T00:00:05Z', 'b'.repeat(40))]);
    expect(other.commitSha).not.toBe(one.commitSha);
  });

  it('loads every object of the skills from the content store, and refuses a skill whose tree moved on', async () => {
    const content = new InMemoryContentStore();
    const files = [
      { path: 'SKILL.md', content: Buffer.from('---\nname: csv\ndescription: CSV.\n---\n'), executable: false },
      { path: 'bin/run', content: Buffer.from('#!/bin/sh\n'), executable: true },
    ];
    const { commitSha } = await content.commit({
      changes: files.map((file) => ({ type: 'write', ...file, path: `skills/data/csv/${file.path}` })),
      message: 'csv',
      author: { name: 'T', email: 't@example.com' },
      expectedHead: await content.head(),
    });
    const stored = {
      ...skill('data', 'csv', '2030-01-01T00:00:00Z', computeTreeId(files)),
      gitPath: 'skills/data/csv',
      commitSha,
    };
    const head = pluginRepositoryHead('data', [stored]);
    const objects = await loadPluginRepository(content, head, [stored]);
    expect(objects.has(stored.treeSha)).toBe(true);
    expect([...objects.values()].filter((object) => object.type === 'blob')).toHaveLength(4);
    expect(objects.get(head.commitSha)?.type).toBe('commit');
    await expect(loadPluginRepository(content, head, [{ ...stored, treeSha: EMPTY_TREE_SHA }])).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
