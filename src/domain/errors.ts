/** The closed set of errors the domain and application speak. The HTTP edge maps each `code` to a status. */
export type AtlasErrorCode =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'server_name_taken'
  | 'stale_revision'
  | 'precondition_required'
  | 'too_large'
  | 'rate_limited'
  | 'unavailable';

/** One thing wrong with an input: where (a field name, JSON pointer or file path) and what. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

export abstract class AtlasError extends Error {
  abstract readonly code: AtlasErrorCode;
  override readonly name: string = this.constructor.name;
  /**
   * The current tree SHA of the item a refused write was about, when the caller can retry from it (a
   * conflict, a stale or missing precondition); the edge tells the caller how to send it back.
   */
  readonly currentRevision?: string;
  constructor(message?: string, options?: { currentRevision?: string }) {
    super(message);
    if (options?.currentRevision !== undefined) this.currentRevision = options.currentRevision;
  }
}

/** Every problem found in an input, not only the first. */
export class ValidationError extends AtlasError {
  readonly code = 'validation';
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[] | Problem, message?: string) {
    const list = Array.isArray(problems) ? problems : [problems as Problem];
    super(message ?? describeProblems(list));
    this.problems = list;
  }
}

export class UnauthenticatedError extends AtlasError {
  readonly code = 'unauthenticated';
}

export class ForbiddenError extends AtlasError {
  readonly code = 'forbidden';
}

export class NotFoundError extends AtlasError {
  readonly code = 'not_found';
}

/** A uniqueness rule or a state rule refused the write (duplicate name, last owner, ...). */
export class ConflictError extends AtlasError {
  readonly code = 'conflict';
}

/**
 * An MCP server's `server.json` `name` is already declared by another live (not deleted) item: a server name
 * belongs to one item, whose versions are that server's versions. Its own code, so that a client can tell it
 * from a taken reference and offer to rename the server rather than to update the item.
 */
export class ServerNameTakenError extends AtlasError {
  readonly code = 'server_name_taken';
}

/** The branch or the item moved since the caller read it. */
export class StaleRevisionError extends AtlasError {
  readonly code = 'stale_revision';
}

/** A conditional write arrived without its precondition (an update without the revision the caller read). */
export class PreconditionRequiredError extends AtlasError {
  readonly code = 'precondition_required';
}

/** An upload, file or item over the configured size limits; `problems` says which and by how much. */
export class TooLargeError extends AtlasError {
  readonly code = 'too_large';
  readonly problems: readonly Problem[];
  constructor(message: string, problems: readonly Problem[] = []) {
    super(message);
    this.problems = problems;
  }
}

export class RateLimitedError extends AtlasError {
  readonly code = 'rate_limited';
  /** When the caller may try again. */
  readonly retryAt: Date;
  constructor(message: string, retryAt: Date) {
    super(message);
    this.retryAt = retryAt;
  }
}

/** A dependency (database, git host) cannot answer now; the caller may retry. */
export class UnavailableError extends AtlasError {
  readonly code = 'unavailable';
}

function describeProblems(problems: readonly Problem[]): string {
  if (problems.length === 0) return 'invalid input';
  const head = problems
    .slice(0, 3)
    .map((p) => (p.path ? `${p.path}: ${p.message}` : p.message))
    .join('; ');
  return problems.length > 3 ? `${head}; and ${problems.length - 3} more` : head;
}

/**
 * Runs several checks and throws one ValidationError with every problem they found.
 * Each check is a function that throws ValidationError; its result is returned in place.
 */
export function collectProblems<T extends Record<string, () => unknown>>(
  checks: T,
): { [K in keyof T]: ReturnType<T[K]> } {
  const problems: Problem[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, check] of Object.entries(checks)) {
    try {
      out[key] = check();
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return out as { [K in keyof T]: ReturnType<T[K]> };
}
