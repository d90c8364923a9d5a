import { INSTALL_CLIENTS } from '../../../domain/catalog/install-clients.ts';
import { ConflictError, ValidationError } from '../../../domain/errors.ts';
import {
  INSTALL_SCOPES,
  mcpConfigPath,
  mcpConfigPaths,
  resolveClientPath,
  scopesOf,
  skillFolderPaths,
} from '../../../lib/install/client-locations.ts';
import { CliError } from '../cli-error.ts';
import type { Command } from '../command.ts';
import {
  CLIENT_NAMES,
  CLIENT_OPTION,
  clientOf,
  displayPath,
  pathContextOf,
  pickScope,
  SCOPE_OPTION,
} from '../install-targets.ts';
import { parseReference } from '../item-reference.ts';
import { removeFolder } from '../local/local-folder.ts';
import { removeMcpServer } from '../local/mcp-config-file.ts';

export const uninstallCommand: Command = {
  usage: '<ref> [options]',
  description:
    "Removes the skill folder, or the MCP server's entry from the client's config file (backed up first, other entries\n" +
    'kept). Works offline: it needs only the reference, the client and the scope the item was installed with.',
  options: {
    client: CLIENT_OPTION,
    scope: SCOPE_OPTION,
    force: { type: 'boolean', short: 'f', description: 'Remove a skill folder even if it holds no SKILL.md' },
  },
  positionals: { min: 1, max: 1 },
  json: true,
  examples: [
    'atlas uninstall skill/platform/pdf-tools',
    'atlas uninstall mcp/platform/github --client cursor --scope project',
  ],
  async run(context, input) {
    const { term } = context;
    const reference = parseReference(input.positionals[0]!);
    const client = clientOf(input.choice('client', INSTALL_CLIENTS));
    const paths = pathContextOf(context);
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
        const scope = pickScope(
          input.choice('scope', INSTALL_SCOPES),
          scopesOf(mcpConfigPaths(client, paths)),
          client,
          'MCP config file',
        );
        const path = mcpConfigPath(client, scope, paths)!;
        const change = await removeMcpServer(path, {
          containerKey: client === 'vscode' ? 'servers' : 'mcpServers',
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
