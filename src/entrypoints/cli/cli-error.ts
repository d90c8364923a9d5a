import type { Problem } from '../../domain/errors.ts';

/** A failure the command line explains: what went wrong, and (when known) how to fix it. Exit code 1. */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  readonly exitCode: number = 1;
  /** A stable machine-readable cause, shown in `--json` errors: `unreachable`, `not_logged_in`, `exists`, ... */
  readonly code: string;
  /** What to do about it, e.g. `run "atlas login"`. */
  readonly hint: string | undefined;
  readonly problems: readonly Problem[];

  constructor(message: string, options: { code?: string; hint?: string; problems?: readonly Problem[] } = {}) {
    super(message);
    this.code = options.code ?? 'failed';
    this.hint = options.hint;
    this.problems = options.problems ?? [];
  }
}

/** The command was called wrongly: an unknown option, a missing argument, a value out of its choices. Exit code 2. */
export class UsageError extends CliError {
  override readonly name: string = 'UsageError';
  override readonly exitCode: number = 2;

  constructor(message: string, hint?: string) {
    super(message, { code: 'usage', hint });
  }
}
