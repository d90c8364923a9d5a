import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../domain/errors.ts';
import { skillInstallPaths } from './skill-install-paths.ts';

describe('skillInstallPaths', () => {
  it('names the folder each client reads a skill from', () => {
    expect(skillInstallPaths('pdf-tools')).toEqual({
      'claude-code': { user: '~/.claude/skills/pdf-tools', project: '.claude/skills/pdf-tools' },
      agents: { project: '.agents/skills/pdf-tools' },
      'github-copilot': { project: '.github/skills/pdf-tools' },
      cursor: { project: '.cursor/skills/pdf-tools' },
    });
  });

  it.each(['../etc', 'a/b', 'PDF', '', '.hidden'])(
    'refuses the name %j, so no path leaves the skills folder',
    (name) => {
      expect(() => skillInstallPaths(name)).toThrow(ValidationError);
    },
  );
});
