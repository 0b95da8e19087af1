/**
 * Typed errors shared by every plugin. A rejected plugin call is retryable unless it is a PermanentError; config
 * problems are collected and reported all at once.
 */

/** A failure that retrying cannot fix (bad field type, message too large, bad credentials). */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
}

export function isPermanentError(error: unknown): error is PermanentError {
  return error instanceof PermanentError;
}

export interface ConfigProblem {
  /** Dotted path of the offending setting, e.g. `sink[1].batchSize` or `kubeletPort`. */
  readonly path: string;
  readonly message: string;
}

/** Every problem of a configuration, listed as `path: message`. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly ConfigProblem[];

  constructor(subject: string, problems: readonly ConfigProblem[]) {
    super(`${subject}: ${problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ')}`);
    this.problems = problems;
  }
}

/** The message of any thrown value, for `detail` fields and logs. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}
