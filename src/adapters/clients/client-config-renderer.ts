import type { ClientConfigs, InstallClient, McpInstall, SkillFolder } from '../../domain/catalog/install-clients.ts';
import type { ServerJson } from '../../domain/manifests/server-json.ts';
import { renderMcpInstall } from '../../lib/install/render-mcp-install.ts';
import { clientSkillFolder } from '../../lib/install/skill-install-paths.ts';

/**
 * The client config formats of Claude Code, Claude Desktop, Cursor, VS Code (and Copilot's portable file), Codex,
 * Gemini CLI and Windsurf, and the skills folders of those and of the shared `.agents/skills` convention.
 */
export class ClientConfigRenderer implements ClientConfigs {
  mcp(server: Readonly<Record<string, unknown>>, client: InstallClient, serverKey: string): McpInstall {
    return renderMcpInstall(server as unknown as ServerJson, client, { serverKey });
  }

  skillFolder(name: string, client: InstallClient): SkillFolder | undefined {
    return clientSkillFolder(name, client);
  }
}
