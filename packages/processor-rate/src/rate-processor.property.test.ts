/**
 * Property tests for the rate processor under garbage input: arbitrary sequences of batches whose counters are
 * negative, beyond int64, NaN, ±Infinity or huge floats, whose scrape and start times jump backwards, are 0, NaN or
 * infinite, and whose series come and go. The processor must never reject, never emit a negative or non-finite
 * rate, and keep state only for series seen within the last `maxUnseenCycles` cycles.
 */
import { floatValue, intValue, podContainerKey, rateDefinitions, rateWindowMsOf, type MetricValue } from '@kubestats/core';
import { buildBatch, podContainerSet } from '@kubestats/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RateProcessor } from './rate-processor.js';

const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const signal = new AbortController().signal;
const containers = ['a', 'b', 'c'] as const;
const rateNames = new Set(rateDefinitions.map(({ output }) => output.name));
const inputNames = rateDefinitions.filter(({ input }) => !input.labeled).map(({ input }) => input.name);
const labeledInputNames = rateDefinitions.filter(({ input }) => input.labeled).map(({ input }) => input.name);

const garbageNumber = fc.oneof(
  fc.double(),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -1, 0, 1e308, Number.MAX_VALUE, 2 ** 63, 2 ** 64, Number('1e400'), -0),
  fc.integer({ min: 0, max: 1e12 }),
);
const garbageBigInt = fc.oneof(
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.constantFrom(-1n, 0n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n),
  fc.bigInt({ min: 0n, max: 10n ** 12n }),
);
const counterValue: fc.Arbitrary<MetricValue> = fc.oneof(
  garbageBigInt.map((value) => intValue(value, 'cumulative')),
  garbageNumber.map((value) => floatValue(value, 'cumulative')),
);
const timeOffset = fc.oneof(
  fc.integer({ min: -600_000, max: 600_000 }),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, 0, Number.MAX_VALUE, -Number.MAX_VALUE, 1e300),
);

const containerSample = fc.record({
  present: fc.boolean(),
  values: fc.dictionary(fc.constantFrom(...inputNames), counterValue, { maxKeys: 4 }),
  disk: fc.array(fc.tuple(fc.constantFrom(...labeledInputNames), fc.constantFrom('/dev/sda', '/dev/sdb'), counterValue), { maxLength: 3 }),
  scrapeOffsetMs: timeOffset,
  startOffsetMs: timeOffset,
});
const cycle = fc.record({ advanceMs: fc.integer({ min: -120_000, max: 120_000 }), samples: fc.array(containerSample, { minLength: 3, maxLength: 3 }) });

function checkRate(value: MetricValue, where: string): void {
  const ok = value.kind === 'int' ? value.value >= 0n : Number.isFinite(value.value) && value.value >= 0;
  if (!ok) throw new Error(`${where}: rate ${String(value.value)} is negative or not finite`);
}

