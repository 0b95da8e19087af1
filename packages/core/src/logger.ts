/**
 * The logging interface plugins receive. It is the subset of pino's Logger that plugins use, so the app hands
 * them a pino child logger while core stays free of dependencies.
 */

export interface LogFn {
  (fields: object, message?: string): void;
  (message: string): void;
}

export interface Logger {
  readonly debug: LogFn;
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

const ignore: LogFn = () => undefined;

/** A logger that drops everything; the default where no logger is given. */
export const silentLogger: Logger = {
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
  child: () => silentLogger,
};
