import { ConfigError } from '../../config.ts';
import { AtlasError, type Problem, ValidationError } from '../../domain/errors.ts';
import { AtlasApi } from './atlas-api.ts';
import { CliError, UsageError } from './cli-error.ts';
import { loadSettings, resolveSession, type Session } from './cli-settings.ts';
import { type CommandContext, commandHelp, parseCommandArgs } from './command.ts';
import { COMMANDS, GROUP_TITLES } from './command-table.ts';
import { problemLines, Terminal, type TerminalStreams } from './terminal.ts';

export interface CliEnvironment {
  readonly streams: TerminalStreams;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

function topLevelHelp(): string {
  const width = Math.max(...COMMANDS.map((entry) => entry.name.length)) + 2;
  const groups = Object.entries(GROUP_TITLES).flatMap(([group, title]) => {
    const entries = COMMANDS.filter((entry) => entry.group === group);
    if (entries.length === 0) return [];
    return ['', `${title}:`, ...entries.map((entry) => `  ${entry.name.padEnd(width)}${entry.summary}`)];
  });
  return [
    'atlas: the catalog of skills, MCP servers and tools for AI agents',
    '',
    'Usage: atlas <command> [options]',
    ...groups,
    '',
    'Options:',
    '  -h, --help     Show help; "atlas <command> --help" shows a command\'s options and examples',
    '  -v, --version  Show the version',
    '',
    'Environment:',
    '  ATLAS_URL      The server to talk to (default: the last "atlas login", else http://localhost:8080)',
    '  ATLAS_TOKEN    An API token to use instead of the one "atlas login" saved',
    '  NO_COLOR       Turn colour off',
    '',
    'Examples:',
    '  npm start                                  # run a server on http://localhost:8080',
    '  atlas login                                # sign in (asks for your username and password)',
    '  atlas search pdf',
    '  atlas install skill/platform/pdf-tools     # into ~/.claude/skills/pdf-tools',
    '  atlas publish ./my-skill',
    '',
    'The server reads its configuration from the environment and an optional .env file; see the README.',
  ].join('\n');
}

/** Runs one `atlas` command line and returns its exit code: 0 success, 1 failure, 2 wrong usage (-1: keeps running). */
export async function runCli(argv: readonly string[], environment: CliEnvironment): Promise<number> {
  const { streams, env, cwd } = environment;
  const term = new Terminal(streams, env);
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || (name === 'help' && rest.length === 0)) {
    (name === undefined ? term.error.bind(term) : term.out.bind(term))(topLevelHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '-v' || name === '--version') {
    const pkg = await import('../../../package.json', { with: { type: 'json' } });
    term.out(pkg.default.version);
    return 0;
  }
  const wanted = name === 'help' ? rest[0]! : name;
  const entry = COMMANDS.find((candidate) => candidate.name === wanted);
  if (!entry) return report(term, unknownCommand(wanted), false);
  const json = rest.includes('--json');
  try {
    const command = await entry.load();
    if (name === 'help') {
      term.out(commandHelp(entry.name, entry.summary, command));
      return 0;
    }
    const input = parseCommandArgs(entry.name, command, rest);
    if (input.flag('help')) {
      term.out(commandHelp(entry.name, entry.summary, command));
      return 0;
    }
    term.json = command.json === true && input.flag('json');
    const code = await command.run(contextFor(term, env, cwd, input.flag('insecure')), input);
    return code ?? 0;
  } catch (error) {
    return report(term, error, json);
  }
}

function contextFor(term: Terminal, env: CliEnvironment['env'], cwd: string, insecure: boolean): CommandContext {
  let session: Promise<Session> | undefined;
  const getSession = () => {
    session ??= loadSettings(env).then((settings) => resolveSession(env, settings));
    return session;
  };
  return {
    env,
    cwd,
    term,
    insecure,
    session: getSession,
    api: async () => new AtlasApi(await getSession(), { insecure }),
  };
}

function unknownCommand(name: string): UsageError {
  const near = COMMANDS.map((entry) => entry.name).find(
    (candidate) => distance(candidate, name) <= 2 || (name.length >= 3 && candidate.startsWith(name)),
  );
  return new UsageError(
    `unknown command "${name}"`,
    near
      ? `did you mean "atlas ${near}"? Run "atlas --help" to see the commands`
      : 'run "atlas --help" to see the commands',
  );
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

interface Failure {
  code: string;
  message: string;
  hint?: string;
  problems: readonly Problem[];
  exitCode: number;
}

function describe(error: unknown): Failure {
  if (error instanceof CliError) {
    return {
      code: error.code,
      message: error.message,
      hint: error.hint,
      problems: error.problems,
      exitCode: error.exitCode,
    };
  }
  if (error instanceof ValidationError) {
    const [first] = error.problems;
    const single = error.problems.length === 1 && first;
    return {
      code: error.code,
      message: single ? `${first.path}: ${first.message}` : `${error.problems.length} problems:`,
      problems: single ? [] : error.problems,
      exitCode: 1,
    };
  }
  if (error instanceof AtlasError) return { code: error.code, message: error.message, problems: [], exitCode: 1 };
  if (error instanceof ConfigError) {
    return { code: 'configuration', message: error.lines.join('\n'), problems: [], exitCode: 1 };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'unexpected', message, problems: [], exitCode: 1 };
}

/** Prints an error (as JSON on stderr with `--json`) and returns its exit code. */
function report(term: Terminal, error: unknown, json: boolean): number {
  const failure = describe(error);
  if (json) {
    term.error(
      JSON.stringify({
        error: {
          code: failure.code,
          message: failure.message,
          ...(failure.hint ? { hint: failure.hint } : {}),
          problems: failure.problems,
        },
      }),
    );
    return failure.exitCode;
  }
  const style = term.errStyle;
  if (error instanceof ConfigError) {
    for (const line of error.lines) term.error(`atlas: configuration: ${line}`);
    return 1;
  }
  term.error(`${style.red('atlas:')} ${failure.message}`);
  for (const line of problemLines(failure.problems)) term.error(line);
  if (failure.hint) term.error(`${style.dim('hint:')} ${failure.hint}`);
  return failure.exitCode;
}
