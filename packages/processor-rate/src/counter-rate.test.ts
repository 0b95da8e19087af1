/**
 * Tests of the in-place series state (`advanceCounter`), the shared rate values and the double fast path of the
 * millicore division, which must always agree with the bigint integer division it replaces.
 */
import { Metrics, podContainerKey } from '@kubestats/core';
import { buildBatch, podContainerSet } from '@kubestats/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advanceCounter, evaluateSample, RateStep, rateValue, type SeriesSample } from './counter-rate.js';
import { RateProcessor } from './rate-processor.js';

const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const longAgo = t0 - 3_600_000;
const options = { freshWindowMs: 60_000, freshAllowed: true, startTimeToleranceMs: 1000 };
const signal = new AbortController().signal;

/** Heapster's formula in bigints: the reference the double fast path must match. */
function bigintMillicores(deltaNs: bigint, windowMs: number): bigint {
  return (deltaNs * 1000n) / BigInt(Math.max(1, Math.round(windowMs * 1e6)));
}

describe('rateValue millicores', () => {
  it('equals bigint integer division on both sides of the double fast path bound', () => {
    const bound = 9_007_199_254_740n;
    fc.assert(
      fc.property(
        fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 13n }), fc.bigInt({ min: bound - 1000n, max: bound + 1000n }), fc.bigInt({ min: 0n, max: 2n ** 63n })),
        fc.oneof(fc.integer({ min: 1, max: 3_600_000 }), fc.double({ min: 0.001, max: 1e10, noNaN: true })),
        (delta, windowMs) => {
          expect(rateValue(delta, windowMs, Metrics.cpuUsageRate)).toEqual({ kind: 'int', type: 'gauge', value: bigintMillicores(delta, windowMs) });
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('is exact where a double quotient would round up to the next integer', () => {
    // 1000·Δ = k·window − 1000: the true quotient is just below k.
    const windowMs = 15_000;
    const windowNs = 15_000_000_000n;
    const delta = (123_456n * windowNs - 1000n) / 1000n;
    expect(rateValue(delta, windowMs, Metrics.cpuUsageRate).value).toBe(123_455n);
    expect(rateValue(delta + 1n, windowMs, Metrics.cpuUsageRate).value).toBe(123_456n);
    // Past the fast path's bound a double would round 10^16 − 1 ns up to 10^16 and give 10^13 millicores.
    expect(rateValue(10n ** 16n - 1n, 1, Metrics.cpuUsageRate).value).toBe(10n ** 13n - 1n);
  });

  it('shares frozen values for small millicore and zero float rates, and builds larger ones', () => {
    const small = rateValue(15_000_000_000n, 60_000, Metrics.cpuUsageRate);
    expect(small).toEqual({ kind: 'int', type: 'gauge', value: 250n });
    expect(Object.isFrozen(small)).toBe(true);
    expect(rateValue(15_000_000_000n, 60_000, Metrics.cpuUsageRate)).toBe(small);
    expect(rateValue(10n ** 15n, 60_000, Metrics.cpuUsageRate)).toEqual({ kind: 'int', type: 'gauge', value: 16_666_666n });
    const zero = rateValue(0n, 15_000, Metrics.networkRxErrorsRate);
    expect(zero).toEqual({ kind: 'float', type: 'gauge', value: 0 });
    expect(Object.isFrozen(zero)).toBe(true);
    expect(Object.is(rateValue(-0, 15_000, Metrics.networkRxRate).value, -0)).toBe(true);
  });
});

describe('advanceCounter', () => {
  it('updates the stored sample in place and reports the window in the step', () => {
    const sample: SeriesSample = { value: 1_000_000_000n, scrapeTimeMs: t0, startTimeMs: longAgo };
    const step = new RateStep();
    const rate = advanceCounter(sample, 16_000_000_000n, t0 + 15_000, longAgo, Metrics.cpuUsageRate, options, step);
    expect(rate).toEqual({ kind: 'int', type: 'gauge', value: 1000n });
    expect(step).toMatchObject({ windowMs: 15_000, reason: undefined, detail: '', stored: true });
    expect(sample).toEqual({ value: 16_000_000_000n, scrapeTimeMs: t0 + 15_000, startTimeMs: longAgo });
  });

  it('keeps the last good sample on a stale or invalid reading, and overwrites every step field', () => {
    const sample: SeriesSample = { value: 5n, scrapeTimeMs: t0, startTimeMs: longAgo };
    const step = new RateStep();
    advanceCounter(sample, 9n, t0 + 15_000, longAgo, Metrics.networkRxRate, options, step);
    expect(step.windowMs).toBe(15_000);
    expect(advanceCounter(sample, 12n, t0 + 15_000, longAgo, Metrics.networkRxRate, options, step)).toBeUndefined();
    expect(step).toMatchObject({ windowMs: 0, reason: 'stale-sample', stored: false });
    expect(advanceCounter(sample, -1n, t0 + 30_000, longAgo, Metrics.networkRxRate, options, step)).toBeUndefined();
    expect(step).toMatchObject({ windowMs: 0, reason: 'invalid-value', stored: false });
    expect(sample).toEqual({ value: 9n, scrapeTimeMs: t0 + 15_000, startTimeMs: longAgo });
    const restart = advanceCounter(sample, 3n, t0 + 30_000, longAgo, Metrics.networkRxRate, options, step);
    expect(restart).toEqual({ kind: 'float', type: 'gauge', value: 0.2 });
    expect(step).toMatchObject({ windowMs: 15_000, reason: 'counter-reset', stored: true });
    expect(step.detail).toContain('counter fell from 9 to 3');
  });

  it('says a first sample is to be stored without touching any state', () => {
    const step = new RateStep();
    expect(advanceCounter(undefined, 7n, t0, longAgo, Metrics.cpuUsageRate, options, step)).toBeUndefined();
    expect(step).toMatchObject({ reason: 'first-sample', stored: true });
    expect(advanceCounter(undefined, 2n ** 64n, t0, longAgo, Metrics.cpuUsageRate, options, step)).toBeUndefined();
    expect(step).toMatchObject({ reason: 'invalid-value', stored: false });
  });

  it('evaluateSample leaves the previous sample it is given untouched', () => {
    const previous = Object.freeze({ value: 0n, scrapeTimeMs: t0, startTimeMs: longAgo });
    const outcome = evaluateSample(previous, { value: 15_000_000_000n, scrapeTimeMs: t0 + 60_000, startTimeMs: longAgo }, Metrics.cpuUsageRate, options);
    expect(outcome).toEqual({ kind: 'rate', value: { kind: 'int', type: 'gauge', value: 250n }, windowMs: 60_000, store: true });
    expect(previous).toEqual({ value: 0n, scrapeTimeMs: t0, startTimeMs: longAgo });
  });
});

describe('RateProcessor series state', () => {
  it('keeps no state for a set whose first readings are all refused, and evicts nothing later', async () => {
    const processor = new RateProcessor({ maxUnseenCycles: 1, freshContainerWindowMs: 0, startTimeToleranceMs: 1000 });
    const garbage = buildBatch(t0, [podContainerSet({ namespace: 'ns', pod: 'p', container: 'a', scrapeMs: t0, startMs: longAgo, metrics: { 'cpu/usage': -1n } })]);
    const first = await processor.process(garbage, signal);
    expect(first.diagnostics.map((d) => d.reason)).toEqual(['invalid-value']);
    expect(processor.seriesCount).toBe(0);
    const next = await processor.process(buildBatch(t0 + 15_000, []), signal);
    expect(next.diagnostics).toEqual([]);
  });

  it('tracks a series through in-place updates: rate, restart, missing cycle, rate again', async () => {
    const processor = new RateProcessor({ maxUnseenCycles: 3, freshContainerWindowMs: 0, startTimeToleranceMs: 1000 });
    const key = podContainerKey('ns', 'p', 'a');
    const at = (ms: number, cpuNs: bigint, startMs = longAgo) =>
      buildBatch(ms, [podContainerSet({ namespace: 'ns', pod: 'p', container: 'a', scrapeMs: ms, startMs, metrics: { 'cpu/usage': cpuNs, 'network/rx': cpuNs / 1000n } })]);
    const rateAt = async (ms: number, cpuNs: bigint, startMs?: number) => {
      const set = (await processor.process(at(ms, cpuNs, startMs), signal)).batch.metricSets.get(key)!;
      return [set.metricValues.get('cpu/usage_rate')?.value, set.metricValues.get('network/rx_rate')?.value, set.rateWindowMs];
    };
    expect(await rateAt(t0, 0n)).toEqual([undefined, undefined, undefined]);
    expect(await rateAt(t0 + 15_000, 15_000_000_000n)).toEqual([1000n, 1_000_000, 15_000]);
    // Restarted 5 s before this scrape: the rate covers those 5 s.
    expect(await rateAt(t0 + 30_000, 2_500_000_000n, t0 + 25_000)).toEqual([500n, 500_000, 5_000]);
    await processor.process(buildBatch(t0 + 45_000, []), signal);
    expect(await rateAt(t0 + 60_000, 17_500_000_000n, t0 + 25_000)).toEqual([500n, 500_000, 30_000]);
    expect(processor.seriesCount).toBe(2);
  });
});
