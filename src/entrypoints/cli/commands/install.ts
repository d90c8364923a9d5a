import { resolve } from 'node:path';
import { INSTALL_CLIENTS, type InstallClient } from '../../../domain/catalog/install-clients.ts';
import { ConflictError, ValidationError } from '../../../domain/errors.ts';
import { parseServerJson } from '../../../domain/manifests/server-json.ts';
import {
  INSTALL_SCOPES,
  mcpConfigPath,
  mcpConfigPaths,
  resolveClientPath,
  scopesOf,
  skillFolderPaths,
} from '../../../lib/install/client-locations.ts';
import { renderMcpInstall } from '../../../lib/install/render-mcp-install.ts';
import { readZipBundle } from '../../../lib/zip/zip-reader.ts';
import type { InstallAnswer, McpInstallConfig } from '../../http/schemas/items.ts';
import type { AtlasApi } from '../atlas-api.ts';
import { CliError } from '../cli-error.ts';
import type { Command, CommandContext, CommandInput } from '../command.ts';
import {
  CLIENT_NAMES,
  CLIENT_OPTION,
  clientOf,
  DOWNLOAD_LIMITS,
  displayPath,
  pathContextOf,
  pickScope,
  relevantNotes,
  SCOPE_OPTION,
  saveFile,
  variableGuide,
} from '../install-targets.ts';
import { NOT_FOUND_HINT, parseReference, type Reference, resolveVersion } from '../item-reference.ts';
import { writeFolderAtomically } from '../local/local-folder.ts';
import { addMcpServer, readMcpConfig } from '../local/mcp-config-file.ts';

export const installCommand: Command = {
  usage: '<ref> [options]',
  description:
    'A skill is written as a folder the client reads: Claude Code ~/.claude/skills/<name> (user, the default) or\n' +
    '.claude/skills/<name> (project); Cursor .cursor/skills/<name>; VS Code .github/skills/<name> (both project).\n' +
    'Claude Desktop takes skills as an uploaded zip, which is saved to the current folder (or -o).\n' +
    "An MCP server is merged into the client's config file: Claude Code ~/.claude.json or .mcp.json, Claude Desktop\n" +
    'claude_desktop_config.json, Cursor ~/.cursor/mcp.json or .cursor/mcp.json, VS Code .vscode/mcp.json (project,\n' +
    'the default) or its user mcp.json. Other entries are kept, the old file is backed up, and secrets are written as\n' +
    'variable references, never values. Existing folders and entries that differ are kept unless --force.',
  options: {
    client: CLIENT_OPTION,
    scope: SCOPE_OPTION,
    version: {
      type: 'string',
      value: '<commit>',
      description: 'Install this version: a commit SHA or prefix, or a manifest version (see "atlas versions")',
    },
    force: { type: 'boolean', short: 'f', description: 'Replace a skill folder or config entry that differs' },
    output: {
      type: 'string',
      short: 'o',
      value: '<path>',
      description: 'Claude Desktop skills and tools: the file to write',
    },
  },
  positionals: { min: 1, max: 1 },
  json: true,
  examples: [
    'atlas install skill/platform/pdf-tools',
    'atlas install skill/platform/pdf-tools --scope project',
    'atlas install mcp/platform/github --client cursor',
    'atlas install mcp/platform/github --client vscode --version 1.2.0',
  ],
  async run(context, input) {
    const reference = parseReference(input.positionals[0]!);
    const client = clientOf(input.choice('client', INSTALL_CLIENTS));
    const api = await context.api();
    switch (reference.kind) {
      case 'skill':
        return installSkill(context, input, api, reference, client);
      case 'mcp':
        return installMcp(context, input, api, reference, client);
      case 'tool':
        return installTool(context, input, api, reference, client);
    }
  },
};

/** Records the install on the server; a failure there does not undo what was written, it is reported. */
async function record(context: CommandContext, api: AtlasApi, ref: string, client: InstallClient) {
  try {
    const { data } = await api.json<InstallAnswer>('POST', `/api/v1/items/${ref}/installs`, { json: { client } });
    return data;
  } catch (error) {
    context.term.warn(`installed, but the server did not record the install: ${(error as Error).message}`);
    return undefined;
  }
}

