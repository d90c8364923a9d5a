import { INSTALL_CLIENTS } from '../../../domain/catalog/install-clients.ts';
import { ConflictError, ValidationError } from '../../../domain/errors.ts';
import {
  INSTALL_SCOPES,
  mcpConfigPaths,
  mcpConfigTarget,
  resolveClientPath,
  scopesOf,
  skillFolderPaths,
} from '../../../lib/install/client-locations.ts';
import { CliError, UsageError } from '../cli-error.ts';
import type { Command } from '../command.ts';
import {
  CLIENT_NAMES,
  CLIENT_OPTION,
  clientOf,
  displayPath,
  PORTABLE_OPTION,
  pathContextOf,
  pickScope,
  preferredMcpScope,
  SCOPE_OPTION,
} from '../install-targets.ts';
import { parseReference } from '../item-reference.ts';
import { removeFolder } from '../local/local-folder.ts';
import { removeMcpServer } from '../local/mcp-config-file.ts';

export const uninstallCommand: Command = {
  usage: '<ref> [options]',
  description:
    "Removes the skill folder, or the MCP server's entry from the client's config file (backed up first, other entries,\n" +
    'keys and comments kept). Works offline: it needs only the reference, the client and the scope (and --portable)\n' +
    'the item was installed with.',
  options: {
    client: CLIENT_OPTION,
    scope: SCOPE_OPTION,
    portable: PORTABLE_OPTION,
    force: { type: 'boolean', short: 'f', description: 'Remove a skill folder even if it holds no SKILL.md' },
  },
  positionals: { min: 1, max: 1 },
  json: true,
  examples: [
    'atlas uninstall skill/platform/pdf-tools',
    'atlas uninstall mcp/platform/github --client cursor --scope project',
    'atlas uninstall mcp/platform/github --client codex',
  ],
  async run(context, input) {
    const { term } = context;
    const reference = parseReference(input.positionals[0]!);
    const client = clientOf(input.choice('client', INSTALL_CLIENTS));
    const paths = pathContextOf(context);
    const portable = input.flag('portable');
    if (portable && (client !== 'vscode' || reference.kind !== 'mcp')) {
      throw new UsageError('--portable is for VS Code MCP servers', 'add --client vscode, or leave --portable out');
    }
    let result: { scope: string; path: string; action: 'removed' | 'absent'; backup: string | null };
    try {
      if (reference.kind === 'skill') {
        const folders = skillFolderPaths(reference.name, client);
        const scopes = scopesOf(folders);
        if (scopes.length === 0) {
          throw new CliError(`${CLIENT_NAMES[client]} keeps uploaded skills itself; Atlas wrote no folder to remove`, {
            code: 'unsupported',
            hint: `remove "${reference.name}" in Claude Desktop (Settings, Capabilities, Skills)`,
          });
        }
        const scope = pickScope(input.choice('scope', INSTALL_SCOPES), scopes, client, 'skills folder');
        const path = resolveClientPath(folders[scope]!, paths);
        const removed = await removeFolder(path, { expect: 'SKILL.md', force: input.flag('force') });
        result = { scope, path, action: removed ? 'removed' : 'absent', backup: null };
      } else if (reference.kind === 'mcp') {
        if (client === 'agents') {
          throw new UsageError(
            'agents is a skills folder: no MCP server was installed there',
            'name the client with --client',
          );
        }
        const scope = pickScope(
          input.choice('scope', INSTALL_SCOPES),
          scopesOf(mcpConfigPaths(client, paths, { portable })),
          client,
          'MCP config file',
          preferredMcpScope(client),
        );
        const target = mcpConfigTarget(client, scope, paths, { portable })!;
        const { path } = target;
        const change = await removeMcpServer(path, {
          containerKey: target.containerKey,
          within: target.container.slice(0, -1),
          format: target.format,
          serverKey: reference.name,
        });
        result = { scope, path, action: change.action === 'removed' ? 'removed' : 'absent', backup: change.backup };
      } else {
        throw new CliError('tools are not installed into a client, so there is nothing to uninstall', {
          code: 'unsupported',
        });
      }
    } catch (error) {
      if (error instanceof ValidationError || error instanceof ConflictError) {
        const problem = error instanceof ValidationError ? error.problems[0] : undefined;
        throw new CliError(problem ? `${problem.path} ${problem.message}` : error.message, {
          code: error instanceof ValidationError ? 'bad_config' : 'exists',
        });
      }
      throw error;
    }
    if (term.json) {
      term.writeJson({ ref: reference.ref, kind: reference.kind, client, ...result });
      return 0;
    }
    const shown = displayPath(result.path, paths);
    if (result.action === 'absent') {
      term.out(`${reference.ref} is not installed in ${shown}; nothing to do.`);
      return 0;
    }
    term.out(`${term.style.green('✓')} Removed ${term.style.bold(reference.ref)} from ${shown}`);
    if (result.backup) term.out(term.style.dim(`  The previous file is saved as ${displayPath(result.backup, paths)}`));
    return 0;
  },
};
