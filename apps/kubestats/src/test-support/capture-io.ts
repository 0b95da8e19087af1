/** A CliIo that records what the CLI writes, and stops long-running commands when the test says so. */
import type { CliIo } from '../cli/cli-io.js';

export interface CapturedIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
  /** Ends a long-running command as SIGINT would. */
  readonly stop: () => void;
}

export function captureIo(options: { tty?: boolean; env?: Record<string, string | undefined> } = {}): CapturedIo {
  let out = '';
  let err = '';
  let stop: (signal: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => {
    stop = resolve;
  });
  return {
    stdout: { write: (text: string) => (out += text), isTTY: options.tty ?? false },
    stderr: { write: (text: string) => (err += text), isTTY: false },
    env: options.env ?? {},
    untilStopped: () => stopped,
    out: () => out,
    err: () => err,
    stop: () => stop('SIGINT'),
  };
}