async function versionOf(api: AtlasApi, ref: string, input: CommandInput): Promise<string | undefined> {
  const version = input.string('version');
  return version === undefined ? undefined : resolveVersion(api, ref, version);
}

async function installSkill(
  context: CommandContext,
  input: CommandInput,
  api: AtlasApi,
  reference: Reference,
  client: InstallClient,
): Promise<number> {
  const { term } = context;
  const paths = pathContextOf(context);
  const folders = skillFolderPaths(reference.name, client);
  const scopes = scopesOf(folders);
  const at = await versionOf(api, reference.ref, input);
  const download = () =>
    term.task(`Downloading ${reference.ref}`, () =>
      api.bytes(`/api/v1/items/${reference.ref}/archive`, { query: { at }, hints: { 404: NOT_FOUND_HINT } }),
    );
  if (scopes.length === 0) {
    // Claude Desktop reads no skills folder: it takes the zip through its settings.
    const target = resolve(context.cwd, input.string('output') ?? `${reference.name}.zip`);
    const { bytes } = await download();
    await saveFile(target, bytes, input.flag('force'));
    const answer = await record(context, api, reference.ref, client);
    const notes = answer?.install.kind === 'skill' ? answer.install.notes : [];
    if (term.json) {
      term.writeJson({
        ref: reference.ref,
        kind: 'skill',
        client,
        scope: null,
        action: 'downloaded',
        path: target,
        files: readZipBundle(bytes, DOWNLOAD_LIMITS).files.length,
        commitSha: at ?? null,
        usageCount: answer?.usageCount ?? null,
        notes,
      });
      return 0;
    }
    term.out(`${term.style.green('✓')} Saved ${term.style.bold(reference.ref)} as ${displayPath(target, paths)}`);
    for (const note of notes) term.out(`  ${note}`);
    return 0;
  }
  const scope = pickScope(input.choice('scope', INSTALL_SCOPES), scopes, client, 'skills folder');
  const target = resolveClientPath(folders[scope]!, paths);
  const { bytes } = await download();
  const { files } = readZipBundle(bytes, DOWNLOAD_LIMITS);
  let action: string;
  try {
    ({ action } = await writeFolderAtomically(target, files, { force: input.flag('force') }));
  } catch (error) {
    if (error instanceof ConflictError) {
      throw new CliError(
        `${displayPath(target, paths)} already holds other files (another version of ${reference.ref}?)`,
        {
          code: 'exists',
          hint: 'add --force to replace it (compare first with "atlas show")',
        },
      );
    }
    throw error;
  }
  const answer = action === 'unchanged' ? undefined : await record(context, api, reference.ref, client);
  if (term.json) {
    term.writeJson({
      ref: reference.ref,
      kind: 'skill',
      client,
      scope,
      action,
      path: target,
      files: files.length,
      commitSha: at ?? null,
      usageCount: answer?.usageCount ?? null,
      notes: [],
    });
    return 0;
  }
  const shown = displayPath(target, paths);
  if (action === 'unchanged') {
    term.out(`${term.style.bold(reference.ref)} is already installed in ${shown}; nothing changed.`);
  } else {
    term.out(
      `${term.style.green('✓')} ${action === 'replaced' ? 'Replaced' : 'Installed'} ${term.style.bold(reference.ref)} in ${shown} (${files.length} file${files.length === 1 ? '' : 's'})`,
    );
    term.out(term.style.dim(`${CLIENT_NAMES[client]} picks it up in its next session.`));
  }
  return 0;
}

