/**
 * A pino logger whose every line is kept in memory, so a test can assert what was (and was never) logged: the
 * security rows check no token or password appears in any line.
 */
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export interface CapturedLog {
  readonly logger: Logger;
  /** Every line written so far, raw JSON text. */
  readonly lines: string[];
  /** Parsed lines. */
  entries(): Record<string, unknown>[];
}

export function captureLog(level: pino.Level = 'debug'): CapturedLog {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(line);
      callback();
    },
  });
  const logger = pino({ level }, stream);
  return { logger, lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
