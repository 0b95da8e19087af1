/**
 * Property tests for the three kubelet decoders on mutated real bodies: any sequence of mutations of any seed must
 * end in a DecodeError or a clean result (no negative or non-finite value, no NaN time, unique keys, output
 * proportional to the input). The seeds are real kubelet payloads (see fuzz/seed-corpus.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMutations, mutationKinds, type Mutation } from './fuzz/body-mutations.js';
import { checkDecode, knownDecoderFailures } from './fuzz/decode-check.js';
import { loadSeedCorpus } from './fuzz/seed-corpus.js';

const corpus = loadSeedCorpus();

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom(...mutationKinds),
  at: fc.nat(),
  pick: fc.nat(),
});

describe('decoders on mutated real bodies', () => {
  it('the unmutated seeds decode cleanly', () => {
    for (const seed of corpus) expect(checkDecode(seed.decoder, seed.body), seed.name).toMatchObject({ kind: 'decoded' });
  });

  for (const decoder of ['summary', 'resource-metrics', 'container-stats'] as const) {
    const seeds = corpus.filter((seed) => seed.decoder === decoder);
    it(`${decoder}: only DecodeError escapes, and what decodes is clean`, () => {
      fc.assert(
        fc.property(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }), (seed, mutations) => {
          const outcome = checkDecode(seed.decoder, applyMutations(seed.body, mutations));
          const unexpected = outcome.kind === 'failure' && !knownDecoderFailures.has(outcome.failure);
          expect(unexpected ? `${seed.name}: ${outcome.kind === 'failure' ? outcome.failure : ''}` : 'ok').toBe('ok');
        }),
        { numRuns: 300 },
      );
    });
  }
});
