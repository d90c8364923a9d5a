import { resolve } from 'node:path';
import { INSTALL_CLIENTS, type InstallClient } from '../../../domain/catalog/install-clients.ts';
import { computeTreeId } from '../../../domain/content/tree-id.ts';
import { ConflictError, ValidationError } from '../../../domain/errors.ts';
import { parseServerJson } from '../../../domain/manifests/server-json.ts';
import {
  INSTALL_SCOPES,
  mcpConfigPaths,
  mcpConfigTarget,
  resolveClientPath,
  scopesOf,
  skillFolderPaths,
} from '../../../lib/install/client-locations.ts';
import { renderMcpInstall } from '../../../lib/install/render-mcp-install.ts';
import type { InstallAnswer, McpInstallConfig } from '../../http/schemas/items.ts';
import type { AtlasApi } from '../atlas-api.ts';
import { CliError, UsageError } from '../cli-error.ts';
import type { Command, CommandContext, CommandInput } from '../command.ts';
import { confirmSkill, downloadChecked, entryLines, presentAndConfirm, reviewMcpEntry } from '../install-review.ts';
import {
  CLIENT_NAMES,
  CLIENT_OPTION,
  clientOf,
  displayPath,
  PORTABLE_OPTION,
  pathContextOf,
  pickScope,
  preferredMcpScope,
  relevantNotes,
  SCOPE_OPTION,
  saveFile,
  variableGuide,
} from '../install-targets.ts';
import { NOT_FOUND_HINT, parseReference, type Reference, resolveVersion } from '../item-reference.ts';
import { readLocalFolder, writeFolderAtomically } from '../local/local-folder.ts';
import { addMcpServer, readMcpConfig, serversOf } from '../local/mcp-config-file.ts';

