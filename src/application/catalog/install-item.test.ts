import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import { NotFoundError, UnauthenticatedError, ValidationError } from '../../domain/errors.ts';
import {
  atlasState,
  auditTrail,
  catalogWorld,
  ref,
  serverFiles,
  serverJson,
  skillFiles,
  toolFiles,
  toolJson,
} from '../testing/use-case-helpers.ts';
import { installItem } from './install-item.ts';
import { publishItem } from './publish-item.ts';

describe('installItem', () => {
  it('counts an install, records who installed it into which client, and audits it', async () => {
    const { deps, alice, otto, clock } = await catalogWorld();
    const published = await publishItem(deps, { namespace: 'alice', files: skillFiles('pdf-tools') }, alice);
    const first = await installItem(deps, { ref: ref('skill/alice/pdf-tools'), client: 'claude-code' }, otto);
    const second = await installItem(deps, { ref: ref('skill/alice/pdf-tools'), client: 'cursor' }, alice);

    expect(first.usageCount).toBe(1);
    expect(second.usageCount).toBe(2);
    expect(second.item.usageCount).toBe(2);
    expect((await deps.db.items.findByRef(ref('skill/alice/pdf-tools')))?.usageCount).toBe(2);
    expect(await deps.db.items.findById(published.item.id)).toMatchObject({ usageCount: 2 });
    const entries = await auditTrail(deps, 'item.install');
    expect(entries.map((e) => [e.actorName, e.target, e.details])).toEqual([
      ['otto', 'skill/alice/pdf-tools', { client: 'claude-code' }],
      ['alice', 'skill/alice/pdf-tools', { client: 'cursor' }],
    ]);
    expect(entries[0]?.at).toEqual(clock.now());
  });

  it("renders an MCP server's config for the client with secrets as placeholders, never their values", async () => {
    const { deps, alice } = await catalogWorld();
    await publishItem(deps, { namespace: 'alice', files: serverFiles() }, alice);
    for (const client of ['claude-code', 'claude-desktop', 'cursor', 'vscode'] as const) {
      const { install } = await installItem(deps, { ref: ref('mcp/alice/weather-mcp'), client }, alice);
      expect(install.kind).toBe('mcp');
      const rendered = JSON.stringify(install);
      expect(rendered).toContain('@acme/weather-mcp');
      expect(rendered).toContain('WEATHER_KEY');
      expect(rendered).not.toContain('sk-secret-default');
    }
  });

  it('names the folder a skill goes in for clients that read skill folders, and says to upload it otherwise', async () => {
    const { deps, alice } = await catalogWorld();
    await publishItem(deps, { namespace: 'alice', files: skillFiles('pdf-tools') }, alice);
    const code = await installItem(deps, { ref: ref('skill/alice/pdf-tools'), client: 'claude-code' }, alice);
    expect(code.install).toEqual({
      kind: 'skill',
      folder: { user: '~/.claude/skills/pdf-tools', project: '.claude/skills/pdf-tools' },
      notes: [expect.stringContaining('.claude/skills/pdf-tools')],
    });
    const desktop = await installItem(deps, { ref: ref('skill/alice/pdf-tools'), client: 'claude-desktop' }, alice);
    expect(desktop.install).toMatchObject({ kind: 'skill', folder: null, notes: [expect.stringContaining('upload')] });
  });

  it("returns a tool's definition as published", async () => {
    const { deps, alice } = await catalogWorld();
    await publishItem(deps, { namespace: 'alice', files: toolFiles() }, alice);
    const { install } = await installItem(deps, { ref: ref('tool/alice/get-forecast'), client: 'vscode' }, alice);
    expect(install).toEqual({ kind: 'tool', definition: toolJson() });
  });

  it('refuses an item the client cannot install with ValidationError, without counting it', async () => {
    const { deps, alice } = await catalogWorld();
    await publishItem(
      deps,
      { namespace: 'alice', name: 'nothing', files: serverFiles(serverJson({ packages: undefined })) },
      alice,
    );
    const before = await atlasState(deps);
    await expect(installItem(deps, { ref: ref('mcp/alice/nothing'), client: 'cursor' }, alice)).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(await atlasState(deps)).toEqual(before);
  });

  it('answers an item the actor may not read with NotFoundError, without counting it', async () => {
    const { deps, mia, otto } = await catalogWorld();
    await publishItem(deps, { namespace: 'platform', files: skillFiles('secret'), visibility: 'team' }, mia);
    const before = await atlasState(deps);
    await expect(
      installItem(deps, { ref: ref('skill/platform/secret'), client: 'claude-code' }, otto),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('counts an anonymous install on a public catalog, and asks for sign-in on a private one', async () => {
    const open = await catalogWorld({ publicRead: true });
    await publishItem(open.deps, { namespace: 'alice', files: skillFiles('pdf-tools') }, open.alice);
    const result = await installItem(open.deps, { ref: ref('skill/alice/pdf-tools'), client: 'cursor' }, anonymous());
    expect(result.usageCount).toBe(1);
    expect((await auditTrail(open.deps, 'item.install'))[0]).toMatchObject({ actorId: null });

    const closed = await catalogWorld();
    await publishItem(closed.deps, { namespace: 'alice', files: skillFiles('pdf-tools') }, closed.alice);
    await expect(
      installItem(closed.deps, { ref: ref('skill/alice/pdf-tools'), client: 'cursor' }, anonymous()),
    ).rejects.toBeInstanceOf(UnauthenticatedError);
    expect((await closed.deps.db.items.findByRef(ref('skill/alice/pdf-tools')))?.usageCount).toBe(0);
  });
});
