#!/usr/bin/env node
/** The `kubestats` executable: runs the CLI on the real process and exits with its code. */
import { processIo } from '../cli/cli-io.js';
import { runCli } from '../cli/program.js';

const code = await runCli(process.argv.slice(2), processIo());
process.exitCode = code;
// Long-running commands stop on a signal and close everything; a bounded grace covers any handle left open.
setTimeout(() => process.exit(code), 2000).unref();
