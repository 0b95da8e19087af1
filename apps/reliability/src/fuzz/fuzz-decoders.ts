/**
 * The long decoder fuzz loop behind `npm run fuzz`: draws a seed body and 1–4 mutations from a seeded PRNG, runs the
 * decoder through the oracle, and tallies inputs tried, outcomes, unique failures (with one reproducer each) and
 * the slowest input. Pure apart from the clock it is given, so a test can run a few thousand iterations of it.
 */
import { applyMutations, mutationKinds, type Mutation } from './body-mutations.js';
import { checkDecode, type DecodeOutcome } from './decode-check.js';
import type { DecoderName } from './seed-corpus.js';
import { SeededRandom } from './seeded-random.js';
import type { SeedInput } from './seed-corpus.js';

export interface FuzzOptions {
  readonly runs: number;
  readonly seed: number;
  /** Called every `progressEvery` runs (for a progress line); optional. */
  readonly onProgress?: (report: FuzzReport) => void;
  readonly progressEvery?: number;
  readonly now?: () => number;
  /** The oracle; checkDecode unless a test plants a failure to see the runner record it. */
  readonly check?: (decoder: DecoderName, body: string) => DecodeOutcome;
}

export interface FailureRecord {
  readonly failure: string;
  readonly count: number;
  /** The first input that produced it: seed name and mutations, enough to reproduce. */
  readonly seedName: string;
  readonly mutations: readonly Mutation[];
}

export interface FuzzReport {
  readonly runs: number;
  readonly decoded: number;
  readonly rejected: number;
  readonly failures: number;
  readonly uniqueFailures: readonly FailureRecord[];
  readonly elapsedMs: number;
  readonly slowestMs: number;
  readonly slowestSeed: string;
  readonly bytesTried: number;
}

const maxMutationsPerInput = 4;

export function drawMutations(random: SeededRandom): Mutation[] {
  const count = 1 + random.int(maxMutationsPerInput);
  return Array.from({ length: count }, () => ({
    kind: mutationKinds[random.int(mutationKinds.length)] ?? 'truncate',
    at: random.int(2 ** 31),
    pick: random.int(2 ** 31),
  }));
}

export function fuzzDecoders(corpus: readonly SeedInput[], options: FuzzOptions): FuzzReport {
  const now = options.now ?? (() => performance.now());
  const check = options.check ?? checkDecode;
  const random = new SeededRandom(options.seed);
  const unique = new Map<string, { count: number; seedName: string; mutations: readonly Mutation[] }>();
  const startMs = now();
  let decoded = 0;
  let rejected = 0;
  let failures = 0;
  let slowestMs = 0;
  let slowestSeed = '';
  let bytesTried = 0;
  const report = (runs: number): FuzzReport => ({
    runs,
    decoded,
    rejected,
    failures,
    uniqueFailures: [...unique].map(([failure, record]) => ({ failure, ...record })),
    elapsedMs: now() - startMs,
    slowestMs,
    slowestSeed,
    bytesTried,
  });
  for (let run = 1; run <= options.runs; run++) {
    const seed = corpus[random.int(corpus.length)];
    if (!seed) throw new Error('fuzzDecoders: empty seed corpus');
    const mutations = drawMutations(random);
    const body = applyMutations(seed.body, mutations);
    bytesTried += body.length;
    const before = now();
    const outcome = check(seed.decoder, body);
    const tookMs = now() - before;
    if (tookMs > slowestMs) {
      slowestMs = tookMs;
      slowestSeed = `${seed.name} ${JSON.stringify(mutations)}`;
    }
    if (outcome.kind === 'decoded') decoded++;
    else if (outcome.kind === 'rejected') rejected++;
    else {
      failures++;
      const known = unique.get(outcome.failure);
      if (known) known.count++;
      else unique.set(outcome.failure, { count: 1, seedName: seed.name, mutations });
    }
    if (options.onProgress && options.progressEvery && run % options.progressEvery === 0) options.onProgress(report(run));
  }
  return report(options.runs);
}
