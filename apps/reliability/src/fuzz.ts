/**
 * `npm run fuzz -- --runs 1000000 [--seed 42] [--json out.json]`: mutation fuzzing of the kubelet decoders, seeded
 * from real kubelet bodies. Prints inputs tried, outcomes, unique failures with a reproducer each, and time; exits 1
 * when any failure was found.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fuzzDecoders, type FuzzReport } from './fuzz/fuzz-decoders.js';
import { loadSeedCorpus } from './fuzz/seed-corpus.js';

function summary(report: FuzzReport): string {
  const perSecond = Math.round(report.runs / Math.max(report.elapsedMs / 1000, 1e-3));
  return `${report.runs} inputs (${(report.bytesTried / 1e6).toFixed(1)} MB) in ${(report.elapsedMs / 1000).toFixed(1)} s (${perSecond}/s): ${report.decoded} decoded, ${report.rejected} rejected with DecodeError, ${report.failures} failures (${report.uniqueFailures.length} unique)`;
}

export function main(args: readonly string[]): number {
  const { values } = parseArgs({
    args: [...args],
    options: { runs: { type: 'string', default: '100000' }, seed: { type: 'string', default: '1' }, json: { type: 'string' } },
  });
  const runs = Number(values.runs);
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(runs) || runs < 1) throw new Error(`--runs: expected a positive integer, got ${values.runs}`);
  if (!Number.isSafeInteger(seed)) throw new Error(`--seed: expected an integer, got ${values.seed}`);
  const corpus = loadSeedCorpus();
  console.log(`fuzzing ${corpus.length} seed bodies (${corpus.map((input) => input.decoder).join(', ')}), seed ${seed}`);
  const report = fuzzDecoders(corpus, {
    runs,
    seed,
    progressEvery: Math.max(1000, Math.floor(runs / 20)),
    onProgress: (progress) => console.log(`  ${summary(progress)}`),
  });
  console.log(summary(report));
  console.log(`slowest input: ${report.slowestMs.toFixed(1)} ms (${report.slowestSeed.slice(0, 200)})`);
  for (const failure of report.uniqueFailures) {
    console.log(`FAILURE x${failure.count}: ${failure.failure}\n  reproduce: ${failure.seedName} ${JSON.stringify(failure.mutations)}`);
  }
  if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
  return report.failures > 0 ? 1 : 0;
}
