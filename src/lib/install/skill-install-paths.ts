import type { InstallClient, SkillFolder } from '../../domain/catalog/install-clients.ts';
import { toItemName } from '../../domain/catalog/item-name.ts';

export const SKILL_CLIENTS = ['claude-code', 'agents', 'github-copilot', 'cursor', 'windsurf'] as const;
export type SkillClient = (typeof SKILL_CLIENTS)[number];

/** Where a client reads a skill folder from, `~` meaning the home folder; project paths are relative to its root. */
export interface SkillInstallPath {
  user?: string;
  project?: string;
}

/**
 * The folder each skills convention reads a skill named `name` from, for the user (every project) and the project:
 * Claude Code `~/.claude/skills/<name>` and `.claude/skills/<name>`; the shared convention of Codex, Gemini CLI and
 * other agents `~/.agents/skills/<name>` and `.agents/skills/<name>`; GitHub Copilot `~/.copilot/skills/<name>` and
 * `.github/skills/<name>`; Cursor `~/.cursor/skills/<name>` and `.cursor/skills/<name>`; Windsurf
 * `~/.codeium/windsurf/skills/<name>` and `.windsurf/skills/<name>`. The name must follow the item-name rule, so it
 * can never climb out of the skills folder (ValidationError otherwise).
 */
export function skillInstallPaths(name: string): Record<SkillClient, SkillInstallPath> {
  const folder = toItemName(name, 'name');
  return {
    'claude-code': { user: `~/.claude/skills/${folder}`, project: `.claude/skills/${folder}` },
    agents: { user: `~/.agents/skills/${folder}`, project: `.agents/skills/${folder}` },
    'github-copilot': { user: `~/.copilot/skills/${folder}`, project: `.github/skills/${folder}` },
    cursor: { user: `~/.cursor/skills/${folder}`, project: `.cursor/skills/${folder}` },
    windsurf: { user: `~/.codeium/windsurf/skills/${folder}`, project: `.windsurf/skills/${folder}` },
  };
}

/**
 * Which skills folder convention each install client reads. Claude Desktop takes skills as uploaded zips; Codex and
 * Gemini CLI read the shared `.agents/skills` folders (Gemini CLI as an alias of its own `.gemini/skills`).
 */
const SKILL_CONVENTION: Record<InstallClient, SkillClient | undefined> = {
  'claude-code': 'claude-code',
  'claude-desktop': undefined,
  cursor: 'cursor',
  vscode: 'github-copilot',
  codex: 'agents',
  gemini: 'agents',
  windsurf: 'windsurf',
  agents: 'agents',
};

/** The folders an install client reads a skill named `name` from; undefined for a client without skill folders. */
export function clientSkillFolder(name: string, client: InstallClient): SkillFolder | undefined {
  const convention = SKILL_CONVENTION[client];
  return convention ? skillInstallPaths(name)[convention] : undefined;
}
