// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} placeholders are the client syntax being described
import { sep } from 'node:path';
import { INSTALL_CLIENTS, type InstallClient } from '../../domain/catalog/install-clients.ts';
import type { ContentLimits } from '../../domain/content/content-limits.ts';
import { ConflictError } from '../../domain/errors.ts';
import { INSTALL_SCOPES, type InstallScope, type PathContext } from '../../lib/install/client-locations.ts';
import { CliError, UsageError } from './cli-error.ts';
import { homeOf } from './cli-settings.ts';
import { type CommandContext, type OptionSpec, orList } from './command.ts';
import { writeFileAtomically } from './local/local-folder.ts';

export const CLIENT_NAMES: Record<InstallClient, string> = {
  'claude-code': 'Claude Code',
  'claude-desktop': 'Claude Desktop',
  cursor: 'Cursor',
  vscode: 'VS Code',
  codex: 'Codex',
  gemini: 'Gemini CLI',
  windsurf: 'Windsurf',
  agents: 'Agents reading .agents/skills',
};

/** The client `atlas install` configures when `--client` is not given. */
const DEFAULT_CLIENT: InstallClient = 'claude-code';

export const CLIENT_OPTION: OptionSpec = {
  type: 'string',
  short: 'c',
  value: '<client>',
  choices: INSTALL_CLIENTS,
  description: orList(INSTALL_CLIENTS.map((client) => (client === DEFAULT_CLIENT ? `${client} (default)` : client))),
};

export const SCOPE_OPTION: OptionSpec = {
  type: 'string',
  short: 's',
  value: '<scope>',
  choices: INSTALL_SCOPES,
  description:
    'user (every project; the default where the client has it), project (the current folder, shared with it) or local (Claude Code MCP servers only: this project, private to you in ~/.claude.json, which is what claude mcp add does by default)',
};

export const PORTABLE_OPTION: OptionSpec = {
  type: 'boolean',
  description:
    "VS Code MCP servers: write Copilot's portable file (.mcp.json, or ~/.copilot/mcp-config.json for --scope user), which Copilot agents read, instead of VS Code's mcp.json",
};

/**
 * What an archive from the server may hold: ten times the server's default limits, since those may be raised, and
 * no more, since a skill is instructions and a few scripts. The zip reader's checks against traversal, links and
 * bombs apply all the same, and the download itself stops at MAX_DOWNLOAD_BYTES.
 */
export const DOWNLOAD_LIMITS: ContentLimits = {
  maxFileBytes: 100 * 1024 * 1024,
  maxItemBytes: 300 * 1024 * 1024,
  maxFiles: 10_000,
  maxDepth: 32,
};

export function pathContextOf(context: CommandContext): PathContext {
  return { home: homeOf(context.env), cwd: context.cwd, platform: process.platform, env: context.env };
}

export function clientOf(given: InstallClient | undefined): InstallClient {
  return given ?? DEFAULT_CLIENT;
}

/**
 * The scope asked for, when the client has it; else `preferred` when the client has it, else the user scope where
 * there is one, else the project. Claude Code's own default for MCP servers, local, is never picked unasked: Atlas
 * installs for every project unless told otherwise, MCP servers as skills.
 */
export function pickScope(
  given: InstallScope | undefined,
  available: readonly InstallScope[],
  client: InstallClient,
  what: string,
  preferred?: InstallScope,
): InstallScope {
  if (given !== undefined) {
    if (!available.includes(given)) {
      throw new UsageError(
        `${CLIENT_NAMES[client]} has no ${given}-level ${what}`,
        available.length > 0 ? `use --scope ${available.join(' or ')}` : undefined,
      );
    }
    return given;
  }
  if (preferred !== undefined && available.includes(preferred)) return preferred;
  return available.includes('user') ? 'user' : available.includes('project') ? 'project' : available[0]!;
}

/** VS Code's MCP servers go in the workspace by default: .vscode/mcp.json (or .mcp.json) is where it looks first. */
export function preferredMcpScope(client: InstallClient): InstallScope | undefined {
  return client === 'vscode' ? 'project' : undefined;
}

/** A path for people: relative to the current folder when inside it, else with the home folder as `~`. */
export function displayPath(path: string, context: PathContext): string {
  if (context.cwd !== context.home && path.startsWith(`${context.cwd}${sep}`))
    return path.slice(context.cwd.length + 1);
  return path === context.home || path.startsWith(`${context.home}${sep}`)
    ? `~${path.slice(context.home.length)}`
    : path;
}

/**
 * The server's notes about an MCP install, less those about writing the file by hand or with `claude mcp add`:
 * the command line has written the file itself.
 */
export function relevantNotes(notes: readonly string[]): string[] {
  const handled = [
    /^The command adds the server/,
    /^On Windows the file is/,
    /^For every workspace, add the entry/,
    /^Copilot agents .* skip servers that need/,
  ];
  return notes.filter((note) => !handled.some((pattern) => pattern.test(note)));
}

/** How each client gets the values of the variables an entry refers to. */
const VARIABLES_HOW: Record<InstallClient, string> = {
  'claude-code': 'Claude Code fills ${VAR} from its environment: set these before starting it',
  cursor: 'Cursor fills ${env:VAR} from its environment: set these before starting it',
  vscode: 'VS Code asks for these the first time it starts the server (secrets go to its secret storage)',
  'claude-desktop': 'Claude Desktop fills in no variables: replace each <set VAR> in the file with its value',
  codex:
    'Codex passes these from its own environment (env_vars, bearer token, header variables): set them before starting it',
  gemini: 'Gemini CLI fills ${VAR} from its environment: set these before starting it',
  windsurf: 'Windsurf fills ${env:VAR} from its environment: set these before starting it',
  agents: 'Set these before starting the agent',
};

/**
 * Splits the server's notes into the variables to provide (`NAME (secret): what it is`) and the rest, and says how
 * this client reads them, for the human output. `portable`: the entry takes ${VAR} from the environment.
 */
export function variableGuide(client: InstallClient, notes: readonly string[], portable = false) {
  const variable = /^[A-Za-z_][A-Za-z0-9_]* \((secret|required, no default)\)/;
  const explains =
    /^(Claude Code expands|Cursor expands|VS Code asks for each input|Claude Desktop expands no variables|Codex passes|Gemini CLI expands|Windsurf expands)/;
  return {
    how: portable ? 'Copilot fills ${VAR} from its environment: set these before starting it' : VARIABLES_HOW[client],
    variables: notes.filter((note) => variable.test(note)),
    other: notes.filter((note) => !variable.test(note) && !explains.test(note)),
  };
}

/** Writes a file (a zip, a definition); an existing one is kept unless `force`. */
export async function saveFile(path: string, bytes: Uint8Array, force: boolean): Promise<void> {
  try {
    await writeFileAtomically(path, bytes, { force });
  } catch (error) {
    if (error instanceof ConflictError) {
      throw new CliError(`${path} already exists`, {
        code: 'exists',
        hint: 'add --force to replace it, or choose another path with -o',
      });
    }
    throw error;
  }
}
