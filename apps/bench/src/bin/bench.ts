#!/usr/bin/env node
/** The `kubestats-bench` executable: `npm run bench -- --nodes 1000 …` (see apps/bench/README.md). */
import { runBenchCli } from '../bench-cli.js';

const code = await runBenchCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
process.exitCode = code;
