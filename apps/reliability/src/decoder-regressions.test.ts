/**
 * The exact inputs behind the decoder bugs the fuzzer found in @kubestats/source-kubelet, now fixed: each must now
 * pass the fuzz oracle (decoded cleanly, unique keys) with the outcome the fix promises. source-kubelet's own
 * `src/decode/fuzz-regressions.test.ts` pins the minimal forms; these keep the fuzz runner's reproducers, one of
 * which only exists as a mutated seed body.
 */
import { decodeContainerStats, decodeResourceMetrics } from '@kubestats/source-kubelet';
import { describe, expect, it } from 'vitest';
import { applyMutations, type Mutation } from './fuzz/body-mutations.js';
import { checkDecode, decodeContext, knownDecoderFailures } from './fuzz/decode-check.js';
import { loadSeedCorpus } from './fuzz/seed-corpus.js';

/** The fuzz runner's reproducer (seed body + mutations). */
function fromFuzzReproducer(seedPrefix: string, mutations: readonly Mutation[]): string {
  const seed = loadSeedCorpus().find((input) => input.name.startsWith(seedPrefix));
  if (!seed) throw new Error(`no seed ${seedPrefix}`);
  return applyMutations(seed.body, mutations);
}

const cpuOf1e308Seconds = 'container_cpu_usage_seconds_total{container="c",namespace="n",pod="p"} 1e308 1633000000000\n';
const kubeletListedTwice = JSON.stringify([
  { name: '/kubelet', spec: { creation_time: '2016-06-01T00:00:00Z', has_cpu: true }, stats: [{ timestamp: '2016-06-01T00:01:00Z', cpu: { usage: { total: 1 } } }] },
  { name: '/kubelet', spec: { creation_time: '2016-06-01T00:00:00Z', has_cpu: true }, stats: [{ timestamp: '2016-06-01T00:01:00Z', cpu: { usage: { total: 2 } } }] },
]);
const cadvisorWithDuplicatedChunks = fromFuzzReproducer('nri-kubernetes-k8s-1.35-containerd-metrics-cadvisor.prom', [
  { kind: 'duplicate-chunk', at: 411334484, pick: 1684860136 },
  { kind: 'duplicate-chunk', at: 1167978970, pick: 1541047447 },
  { kind: 'flip-byte', at: 2032630958, pick: 131410652 },
  { kind: 'duplicate-chunk', at: 317211630, pick: 1646503377 },
]);

describe('fixed decoder bugs (fuzz reproducers)', () => {
  it('no decoder failure is tolerated as known any more', () => {
    expect([...knownDecoderFailures]).toEqual([]);
  });

  it('resource-metrics: a cpu counter of 1e308 seconds is an invalid-value diagnostic, not a RangeError', () => {
    expect(checkDecode('resource-metrics', cpuOf1e308Seconds)).toMatchObject({ kind: 'decoded', sets: 1, diagnostics: 1 });
    const result = decodeResourceMetrics(cpuOf1e308Seconds, decodeContext);
    expect(result.metricSets[0]!.metricValues.has('cpu/usage')).toBe(false);
    expect(result.diagnostics).toEqual([expect.objectContaining({ key: 'namespace:n/pod:p/container:c', reason: 'invalid-value' })]);
  });

  it('container-stats: a cgroup listed twice is one set, the higher cpu kept, with duplicate-cgroup-resolved', () => {
    expect(checkDecode('container-stats', kubeletListedTwice)).toMatchObject({ kind: 'decoded', sets: 1 });
    const result = decodeContainerStats(kubeletListedTwice, decodeContext);
    expect(result.metricSets.map((set) => set.key)).toEqual(['node:fuzz-node/container:kubelet']);
    expect(result.metricSets[0]!.metricValues.get('cpu/usage')!.value).toBe(2n);
    expect(result.diagnostics).toEqual([expect.objectContaining({ reason: 'duplicate-cgroup-resolved' })]);
  });

  it('resource-metrics: duplicated chunks of a cadvisor body decode to unique keys, the cgroup view kept', () => {
    expect(checkDecode('resource-metrics', cadvisorWithDuplicatedChunks)).toMatchObject({ kind: 'decoded' });
    // The flipped byte cut the `id` label off one cpu series of this container, so it appeared twice.
    const key = 'namespace:scraper/pod:e2e-daemonset-kb65b/container:compute-pi-digits';
    const result = decodeResourceMetrics(cadvisorWithDuplicatedChunks, decodeContext);
    expect(result.metricSets.filter((set) => set.key === key)).toHaveLength(1);
    expect(result.diagnostics.filter((entry) => entry.key === key && entry.reason === 'duplicate-cgroup-resolved')).toEqual([
      expect.objectContaining({ detail: expect.stringMatching(/^kept cgroup \/kubepods.*ff102f3ad315.*; dropped the series without an id label \(cpu\/usage\)/) as string }),
    ]);
  });
});