async function installMcp(
  context: CommandContext,
  input: CommandInput,
  api: AtlasApi,
  reference: Reference,
  client: InstallClient,
): Promise<number> {
  const { term } = context;
  const paths = pathContextOf(context);
  const scope = pickScope(
    input.choice('scope', INSTALL_SCOPES),
    scopesOf(mcpConfigPaths(client, paths)),
    client,
    'MCP config file',
  );
  const containerKey = client === 'vscode' ? 'servers' : 'mcpServers';
  // Refuse a config file that cannot be merged before the install is recorded.
  await explainConfigErrors(() => readMcpConfig(mcpConfigPath(client, scope, paths)!, containerKey));
  const at = await versionOf(api, reference.ref, input);
  const answer = await term.task(`Installing ${reference.ref}`, async () => {
    const { data } = await api.json<InstallAnswer>('POST', `/api/v1/items/${reference.ref}/installs`, {
      json: { client },
      hints: { 404: NOT_FOUND_HINT },
    });
    return data;
  });
  if (answer.install.kind !== 'mcp') throw new CliError(`${reference.ref} is not an MCP server`);
  let config: McpInstallConfig = answer.install.config;
  if (at) {
    // The install endpoint renders the current version; an older one is rendered here from its server.json.
    const { bytes } = await api.bytes(`/api/v1/items/${reference.ref}/files/server.json`, { query: { at } });
    config = renderMcpInstall(parseServerJson(bytes).manifest, client, { serverKey: config.serverKey });
  }
  const path = mcpConfigPath(client, scope, paths, config.configPath)!;
  const change = await explainConfigErrors(() =>
    addMcpServer(
      path,
      {
        containerKey: config.containerKey,
        serverKey: config.serverKey,
        entry: config.entry,
        ...(config.inputs ? { inputs: config.inputs } : {}),
      },
      { force: input.flag('force'), newFileMode: scope === 'user' ? 0o600 : 0o644 },
    ),
  );
  const notes = relevantNotes(config.notes);
  if (term.json) {
    term.writeJson({
      ref: reference.ref,
      kind: 'mcp',
      client,
      scope,
      action: change.action,
      path,
      created: change.created,
      backup: change.backup,
      containerKey: config.containerKey,
      serverKey: config.serverKey,
      entry: config.entry,
      inputs: config.inputs ?? [],
      secrets: config.secrets,
      notes,
      commitSha: at ?? null,
      usageCount: answer.usageCount,
    });
    return 0;
  }
  const { style } = term;
  const shown = displayPath(path, paths);
  if (change.action === 'unchanged') {
    term.out(`${style.bold(reference.ref)} is already in ${shown} as "${config.serverKey}"; nothing changed.`);
  } else {
    const verb = change.action === 'replaced' ? 'Replaced' : 'Added';
    term.out(
      `${style.green('✓')} ${verb} ${style.bold(reference.ref)} to ${shown} as "${config.serverKey}" (${config.containerKey}${change.created ? ', new file' : ''})`,
    );
    if (change.backup) term.out(style.dim(`  The previous file is saved as ${displayPath(change.backup, paths)}`));
  }
  const guide = variableGuide(client, notes);
  if (guide.variables.length > 0) {
    term.out(style.yellow(`${guide.how}:`));
    for (const line of guide.variables) term.out(`  ${line}`);
  }
  for (const note of guide.other) term.out(style.dim(`Note: ${note}`));
  return 0;
}

async function installTool(
  context: CommandContext,
  input: CommandInput,
  api: AtlasApi,
  reference: Reference,
  client: InstallClient,
): Promise<number> {
  const { term } = context;
  const { data } = await api.json<InstallAnswer>('POST', `/api/v1/items/${reference.ref}/installs`, {
    json: { client },
    hints: { 404: NOT_FOUND_HINT },
  });
  if (data.install.kind !== 'tool') throw new CliError(`${reference.ref} is not a tool`);
  const definition = data.install.definition;
  const output = input.string('output');
  const path = output ? resolve(context.cwd, output) : null;
  if (path)
    await saveFile(path, new TextEncoder().encode(`${JSON.stringify(definition, null, 2)}\n`), input.flag('force'));
  if (term.json) {
    term.writeJson({
      ref: reference.ref,
      kind: 'tool',
      client,
      action: path ? 'written' : 'printed',
      path,
      definition,
      usageCount: data.usageCount,
    });
    return 0;
  }
  if (path)
    term.out(
      `${term.style.green('✓')} Wrote the definition of ${term.style.bold(reference.ref)} to ${displayPath(path, pathContextOf(context))}`,
    );
  else term.out(JSON.stringify(definition, null, 2));
  return 0;
}

/** A config file Atlas will not touch becomes a CliError that names it and says why. */
async function explainConfigErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ValidationError) {
      const [problem] = error.problems;
      throw new CliError(problem ? `${problem.path} ${problem.message}` : error.message, { code: 'bad_config' });
    }
    if (error instanceof ConflictError) {
      throw new CliError(error.message.replace(/; install with --force to replace it$/, ''), {
        code: 'exists',
        hint: 'add --force to replace it (the old file is backed up)',
      });
    }
    throw error;
  }
}