export const installCommand: Command = {
  usage: '<ref> [options]',
  description:
    'A skill is written as a folder the client reads, for the user (the default) or the project: Claude Code\n' +
    '~/.claude/skills or .claude/skills; Cursor ~/.cursor/skills or .cursor/skills; VS Code (Copilot) ~/.copilot/skills\n' +
    'or .github/skills; Codex, Gemini CLI and --client agents ~/.agents/skills or .agents/skills; Windsurf\n' +
    '~/.codeium/windsurf/skills or .windsurf/skills. Claude Desktop takes skills as an uploaded zip, saved here (or -o).\n' +
    "An MCP server is merged into the client's config file: Claude Code ~/.claude.json (user; local: under this\n" +
    'project in it) or .mcp.json (project); Claude Desktop claude_desktop_config.json; Cursor ~/.cursor/mcp.json or\n' +
    '.cursor/mcp.json; VS Code .vscode/mcp.json (project, the default) or its user mcp.json, and with --portable\n' +
    "Copilot's .mcp.json or ~/.copilot/mcp-config.json; Codex ~/.codex/config.toml or .codex/config.toml; Gemini CLI\n" +
    '~/.gemini/settings.json or .gemini/settings.json; Windsurf ~/.codeium/windsurf/mcp_config.json. Other entries,\n' +
    'keys and comments are kept, the old file is backed up, and secrets are written as the variable references each\n' +
    'client expands, never values. Existing folders and entries that differ are kept unless --force.\n' +
    'Before an MCP server entry is written, the command, arguments, URL and variable names it configures are shown\n' +
    'and you are asked (--yes in scripts); so are the executable files and hooks of a skill. Downloads are checked\n' +
    "against the item's tree SHA, and every path is computed here from --client and --scope, never from the server.",
  options: {
    client: CLIENT_OPTION,
    scope: SCOPE_OPTION,
    portable: PORTABLE_OPTION,
    version: {
      type: 'string',
      value: '<commit>',
      description: 'Install this version: a commit SHA or prefix, or a manifest version (see "atlas versions")',
    },
    force: { type: 'boolean', short: 'f', description: 'Replace a skill folder or config entry that differs' },
    yes: {
      type: 'boolean',
      short: 'y',
      description:
        'Write without asking: an MCP server entry, or a skill with executable files or hooks (needed when standard input is not a terminal)',
    },
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
    'atlas install mcp/platform/github --client codex',
    'atlas install mcp/platform/github --client claude-code --scope local',
    'atlas install mcp/platform/github --client vscode --version 1.2.0 --yes',
    'atlas install skill/platform/pdf-tools --client agents --scope project',
  ],
  async run(context, input) {
    const reference = parseReference(input.positionals[0]!);
    const client = clientOf(input.choice('client', INSTALL_CLIENTS));
    if (input.flag('portable') && (client !== 'vscode' || reference.kind !== 'mcp')) {
      throw new UsageError('--portable is for VS Code MCP servers', 'add --client vscode, or leave --portable out');
    }
    if (client === 'agents' && reference.kind === 'mcp') {
      throw new UsageError(
        'agents is the shared .agents/skills folder, which takes skills: an MCP server goes into a client config',
        'choose --client codex, gemini, claude-code or another client',
      );
    }
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
  if (scopes.length === 0) {
    // Claude Desktop reads no skills folder: it takes the zip through its settings.
    const target = resolve(context.cwd, input.string('output') ?? `${reference.name}.zip`);
    const { bytes, files, commitSha } = await downloadChecked(context, api, reference.ref, input.string('version'));
    await confirmSkill(context, input, reference, files);
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
        files: files.length,
        commitSha,
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
  const { files, commitSha, treeSha } = await downloadChecked(context, api, reference.ref, input.string('version'));
  // A folder that holds these very files is left as it is, so there is nothing to ask about.
  const installed = await readLocalFolder(target).catch(() => undefined);
  if (!installed || computeTreeId(installed) !== treeSha) await confirmSkill(context, input, reference, files);
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
      commitSha,
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
  const portable = input.flag('portable');
  const scope = pickScope(
    input.choice('scope', INSTALL_SCOPES),
    scopesOf(mcpConfigPaths(client, paths, { portable })),
    client,
    'MCP config file',
    preferredMcpScope(client),
  );
  // The file, the place in it and its syntax are decided here, from the client and scope: never from the server.
  const target = mcpConfigTarget(client, scope, paths, { portable })!;
  const { path, containerKey, format } = target;
  const container = { containerKey, within: target.container.slice(0, -1), format };
  // Refuse a config file that cannot be merged before the install is recorded.
  const current = await explainConfigErrors(() => readMcpConfig(path, container));
  const version = input.string('version');
  const at = version === undefined ? undefined : await resolveVersion(api, reference.ref, version);
  const answer = await term.task(`Installing ${reference.ref}`, async () => {
    const { data } = await api.json<InstallAnswer>('POST', `/api/v1/items/${reference.ref}/installs`, {
      json: { client },
      hints: { 404: NOT_FOUND_HINT },
    });
    return data;
  });
  if (answer?.install?.kind !== 'mcp') throw new CliError(`${reference.ref} is not an MCP server`);
  let config: McpInstallConfig = answer.install.config;
  const rendered = (from: McpInstallConfig) => {
    const part = portable ? from.portable : from;
    if (!part || part.containerKey !== containerKey) {
      throw new CliError(
        `the server rendered ${reference.ref} for "${part?.containerKey ?? 'nothing'}", but ${CLIENT_NAMES[client]}${portable ? " (Copilot's portable file)" : ''} reads "${containerKey}"; nothing was written`,
        { code: 'bad_answer', hint: 'the server answered for another client, or is not telling the truth' },
      );
    }
    if (from.inputs !== undefined && !Array.isArray(from.inputs)) {
      throw new CliError(
        `the server's answer for ${reference.ref} has inputs that are not a list; nothing was written`,
        {
          code: 'bad_answer',
        },
      );
    }
    // VS Code's inputs belong to its own mcp.json; the portable file has none.
    return { entry: part.entry, inputs: portable ? [] : (from.inputs ?? []) };
  };
  reviewMcpEntry(reference.ref, config.serverKey, rendered(config).entry, client);
  if (at) {
    // The install endpoint renders the current version; an older one is rendered here from its server.json, taken
    // from the version's archive once its tree SHA is checked.
    const { files } = await downloadChecked(context, api, reference.ref, at.commitSha);
    const serverJson = files.find((file) => file.path === 'server.json');
    if (!serverJson) throw new CliError(`version ${at.commitSha.slice(0, 12)} of ${reference.ref} has no server.json`);
    config = renderMcpInstall(parseServerJson(serverJson.content).manifest, client, { serverKey: config.serverKey });
  }
  const { entry, inputs } = rendered(config);
  const summary = reviewMcpEntry(reference.ref, config.serverKey, entry, client);
  // VS Code's inputs prompt for a value; a `command` input would run a VS Code command instead.
  const oddInput = inputs.find(
    (item) => typeof item !== 'object' || item === null || !['promptString', 'pickString'].includes(String(item.type)),
  );
  if (oddInput !== undefined) {
    throw new CliError(
      `the server's answer for ${reference.ref} has an input that is not a prompt (${JSON.stringify(oddInput)}); nothing was written`,
      { code: 'bad_answer' },
    );
  }
  const alreadyThere = sameJson(serversOf(current.data, container)?.[config.serverKey], entry) && inputs.length === 0;
  // The same entry already in the file changes nothing, so there is nothing to ask about.
  if (!alreadyThere)
    await presentAndConfirm(
      context,
      input,
      `${CLIENT_NAMES[client]} will run ${reference.ref} as "${config.serverKey}" from ${displayPath(path, paths)}${scope === 'local' ? ` (for ${target.container[1]} only)` : ''}:`,
      [
        ...entryLines(summary),
        ...(inputs.length > 0
          ? [`Inputs       ${inputs.map((item) => String((item as { id?: unknown }).id)).join(', ')}`]
          : []),
      ],
      `Add "${config.serverKey}" to ${displayPath(path, paths)}`,
    );
  const change = await explainConfigErrors(() =>
    addMcpServer(
      path,
      { ...container, serverKey: config.serverKey, entry, ...(inputs.length > 0 ? { inputs } : {}) },
      { force: input.flag('force'), newFileMode: scope === 'project' ? 0o644 : 0o600 },
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
      format,
      container: target.container,
      portable,
      created: change.created,
      backup: change.backup,
      containerKey,
      serverKey: config.serverKey,
      entry,
      inputs,
      secrets: config.secrets,
      notes,
      commitSha: at?.commitSha ?? null,
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
      `${style.green('✓')} ${verb} ${style.bold(reference.ref)} to ${shown} as "${config.serverKey}" (${containerKey}${change.created ? ', new file' : ''})`,
    );
    if (change.backup) term.out(style.dim(`  The previous file is saved as ${displayPath(change.backup, paths)}`));
  }
  const guide = variableGuide(client, notes, portable);
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

/** Equal JSON values, whatever the order of their keys. */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (value: unknown) =>
    JSON.stringify(value, (_key, item) =>
      typeof item === 'object' && item !== null && !Array.isArray(item)
        ? Object.fromEntries(Object.entries(item).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
        : item,
    );
  return a !== undefined && canonical(a) === canonical(b);
}
