/**
 * The app's pino logger: JSON lines on stderr (stdout is kept for command output such as `once` and `top`), pretty
 * through pino-pretty when a person is watching (stdout is a TTY), or to a file (the demo keeps its live view clean).
 */
import { pino, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';
import type { LogLevel } from '../settings.js';

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly pretty: boolean;
  /** Write to this file instead of stderr. */
  readonly file?: string;
}

export function createLogger(options: LoggerOptions): Logger {
  const base = { level: options.level, base: { app: 'kubestats' } };
  if (options.file !== undefined) return pino(base, pino.destination({ dest: options.file, sync: false, mkdir: true }));
  if (options.pretty) return pino(base, PinoPretty({ colorize: true, destination: 2, translateTime: 'SYS:HH:MM:ss.l' }));
  return pino(base, pino.destination(2));
}
