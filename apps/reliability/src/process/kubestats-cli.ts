/**
 * The `kubestats` executable for the process rows, run from sources by `scripts/run-ts.mjs` (no build needed): the
 * same `runCli` on the real process as `apps/kubestats/src/bin/kubestats.ts`, so real SIGTERM/SIGINT reach the
 * app's own signal handling (`processIo().untilStopped`) and the exit code is the app's.
 */
import { runCli } from 'kubestats';
import { processIo } from '../../../kubestats/src/cli/cli-io.js';

export function main(argv: readonly string[]): Promise<number> {
  return runCli(argv, processIo());
}
