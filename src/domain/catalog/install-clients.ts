import type { JsonObject } from '../manifests/manifest.ts';

/**
 * The clients Atlas renders install instructions for. `agents` is not a program but the shared `.agents/skills`
 * folder that several agents read: it takes skills, not MCP servers.
 */
export const INSTALL_CLIENTS = [
  'claude-code',
  'claude-desktop',
  'cursor',
  'vscode',
  'codex',
  'gemini',
  'windsurf',
  'agents',
] as const;
export type InstallClient = (typeof INSTALL_CLIENTS)[number];

/** The clients that read MCP servers from a config file. */
export const MCP_CLIENTS = INSTALL_CLIENTS.filter(
  (client): client is Exclude<InstallClient, 'agents'> => client !== 'agents',
);
export type McpClient = (typeof MCP_CLIENTS)[number];

/** The scopes rendered install paths name: the user's own config or folder, or the project's (when the client has one). */
export const INSTALL_PATH_SCOPES = ['user', 'project'] as const;
export type InstallPathScope = (typeof INSTALL_PATH_SCOPES)[number];

/** The syntax of a client's MCP config file: plain JSON, JSON with comments (and trailing commas), or TOML. */
export type McpConfigFormat = 'json' | 'jsonc' | 'toml';

/** The key under which a client's config file maps server names to servers. */
export type McpContainerKey = 'mcpServers' | 'servers' | 'mcp_servers';

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
   * as placeholders, never values. @throws ValidationError when nothing in the server is installable, or the
   * client reads no MCP servers (`agents`).
   */
  mcp(server: Readonly<Record<string, unknown>>, client: InstallClient, serverKey: string): McpInstall;
  /** The folders a client reads a skill named `name` from; undefined for a client that takes skills by upload. */
  skillFolder(name: string, client: InstallClient): SkillFolder | undefined;
}

/** A VS Code `inputs` entry: VS Code prompts for the value once and keeps it in its secret storage. */
export interface VsCodeInput {
  type: 'promptString';
  id: string;
  description: string;
  password?: true;
}

/**
 * The same server in the portable format that Copilot agents read (`.mcp.json`, `~/.copilot/mcp-config.json`):
 * they skip VS Code servers that need `${input:...}` values, so secrets here come from the environment.
 */
export interface PortableMcpEntry {
  entry: JsonObject;
  configPath: { user?: string; project?: string };
  containerKey: 'mcpServers';
}

/** An MCP server's entry in one client's config, and what the user must know to use it. */
export interface McpInstall {
  client: InstallClient;
  serverKey: string;
  /** The object to place under `containerKey[serverKey]` in the client's config file (a TOML table for Codex). */
  entry: JsonObject;
  /** Where the client reads it, `~` meaning the home folder. */
  configPath: { user?: string; project?: string };
  containerKey: McpContainerKey;
  format: McpConfigFormat;
  /** VS Code only: entries for the top-level `inputs` list of `.vscode/mcp.json`. */
  inputs?: VsCodeInput[];
  /** VS Code only: the entry for Copilot agents, which read the portable format. */
  portable?: PortableMcpEntry;
  /** Claude Code only: the `claude mcp add-json` command line that adds the same server, secrets unexpanded. */
  command?: string;
  /** Secret variables the user must provide; their values never appear in `entry` or `command`. */
  secrets: string[];
  notes: string[];
  /** The package or remote of the server.json that was rendered. */
  source: { type: 'package' | 'remote'; index: number };
}
