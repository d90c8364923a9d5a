import { describe, expect, it } from 'vitest';
import { INSTALL_CLIENTS } from '../../domain/catalog/install-clients.ts';
import { ValidationError } from '../../domain/errors.ts';
import { clientSkillFolder, skillInstallPaths } from './skill-install-paths.ts';

describe('skillInstallPaths', () => {
  it('names the folder each convention reads a skill from, for the user and the project', () => {
    expect(skillInstallPaths('pdf-tools')).toEqual({
      'claude-code': { user: '~/.claude/skills/pdf-tools', project: '.claude/skills/pdf-tools' },
      agents: { user: '~/.agents/skills/pdf-tools', project: '.agents/skills/pdf-tools' },
      'github-copilot': { user: '~/.copilot/skills/pdf-tools', project: '.github/skills/pdf-tools' },
      cursor: { user: '~/.cursor/skills/pdf-tools', project: '.cursor/skills/pdf-tools' },
      windsurf: { user: '~/.codeium/windsurf/skills/pdf-tools', project: '.windsurf/skills/pdf-tools' },
    });
  });

  it('gives every client its folders: Codex, Gemini CLI and agents share .agents/skills, Claude Desktop has none', () => {
    const project = Object.fromEntries(
      INSTALL_CLIENTS.map((client) => [client, clientSkillFolder('pdf-tools', client)?.project ?? null]),
    );
    expect(project).toEqual({
      'claude-code': '.claude/skills/pdf-tools',
      'claude-desktop': null,
      cursor: '.cursor/skills/pdf-tools',
      vscode: '.github/skills/pdf-tools',
      codex: '.agents/skills/pdf-tools',
      gemini: '.agents/skills/pdf-tools',
      windsurf: '.windsurf/skills/pdf-tools',
      agents: '.agents/skills/pdf-tools',
    });
    expect(clientSkillFolder('pdf-tools', 'codex')?.user).toBe('~/.agents/skills/pdf-tools');
  });

  it.each(['../etc', 'a/b', 'PDF', '', '.hidden'])(
    'refuses the name %j, so no path leaves the skills folder',
    (name) => {
      expect(() => skillInstallPaths(name)).toThrow(ValidationError);
    },
  );
});
