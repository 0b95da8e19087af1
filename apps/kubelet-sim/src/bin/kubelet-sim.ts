#!/usr/bin/env node
/** The `kubelet-sim` executable: wires the CLI to the real process (stdout/stderr, exit, SIGINT/SIGTERM). */
import { runCli } from '../cli.js';

await runCli(process.argv.slice(2), {
  io: { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) },
  exit: (code) => process.exit(code),
  onSignal: (handler) => {
    process.once('SIGINT', () => handler('SIGINT'));
    process.once('SIGTERM', () => handler('SIGTERM'));
  },
});
