import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../domain/errors.ts';
import { atlasState, catalogWorld, ref, serverFiles, skillFiles, toolFiles } from '../testing/use-case-helpers.ts';
import { getInstallInstructions, installLocation } from './get-install-instructions.ts';
import { installItem } from './install-item.ts';
import { publishItem } from './publish-item.ts';

describe('getInstallInstructions', () => {
  it('renders what installItem renders, and changes nothing: no count, no install event, no audit entry', async () => {
    const { deps, alice, otto } = await catalogWorld();
    await publishItem(deps, { namespace: 'alice', files: serverFiles() }, alice);
    const before = await atlasState(deps);
    const shown = await getInstallInstructions(deps, { ref: ref('mcp/alice/weather-mcp'), client: 'cursor' }, otto);
    expect(shown.item.usageCount).toBe(0);
    expect(JSON.stringify(shown.install)).not.toContain('sk-secret-default');
    expect(await atlasState(deps)).toEqual(before);

    const installed = await installItem(deps, { ref: ref('mcp/alice/weather-mcp'), client: 'cursor' }, otto);
    expect(installed.install).toEqual(shown.install);
    expect(installed.usageCount).toBe(1);
  });

  it('names the file or folder of each scope, and none for a tool or a client without one', async () => {
    const { deps, alice } = await catalogWorld();
    await publishItem(deps, { namespace: 'alice', files: skillFiles('pdf-tools') }, alice);
    await publishItem(deps, { namespace: 'alice', files: serverFiles() }, alice);
    await publishItem(deps, { namespace: 'alice', files: toolFiles() }, alice);
    const skill = await getInstallInstructions(
      deps,
      { ref: ref('skill/alice/pdf-tools'), client: 'claude-code' },
      alice,
    );
    expect(installLocation(skill.install, 'user')).toBe('~/.claude/skills/pdf-tools');
    expect(installLocation(skill.install, 'project')).toBe('.claude/skills/pdf-tools');
    const upload = await getInstallInstructions(
      deps,
      { ref: ref('skill/alice/pdf-tools'), client: 'claude-desktop' },
      alice,
    );
    expect(installLocation(upload.install, 'user')).toBeNull();
    const server = await getInstallInstructions(deps, { ref: ref('mcp/alice/weather-mcp'), client: 'cursor' }, alice);
    expect(installLocation(server.install, 'project')).toBe('.cursor/mcp.json');
    const tool = await getInstallInstructions(deps, { ref: ref('tool/alice/get-forecast'), client: 'cursor' }, alice);
    expect(installLocation(tool.install, 'user')).toBeNull();
  });

  it('answers an item the actor may not read with NotFoundError', async () => {
    const { deps, mia, otto } = await catalogWorld();
    await publishItem(deps, { namespace: 'platform', files: skillFiles('secret'), visibility: 'team' }, mia);
    await expect(
      getInstallInstructions(deps, { ref: ref('skill/platform/secret'), client: 'cursor' }, otto),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});
