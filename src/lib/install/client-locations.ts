import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { InstallClient, McpConfigFormat, McpContainerKey } from '../../domain/catalog/install-clients.ts';
import { clientSkillFolder } from './skill-install-paths.ts';

/**
 * Where an item is installed: `user` (every project), `project` (a file or folder in the project, shared with it) or
 * `local` (Claude Code only: this project, private to the user, kept in ~/.claude.json).
 */
export type InstallScope = 'user' | 'project' | 'local';
export const INSTALL_SCOPES = ['user', 'project', 'local'] as const satisfies readonly InstallScope[];

/** Where paths are resolved: `~` against `home`, project paths against `cwd`, per-user folders by platform. */
export interface PathContext {
  readonly home: string;
  readonly cwd: string;
  readonly platform: NodeJS.Platform;
  /**
   * XDG_CONFIG_HOME (Linux) and APPDATA (Windows) place the per-user folders of desktop apps; CODEX_HOME and
   * COPILOT_HOME move Codex's and Copilot's.
   */
  readonly env: Readonly<Record<string, string | undefined>>;
}

type Paths = { user?: string; project?: string; local?: string };

/** The file an MCP server is written to, and where in it, for one client and scope. */
export interface McpConfigTarget {
  /** The file, absolute. */
  readonly path: string;
  /** The keys from the top of the file to the servers map: `["mcpServers"]`, `["projects", "/work/app", "mcpServers"]`. */
  readonly container: readonly string[];
  /** The last of `container`: the key the server's answer names. */
  readonly containerKey: McpContainerKey;
  readonly format: McpConfigFormat;
}

export interface McpTargetOptions {
  /** VS Code: the portable file Copilot agents read (`.mcp.json`, `mcp-config.json`) instead of VS Code's own. */
  readonly portable?: boolean;
}

/**
 * Where desktop apps keep per-user settings, `~` meaning the home folder: `~/Library/Application Support` on
 * macOS, `%APPDATA%` on Windows, `$XDG_CONFIG_HOME` or `~/.config` elsewhere (Electron's rule).
 */
function appDataFolder(context: PathContext): string {
  if (context.platform === 'darwin') return '~/Library/Application Support';
  if (context.platform === 'win32') return context.env.APPDATA || '~/AppData/Roaming';
  const xdg = context.env.XDG_CONFIG_HOME;
  return xdg && isAbsolute(xdg) ? xdg : '~/.config';
}

/** A folder a client lets its users move with an environment variable, when that names an absolute path. */
function homeOverride(context: PathContext, variable: string, fallback: string): string {
  const value = context.env[variable];
  return value && isAbsolute(value) ? value : fallback;
}

/**
 * The MCP config file of each client, by scope: Claude Code `~/.claude.json` (user, and local under the project's
 * entry) and `.mcp.json` (project); Claude Desktop `claude_desktop_config.json` in its app data folder (user only);
 * Cursor `~/.cursor/mcp.json` and `.cursor/mcp.json`; VS Code `mcp.json` in its user profile folder and
 * `.vscode/mcp.json`, or with `portable` Copilot's `~/.copilot/mcp-config.json` and `.mcp.json`; Codex
 * `~/.codex/config.toml` (or `$CODEX_HOME`) and `.codex/config.toml`; Gemini CLI `~/.gemini/settings.json` and
 * `.gemini/settings.json`; Windsurf `~/.codeium/windsurf/mcp_config.json` (user only). `agents` has none.
 */
export function mcpConfigPaths(client: InstallClient, context: PathContext, options: McpTargetOptions = {}): Paths {
  const appData = appDataFolder(context);
  switch (client) {
    case 'claude-code':
      return { user: '~/.claude.json', project: '.mcp.json', local: '~/.claude.json' };
    case 'claude-desktop':
      return { user: `${appData}/Claude/claude_desktop_config.json` };
    case 'cursor':
      return { user: '~/.cursor/mcp.json', project: '.cursor/mcp.json' };
    case 'vscode':
      return options.portable
        ? { user: `${homeOverride(context, 'COPILOT_HOME', '~/.copilot')}/mcp-config.json`, project: '.mcp.json' }
        : { user: `${appData}/Code/User/mcp.json`, project: '.vscode/mcp.json' };
    case 'codex':
      return { user: `${homeOverride(context, 'CODEX_HOME', '~/.codex')}/config.toml`, project: '.codex/config.toml' };
    case 'gemini':
      return { user: '~/.gemini/settings.json', project: '.gemini/settings.json' };
    case 'windsurf':
      return { user: '~/.codeium/windsurf/mcp_config.json' };
    case 'agents':
      return {};
  }
}

/** The servers map each client reads, and the syntax of its file. */
function containerOf(
  client: InstallClient,
  options: McpTargetOptions,
): { key: McpContainerKey; format: McpConfigFormat } {
  switch (client) {
    case 'vscode':
      return options.portable ? { key: 'mcpServers', format: 'json' } : { key: 'servers', format: 'jsonc' };
    case 'codex':
      return { key: 'mcp_servers', format: 'toml' };
    case 'gemini':
      return { key: 'mcpServers', format: 'jsonc' };
    default:
      return { key: 'mcpServers', format: 'json' };
  }
}

/**
 * The config file to write for `client` and `scope`, and where in it, decided here alone: never from a server's
 * answer, whose `configPath` is advice for people and could name any file (a server that lies could point it at the
 * client's settings, where hooks run commands). Undefined when the client has no such scope.
 */
export function mcpConfigTarget(
  client: InstallClient,
  scope: InstallScope,
  context: PathContext,
  options: McpTargetOptions = {},
): McpConfigTarget | undefined {
  const local = mcpConfigPaths(client, context, options)[scope];
  if (local === undefined) return undefined;
  const { key, format } = containerOf(client, options);
  // Claude Code keeps local servers under the project's entry, keyed by the repository root (or the folder).
  const container = scope === 'local' ? ['projects', projectRootOf(context.cwd), key] : [key];
  return { path: resolveClientPath(local, context), container, containerKey: key, format };
}

/** The config file to write for `client` and `scope` (see mcpConfigTarget). */
export function mcpConfigPath(client: InstallClient, scope: InstallScope, context: PathContext): string | undefined {
  return mcpConfigTarget(client, scope, context)?.path;
}

/**
 * The folder Claude Code files a project under in ~/.claude.json: the root of the git repository that holds `cwd`,
 * else `cwd` itself.
 */
export function projectRootOf(cwd: string): string {
  for (let folder = resolve(cwd); ; folder = dirname(folder)) {
    if (existsSync(join(folder, '.git'))) return folder;
    if (dirname(folder) === folder) return resolve(cwd);
  }
}

/** The folder a client reads a skill from, by scope, the way the server renders it (`~` and project-relative). */
export function skillFolderPaths(name: string, client: InstallClient): Paths {
  return { ...(clientSkillFolder(name, client) ?? {}) };
}

/** The scopes a client offers for a kind of item. */
export function scopesOf(paths: Paths): InstallScope[] {
  return (['user', 'project', 'local'] as const).filter((scope) => paths[scope] !== undefined);
}

/** `~/x` against the home folder, an absolute path as is, anything else against the current folder. */
export function resolveClientPath(path: string, context: PathContext): string {
  if (path === '~') return context.home;
  if (path.startsWith('~/') || path.startsWith('~\\')) return join(context.home, path.slice(2));
  return isAbsolute(path) ? path : resolve(context.cwd, path);
}
