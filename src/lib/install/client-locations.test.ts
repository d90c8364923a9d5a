import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MCP_CLIENTS } from '../../domain/catalog/install-clients.ts';
import { mcpConfigTarget, type PathContext, projectRootOf, scopesOf, skillFolderPaths } from './client-locations.ts';

const context = (env: Record<string, string> = {}, cwd = '/work/app'): PathContext => ({
  home: '/home/ann',
  cwd,
  platform: 'linux',
  env,
});

describe('mcpConfigTarget', () => {
  it('names the file, the servers map and the syntax of every client and scope', () => {
    const targets = Object.fromEntries(
      MCP_CLIENTS.map((client) => [
        client,
        Object.fromEntries(
          (['user', 'project', 'local'] as const).flatMap((scope) => {
            const target = mcpConfigTarget(client, scope, context());
            return target ? [[scope, `${target.path} ${target.container.join('.')} ${target.format}`]] : [];
          }),
        ),
      ]),
    );
    expect(targets).toEqual({
      'claude-code': {
        user: '/home/ann/.claude.json mcpServers json',
        project: '/work/app/.mcp.json mcpServers json',
        local: '/home/ann/.claude.json projects./work/app.mcpServers json',
      },
      'claude-desktop': { user: '/home/ann/.config/Claude/claude_desktop_config.json mcpServers json' },
      cursor: {
        user: '/home/ann/.cursor/mcp.json mcpServers json',
        project: '/work/app/.cursor/mcp.json mcpServers json',
      },
      vscode: {
        user: '/home/ann/.config/Code/User/mcp.json servers jsonc',
        project: '/work/app/.vscode/mcp.json servers jsonc',
      },
      codex: {
        user: '/home/ann/.codex/config.toml mcp_servers toml',
        project: '/work/app/.codex/config.toml mcp_servers toml',
      },
      gemini: {
        user: '/home/ann/.gemini/settings.json mcpServers jsonc',
        project: '/work/app/.gemini/settings.json mcpServers jsonc',
      },
      windsurf: { user: '/home/ann/.codeium/windsurf/mcp_config.json mcpServers json' },
    });
    expect(mcpConfigTarget('agents', 'user', context())).toBeUndefined();
  });

  it("writes VS Code's servers for Copilot agents into the portable files, and follows CODEX_HOME and COPILOT_HOME", () => {
    expect(mcpConfigTarget('vscode', 'project', context(), { portable: true })).toEqual({
      path: '/work/app/.mcp.json',
      container: ['mcpServers'],
      containerKey: 'mcpServers',
      format: 'json',
    });
    expect(mcpConfigTarget('vscode', 'user', context(), { portable: true })?.path).toBe(
      '/home/ann/.copilot/mcp-config.json',
    );
    const moved = context({ CODEX_HOME: '/opt/codex', COPILOT_HOME: '/opt/copilot' });
    expect(mcpConfigTarget('codex', 'user', moved)?.path).toBe('/opt/codex/config.toml');
    expect(mcpConfigTarget('vscode', 'user', moved, { portable: true })?.path).toBe('/opt/copilot/mcp-config.json');
    // A relative value is not a place anyone meant: the default stands.
    expect(mcpConfigTarget('codex', 'user', context({ CODEX_HOME: 'codex' }))?.path).toBe(
      '/home/ann/.codex/config.toml',
    );
  });
});

describe('projectRootOf', () => {
  let folder: string | undefined;
  afterEach(() => {
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('is the root of the git repository, as Claude Code files local servers, else the folder itself', () => {
    folder = mkdtempSync(join(tmpdir(), 'atlas-root-'));
    const inside = join(folder, 'repo', 'packages', 'web');
    mkdirSync(inside, { recursive: true });
    expect(projectRootOf(inside)).toBe(inside);
    mkdirSync(join(folder, 'repo', '.git'));
    expect(projectRootOf(inside)).toBe(join(folder, 'repo'));
    expect(mcpConfigTarget('claude-code', 'local', context({}, inside))?.container).toEqual([
      'projects',
      join(folder, 'repo'),
      'mcpServers',
    ]);
  });
});

describe('skill folders', () => {
  it('offers the user and project scopes where the client reads both, and local never', () => {
    expect(scopesOf(skillFolderPaths('pdf-tools', 'codex'))).toEqual(['user', 'project']);
    expect(scopesOf(skillFolderPaths('pdf-tools', 'claude-desktop'))).toEqual([]);
  });
});
