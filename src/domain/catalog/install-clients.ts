import type { JsonObject } from '../manifests/manifest.ts';

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
  mcp(server: Readonly<Record<string, unknown>>, client: InstallClient, serverKey: string): McpInstall;
  /** The folders a client reads a skill named `name` from. */
  skillFolder(name: string, client: InstallClient): SkillFolder | undefined;
}

/** A VS Code `inputs` entry: VS Code prompts for the value once and keeps it in its secret storage. */
export interface VsCodeInput {
  type: 'promptString';
  id: string;
  description: string;
  password?: true;
}

/** An MCP server's entry in one client's config, and what the user must know to use it. */
export interface McpInstall {
  client: InstallClient;
  serverKey: string;
  /** The object to place under `containerKey[serverKey]` in the client's config file. */
  entry: JsonObject;
  /** Where the client reads it, `~` meaning the home folder. */
  configPath: { user?: string; project?: string };
  containerKey: 'mcpServers' | 'servers';
  /** VS Code only: entries for the top-level `inputs` list of `.vscode/mcp.json`. */
  inputs?: VsCodeInput[];
  /** Claude Code only: the `claude mcp add` command line that adds the same server. */
  command?: string;
  /** Secret variables the user must provide; their values never appear in `entry` or `command`. */
  secrets: string[];
  notes: string[];
  /** The package or remote of the server.json that was rendered. */
  source: { type: 'package' | 'remote'; index: number };
}