describe('rate processor under garbage input', () => {
  it('never rejects, never emits a negative or non-finite rate, and keeps state bounded by maxUnseenCycles', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cycle, { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 4 }), async (cycles, maxUnseenCycles) => {
        const processor = new RateProcessor({ maxUnseenCycles, freshContainerWindowMs: 60_000, startTimeToleranceMs: 1000 });
        let now = t0;
        const seenAt: Map<string, number>[] = [];
        for (const [cycleIndex, { advanceMs, samples }] of cycles.entries()) {
          now += advanceMs;
          const seen = new Map<string, number>();
          const sets = samples.flatMap((sample, index) => {
            const container = containers[index] ?? 'a';
            if (!sample.present) return [];
            for (const name of Object.keys(sample.values)) seen.set(`${container}/${name}`, cycleIndex);
            for (const [name, device] of sample.disk) seen.set(`${container}/${name}/${device}`, cycleIndex);
            return [
              podContainerSet({
                namespace: 'ns',
                pod: 'p',
                container,
                scrapeMs: now + sample.scrapeOffsetMs,
                startMs: now + sample.startOffsetMs,
                metrics: sample.values,
                labeledMetrics: sample.disk.map(([name, device, value]) => ({ name, labels: { resource_id: device }, value })),
              }),
            ];
          });
          seenAt.push(seen);
          const result = await processor.process(buildBatch(now, sets), signal);
          for (const set of result.batch.metricSets.values()) {
            for (const [name, value] of set.metricValues) if (rateNames.has(name)) checkRate(value, `${set.key} ${name}`);
            for (const metric of set.labeledMetrics) if (rateNames.has(metric.name)) checkRate(metric.value, `${set.key} ${metric.name}`);
            const windowMs = rateWindowMsOf(set);
            if (windowMs !== undefined) expect(Number.isFinite(windowMs) && windowMs > 0).toBe(true);
          }
          // Only series seen in the last maxUnseenCycles cycles may hold state.
          const recent = new Set(seenAt.slice(-maxUnseenCycles).flatMap((map) => [...map.keys()]));
          expect(processor.seriesCount).toBeLessThanOrEqual(recent.size);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('an int counter at 2^63 or above is refused with invalid-value and keeps the last good sample', async () => {
    const processor = new RateProcessor({ maxUnseenCycles: 3, freshContainerWindowMs: 0, startTimeToleranceMs: 1000 });
    const key = podContainerKey('ns', 'p', 'a');
    const at = (ms: number, value: bigint | number) =>
      buildBatch(ms, [podContainerSet({ namespace: 'ns', pod: 'p', container: 'a', scrapeMs: ms, startMs: t0 - 3_600_000, metrics: { 'cpu/usage': value } })]);
    await processor.process(at(t0, 0n), signal);
    const garbage = await processor.process(at(t0 + 10_000, 2n ** 63n), signal);
    expect(garbage.diagnostics).toEqual([expect.objectContaining({ key, reason: 'invalid-value' })]);
    const next = await processor.process(at(t0 + 20_000, 20_000_000_000n), signal);
    expect(next.batch.metricSets.get(key)?.metricValues.get('cpu/usage_rate')).toMatchObject({ value: 1000n });
  });

  // Found by the property above: both used to throw a RangeError out of process() (BigInt(Infinity)).
  it('a float counter beyond 2^63 is refused with invalid-value instead of overflowing the millicore rate', async () => {
    const processor = new RateProcessor({ maxUnseenCycles: 3, freshContainerWindowMs: 0, startTimeToleranceMs: 1000 });
    const at = (ms: number, value: MetricValue) =>
      buildBatch(ms, [podContainerSet({ namespace: 'ns', pod: 'p', container: 'a', scrapeMs: ms, startMs: t0 - 3_600_000, metrics: { 'cpu/usage': value } })]);
    await processor.process(at(t0, floatValue(0, 'cumulative')), signal);
    const result = await processor.process(at(t0 + 10_000, floatValue(1e308, 'cumulative')), signal);
    expect(result.diagnostics).toEqual([expect.objectContaining({ reason: 'invalid-value' })]);
  });

  it('a scrape time beyond the Date range is replaced by the batch time', async () => {
    const processor = new RateProcessor({ maxUnseenCycles: 3, freshContainerWindowMs: 0, startTimeToleranceMs: 1000 });
    const key = podContainerKey('ns', 'p', 'a');
    const at = (batchMs: number, scrapeMs: number, value: bigint) =>
      buildBatch(batchMs, [podContainerSet({ namespace: 'ns', pod: 'p', container: 'a', scrapeMs, startMs: t0 - 3_600_000, metrics: { 'cpu/usage': value } })]);
    await processor.process(at(t0, t0, 0n), signal);
    const result = await processor.process(at(t0 + 10_000, Number.MAX_VALUE, 10_000_000_000n), signal);
    expect(result.batch.metricSets.get(key)?.metricValues.get('cpu/usage_rate')).toMatchObject({ value: 1000n });
    expect(rateWindowMsOf(result.batch.metricSets.get(key)!)).toBe(10_000);
  });
});
