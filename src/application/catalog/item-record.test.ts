import { describe, expect, it } from 'vitest';
import { prepareBundle } from '../../domain/catalog/prepare-bundle.ts';
import { DEFAULT_CONTENT_LIMITS } from '../../domain/content/content-limits.ts';
import { buildItem } from '../../domain/testing/builders.ts';
import { serverFiles, serverJson, skillFiles, toolFiles, toolJson } from '../testing/use-case-helpers.ts';
import { fieldsOfBundle, versionOf } from './item-record.ts';

const bundleOf = (files: Parameters<typeof prepareBundle>[0]) => prepareBundle(files, DEFAULT_CONTENT_LIMITS);

describe('fieldsOfBundle', () => {
  it("mirrors a skill's manifest, description, version and tree SHA, without a title", () => {
    const bundle = bundleOf(skillFiles('pdf-tools', { description: 'Reads PDFs.', version: '1.2.0' }));
    expect(fieldsOfBundle(bundle)).toEqual({
      manifest: bundle.manifest.manifest,
      title: null,
      description: 'Reads PDFs.',
      version: '1.2.0',
      serverName: null,
      searchText: 'pdf-tools Steps.',
      treeSha: bundle.treeSha,
    });
  });

  it("takes an MCP server's title and server name, as written, from its server.json", () => {
    const fields = fieldsOfBundle(
      bundleOf(serverFiles(serverJson({ title: 'Weather', name: 'io.github.Acme/Weather-MCP' }))),
    );
    expect(fields).toMatchObject({
      title: 'Weather',
      version: '1.0.0',
      description: 'Forecasts for the agent.',
      serverName: 'io.github.Acme/Weather-MCP',
    });
  });

  it('records no version for a manifest that declares none, and no title outside MCP servers', () => {
    expect(fieldsOfBundle(bundleOf(skillFiles('pdf-tools'))).version).toBeNull();
    expect(fieldsOfBundle(bundleOf(toolFiles(toolJson({ title: 'Forecast' })))).title).toBeNull();
    expect(fieldsOfBundle(bundleOf(toolFiles())).serverName).toBeNull();
  });
});

describe('versionOf', () => {
  it('records the commit, tree, version and manifest of an item, who may read it, who published it and when', () => {
    const item = buildItem('skill/alice/pdf-tools', { version: '1.0.0', visibility: 'team', teamId: 'team-1' });
    const at = new Date(Date.UTC(2030, 0, 1));
    expect(versionOf(item, 'user-1', at)).toEqual({
      id: expect.any(String),
      itemId: item.id,
      commitSha: item.commitSha,
      treeSha: item.treeSha,
      version: '1.0.0',
      publishedBy: 'user-1',
      manifest: item.manifest,
      access: { visibility: 'team', teamId: 'team-1', ownerUserId: item.ownerUserId },
      createdAt: at,
    });
    expect(versionOf(item, null, at).publishedBy).toBeNull();
  });
});
