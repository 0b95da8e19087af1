/**
 * Minimal reproducers of the decoder bugs the fuzzer found in @kubestats/source-kubelet (reported to its owner).
 * Each asserts the bug still happens: when a fix lands the test fails, and the entry leaves `knownDecoderFailures`
 * so the property tests and the fuzz runner treat it as a regression from then on.
 */
import { describe, expect, it } from 'vitest';
import { applyMutations, type Mutation } from './fuzz/body-mutations.js';
import { checkDecode, knownDecoderFailures } from './fuzz/decode-check.js';
import { loadSeedCorpus } from './fuzz/seed-corpus.js';

/** The fuzz runner's reproducer (seed body + mutations) for the bugs no hand-written body reproduced yet. */
function fromFuzzReproducer(seedPrefix: string, mutations: readonly Mutation[]): string {
  const seed = loadSeedCorpus().find((input) => input.name.startsWith(seedPrefix));
  if (!seed) throw new Error(`no seed ${seedPrefix}`);
  return applyMutations(seed.body, mutations);
}

const cases = [
  {
    failure: 'resource-metrics: threw RangeError: The number Infinity cannot be converted to a BigInt because it is not an integer',
    decoder: 'resource-metrics',
    body: 'container_cpu_usage_seconds_total{container="c",namespace="n",pod="p"} 1e308 1633000000000\n',
  },
  {
    failure: 'container-stats: duplicate key',
    decoder: 'container-stats',
    body: JSON.stringify([
      { name: '/kubelet', spec: { creation_time: '2016-06-01T00:00:00Z', has_cpu: true }, stats: [{ timestamp: '2016-06-01T00:01:00Z', cpu: { usage: { total: 1 } } }] },
      { name: '/kubelet', spec: { creation_time: '2016-06-01T00:00:00Z', has_cpu: true }, stats: [{ timestamp: '2016-06-01T00:01:00Z', cpu: { usage: { total: 2 } } }] },
    ]),
  },
  {
    failure: 'resource-metrics: duplicate key',
    decoder: 'resource-metrics',
    body: fromFuzzReproducer('nri-kubernetes-k8s-1.35-containerd-metrics-cadvisor.prom', [
      { kind: 'duplicate-chunk', at: 411334484, pick: 1684860136 },
      { kind: 'duplicate-chunk', at: 1167978970, pick: 1541047447 },
      { kind: 'flip-byte', at: 2032630958, pick: 131410652 },
      { kind: 'duplicate-chunk', at: 317211630, pick: 1646503377 },
    ]),
  },
] as const;

describe('known decoder bugs (remove each from knownDecoderFailures once this fails)', () => {
  for (const { failure, decoder, body } of cases) {
    it(`still reproduces: ${failure}`, () => {
      expect(knownDecoderFailures.has(failure)).toBe(true);
      expect(checkDecode(decoder, body)).toEqual({ kind: 'failure', failure });
    });
  }
});
