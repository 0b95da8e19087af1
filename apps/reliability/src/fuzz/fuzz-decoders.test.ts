/** The fuzz runner itself: deterministic by seed, every input accounted for, failures recorded with a reproducer. */
import { describe, expect, it } from 'vitest';
import { applyMutations } from './body-mutations.js';
import { checkDecode, type DecodeOutcome } from './decode-check.js';
import { fuzzDecoders } from './fuzz-decoders.js';
import { loadSeedCorpus, type DecoderName } from './seed-corpus.js';

const corpus = loadSeedCorpus();

describe('fuzzDecoders', () => {
  it('accounts for every input and is reproducible from its seed', () => {
    const first = fuzzDecoders(corpus, { runs: 300, seed: 42 });
    const again = fuzzDecoders(corpus, { runs: 300, seed: 42 });
    expect(first.decoded + first.rejected + first.failures).toBe(300);
    expect(first.decoded).toBeGreaterThan(0);
    expect(first.rejected).toBeGreaterThan(0);
    expect({ ...again, elapsedMs: 0, slowestMs: 0, slowestSeed: '' }).toEqual({ ...first, elapsedMs: 0, slowestMs: 0, slowestSeed: '' });
  });

  it('records one reproducer per unique failure, and each reproduces', () => {
    // No decoder bug is open, so the oracle gets one planted: a cpu counter of 1e308 seconds (the first bug found).
    const planted = (decoder: DecoderName, body: string): DecodeOutcome =>
      / 1e308\b/.test(body) ? { kind: 'failure', failure: `${decoder}: planted 1e308` } : checkDecode(decoder, body);
    const broken = [{ name: 'bad', decoder: 'resource-metrics' as const, body: 'container_cpu_usage_seconds_total{container="c",namespace="n",pod="p"} 1e308\n' }];
    const report = fuzzDecoders(broken, { runs: 200, seed: 3, check: planted });
    expect(report.failures).toBeGreaterThan(0);
    expect(report.uniqueFailures.map((record) => record.failure)).toEqual(['resource-metrics: planted 1e308']);
    for (const record of report.uniqueFailures) {
      expect(planted('resource-metrics', applyMutations(broken[0]!.body, record.mutations))).toEqual({ kind: 'failure', failure: record.failure });
    }
  });

  it('finds nothing wrong with the real decoders on that body', () => {
    const body = 'container_cpu_usage_seconds_total{container="c",namespace="n",pod="p"} 1e308\n';
    const report = fuzzDecoders([{ name: 'was-bad', decoder: 'resource-metrics', body }], { runs: 200, seed: 3 });
    expect(report.uniqueFailures).toEqual([]);
  });
});
