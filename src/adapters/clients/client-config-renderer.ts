import type { ClientConfigs, InstallClient, SkillFolder } from '../../domain/catalog/install-clients.ts';
import type { ServerJson } from '../../domain/manifests/server-json.ts';
import { renderMcpInstall } from './render-mcp-install.ts';
import { type SkillClient, skillInstallPaths } from './skill-install-paths.ts';

/** Which skills folder convention each install client reads. Claude Desktop takes skills as uploaded zips. */
const SKILL_CONVENTION: Record<InstallClient, SkillClient | undefined> = {
  'claude-code': 'claude-code',
  'claude-desktop': undefined,
  cursor: 'cursor',
  vscode: 'github-copilot',
};

/** The client config formats of Claude Code, Claude Desktop, Cursor and VS Code. */
export class ClientConfigRenderer implements ClientConfigs {
  mcp(server: Readonly<Record<string, unknown>>, client: InstallClient, serverKey: string): Record<string, unknown> {
    const install = renderMcpInstall(server as unknown as ServerJson, client, { serverKey });
    return { ...install };
  }

  skillFolder(name: string, client: InstallClient): SkillFolder | undefined {
    const convention = SKILL_CONVENTION[client];
    return convention ? skillInstallPaths(name)[convention] : undefined;
  }
}
