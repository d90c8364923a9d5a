import { parseArgs } from 'node:util';
import type { AtlasApi } from './atlas-api.ts';
import { UsageError } from './cli-error.ts';
import type { Session } from './cli-settings.ts';
import type { Terminal } from './terminal.ts';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** May be given several times (`--tag a --tag b`). */
  readonly multiple?: boolean;
  /** The value's placeholder in help: `<name>`. */
  readonly value?: string;
  readonly description: string;
  /** The only values accepted; anything else is a usage error naming them. */
  readonly choices?: readonly string[];
}

/** `a, b or c`: a list of choices for a sentence of help. */
export function orList(values: readonly string[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

/** What a command receives: the environment it runs in, where to write, and how to reach the server. */
export interface CommandContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly term: Terminal;
  /** `--insecure`: plain http to a host other than this machine is allowed. */
  readonly insecure: boolean;
  /** The server URL and token: flags, then ATLAS_URL / ATLAS_TOKEN, then the saved login. */
  session(): Promise<Session>;
  /** A client for the session's server. */
  api(): Promise<AtlasApi>;
}

/** One `atlas` subcommand: its help (usage, options, examples) and what it does. Its name and summary are in the command table. */
export interface Command {
  /** After `atlas <name>`: `<folder|zip> [options]`. */
  readonly usage: string;
  /** A paragraph or two shown by `--help` under the usage line. */
  readonly description?: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly positionals: { readonly min: number; readonly max: number };
  readonly examples: readonly string[];
  /** Offers `--json`: one stable JSON document on stdout (its shape per command: the README's "JSON output"). */
  readonly json?: boolean;
  /** Returns the exit code: 0 (or nothing) on success; -1 for a command that keeps running (serve). */
  run(context: CommandContext, input: CommandInput): Promise<number | undefined>;
}

const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', description: 'Show this help' };
const INSECURE_OPTION: OptionSpec = {
  type: 'boolean',
  description: 'Allow plain http:// to a server other than this machine (the token and downloads travel unprotected)',
};
const JSON_OPTION: OptionSpec = {
  type: 'boolean',
  description: 'Print the result as JSON (shapes: README, "JSON output")',
};

/** The options and arguments of one call, with typed getters. */
export class CommandInput {
  constructor(
    readonly positionals: readonly string[],
    private readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>,
  ) {}

  string(name: string): string | undefined {
    const value = this.values[name];
    return typeof value === 'string' ? value : undefined;
  }

  /** An option whose value is one of `choices` (the option's own choices, which parsing already checked). */
  choice<const T extends string>(name: string, choices: readonly T[]): T | undefined {
    const value = this.string(name);
    return value !== undefined && (choices as readonly string[]).includes(value) ? (value as T) : undefined;
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  list(name: string): string[] {
    const value = this.values[name];
    if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
    return typeof value === 'string' ? [value] : [];
  }
}

function allOptions(command: Command): Record<string, OptionSpec> {
  return {
    ...command.options,
    ...(command.json ? { json: JSON_OPTION } : {}),
    ...(command.json ? { insecure: INSECURE_OPTION } : {}),
    help: HELP_OPTION,
  };
}

/** Parses the arguments after the command name; anything unknown or out of its choices is a UsageError. */
export function parseCommandArgs(commandName: string, command: Command, argv: readonly string[]): CommandInput {
  const specs = allOptions(command);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: Object.fromEntries(
        Object.entries(specs).map(([option, spec]) => [
          option,
          {
            type: spec.type,
            ...(spec.short ? { short: spec.short } : {}),
            ...(spec.multiple ? { multiple: true } : {}),
          },
        ]),
      ),
    });
  } catch (error) {
    throw new UsageError(usageMessage(error), `run "atlas ${commandName} --help" to see its options`);
  }
  const input = new CommandInput(parsed.positionals, parsed.values);
  if (input.flag('help')) return input;
  for (const [option, spec] of Object.entries(specs)) {
    if (!spec.choices) continue;
    for (const value of input.list(option)) {
      if (!spec.choices.includes(value)) {
        throw new UsageError(`--${option} must be one of ${spec.choices.join(', ')} (got "${value}")`);
      }
    }
  }
  const { min, max } = command.positionals;
  if (parsed.positionals.length < min) {
    throw new UsageError(
      `missing argument: atlas ${commandName} ${command.usage}`,
      `run "atlas ${commandName} --help" for examples`,
    );
  }
  if (parsed.positionals.length > max) {
    const extra = parsed.positionals.slice(max).join(' ');
    throw new UsageError(
      `unexpected argument${parsed.positionals.length - max > 1 ? 's' : ''}: ${extra}`,
      `run "atlas ${commandName} --help" for its usage`,
    );
  }
  return input;
}

function usageMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Node's messages end with advice about `--` that does not fit a command line for people.
  return message.replace(/\. To specify a positional argument.*$/s, '').replace(/^Unknown option/, 'unknown option');
}

/** The `--help` text of a command. */
export function commandHelp(name: string, summary: string, command: Command): string {
  const specs = allOptions(command);
  const rows = Object.entries(specs).map(([option, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${option}${spec.type === 'string' ? ` ${spec.value ?? '<value>'}` : ''}`;
    const choices = spec.choices && !spec.description.includes(spec.choices[0]!) ? ` (${spec.choices.join(', ')})` : '';
    return [flag, `${spec.description}${choices}`] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [
    `Usage: atlas ${name} ${command.usage}`,
    '',
    summary,
    ...(command.description ? ['', command.description] : []),
    '',
    'Options:',
    ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
    '',
    'Examples:',
    ...command.examples.map((example) => `  ${example}`),
  ].join('\n');
}
