import { isAbsolute, join, resolve } from 'node:path';
import type { InstallClient } from '../../domain/catalog/install-clients.ts';
import { clientSkillFolder } from './skill-install-paths.ts';

export type InstallScope = 'user' | 'project';
export const INSTALL_SCOPES = ['user', 'project'] as const satisfies readonly InstallScope[];

/** Where paths are resolved: `~` against `home`, project paths against `cwd`, per-user folders by platform. */
export interface PathContext {
  readonly home: string;
  readonly cwd: string;
  readonly platform: NodeJS.Platform;
  /** XDG_CONFIG_HOME (Linux) and APPDATA (Windows) place the per-user folders of desktop apps. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

type Paths = { user?: string; project?: string };

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

/**
 * The MCP config file of each client, by scope: Claude Code `~/.claude.json` (user) and `.mcp.json` (project);
 * Claude Desktop `claude_desktop_config.json` in its app data folder (user only); Cursor `~/.cursor/mcp.json` and
 * `.cursor/mcp.json`; VS Code `mcp.json` in its user profile folder and `.vscode/mcp.json`.
 */
export function mcpConfigPaths(client: InstallClient, context: PathContext): Paths {
  const appData = appDataFolder(context);
  switch (client) {
    case 'claude-code':
      return { user: '~/.claude.json', project: '.mcp.json' };
    case 'claude-desktop':
      return { user: `${appData}/Claude/claude_desktop_config.json` };
    case 'cursor':
      return { user: '~/.cursor/mcp.json', project: '.cursor/mcp.json' };
    case 'vscode':
      return { user: `${appData}/Code/User/mcp.json`, project: '.vscode/mcp.json' };
  }
}

/**
 * The config file to write for `client` and `scope`, decided here alone: never from a server's answer, whose
 * `configPath` is advice for people and could name any file (a server that lies could point it at the client's
 * settings, where hooks run commands).
 */
export function mcpConfigPath(client: InstallClient, scope: InstallScope, context: PathContext): string | undefined {
  const local = mcpConfigPaths(client, context)[scope];
  return local === undefined ? undefined : resolveClientPath(local, context);
}

/** The folder a client reads a skill from, by scope, the way the server renders it (`~` and project-relative). */
export function skillFolderPaths(name: string, client: InstallClient): Paths {
  return { ...(clientSkillFolder(name, client) ?? {}) };
}

/** The scopes a client offers for a kind of item. */
export function scopesOf(paths: Paths): InstallScope[] {
  return (['user', 'project'] as const).filter((scope) => paths[scope] !== undefined);
}

/** `~/x` against the home folder, an absolute path as is, anything else against the current folder. */
export function resolveClientPath(path: string, context: PathContext): string {
  if (path === '~') return context.home;
  if (path.startsWith('~/') || path.startsWith('~\\')) return join(context.home, path.slice(2));
  return isAbsolute(path) ? path : resolve(context.cwd, path);
}
