import type { InstallClient, SkillFolder } from '../../domain/catalog/install-clients.ts';
import { toItemName } from '../../domain/catalog/item-name.ts';

export const SKILL_CLIENTS = ['claude-code', 'agents', 'github-copilot', 'cursor'] as const;
export type SkillClient = (typeof SKILL_CLIENTS)[number];

/** Where a client reads a skill folder from, `~` meaning the home folder; project paths are relative to its root. */
export interface SkillInstallPath {
  user?: string;
  project?: string;
}

/**
 * The folder each client reads a skill named `name` from: Claude Code `~/.claude/skills/<name>` and
 * `.claude/skills/<name>`; agents that follow the generic convention `.agents/skills/<name>`; GitHub Copilot in
 * VS Code `.github/skills/<name>`; Cursor `.cursor/skills/<name>`. The name must follow the item-name rule, so it
 * can never climb out of the skills folder (ValidationError otherwise).
 */
export function skillInstallPaths(name: string): Record<SkillClient, SkillInstallPath> {
  const folder = toItemName(name, 'name');
  return {
    'claude-code': { user: `~/.claude/skills/${folder}`, project: `.claude/skills/${folder}` },
    agents: { project: `.agents/skills/${folder}` },
    'github-copilot': { project: `.github/skills/${folder}` },
    cursor: { project: `.cursor/skills/${folder}` },
  };
}

/** Which skills folder convention each install client reads. Claude Desktop takes skills as uploaded zips. */
const SKILL_CONVENTION: Record<InstallClient, SkillClient | undefined> = {
  'claude-code': 'claude-code',
  'claude-desktop': undefined,
  cursor: 'cursor',
  vscode: 'github-copilot',
};

/** The folders an install client reads a skill named `name` from; undefined for a client without skill folders. */
export function clientSkillFolder(name: string, client: InstallClient): SkillFolder | undefined {
  const convention = SKILL_CONVENTION[client];
  return convention ? skillInstallPaths(name)[convention] : undefined;
}
