/** The clients Atlas renders install instructions for. */
export const INSTALL_CLIENTS = ['claude-code', 'claude-desktop', 'cursor', 'vscode'] as const;
export type InstallClient = (typeof INSTALL_CLIENTS)[number];

/** Where a client reads a skill folder from (`~` is the home folder; project paths are relative to its root). */
export interface SkillFolder {
  readonly user?: string;
  readonly project?: string;
}

/**
 * What each client needs to run an item: MCP server config entries and skill folders. A port, so
 * the use cases stay free of the clients' file formats.
 */
export interface ClientConfigs {
  /**
   * The config entry a client needs for an MCP server (server.json as parsed), with secret inputs
   * as placeholders, never values. @throws ValidationError when nothing in the server is installable.
   */
  mcp(server: Readonly<Record<string, unknown>>, client: InstallClient, serverKey: string): Record<string, unknown>;
  /** The folders a client reads a skill named `name` from. */
  skillFolder(name: string, client: InstallClient): SkillFolder | undefined;
}
