import { Metrics, podContainerKey, rateWindowMsOf, silentLogger, systemClock, type DataBatch } from '@kubestats/core';
import { buildBatch, factoryContract, podContainerSet, processorContract } from '@kubestats/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateSample, rateValue } from './counter-rate.js';
import { RateProcessor } from './rate-processor.js';
import { rateProcessorFactory } from './rate-processor-factory.js';

const minute = 60_000;
const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const longAgo = t0 - 3_600_000;

function create(maxUnseenCycles = 3): RateProcessor {
  return new RateProcessor({ maxUnseenCycles, freshContainerWindowMs: minute, startTimeToleranceMs: 1000 });
}

function containerBatch(atMs: number, cpuNs: bigint, startMs = longAgo, container = 'web'): DataBatch {
  return buildBatch(atMs, [podContainerSet({ namespace: 'prod', pod: 'p', container, scrapeMs: atMs, startMs, metrics: { 'cpu/usage': cpuNs } })]);
}

const signal = new AbortController().signal;
const key = podContainerKey('prod', 'p', 'web');

factoryContract(rateProcessorFactory);

processorContract({
  name: 'rate',
  create: () => create(),
  input: () => containerBatch(t0, 1_000_000_000n),
});

describe('RateProcessor', () => {
  it('rejects promptly with the reason when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('deadline'));
    await expect(create().process(containerBatch(t0, 1n), controller.signal)).rejects.toThrow('deadline');
  });

  it('keeps the previous sample of the series, not of the previous batch', async () => {
    const processor = create();
    await processor.process(containerBatch(t0, 0n), signal);
    // A cycle where the container is missing (the kubelet timed out) does not blank the next rate.
    await processor.process(buildBatch(t0 + minute, []), signal);
    const result = await processor.process(containerBatch(t0 + 2 * minute, 60_000_000_000n), signal);
    expect(result.batch.metricSets.get(key)?.metricValues.get(Metrics.cpuUsageRate.name)).toMatchObject({ value: 500n });
    expect(rateWindowMsOf(result.batch.metricSets.get(key)!)).toBe(2 * minute);
  });

  it('evicts a series unseen for maxUnseenCycles cycles, with a series-evicted diagnostic', async () => {
    const processor = create(2);
    await processor.process(containerBatch(t0, 0n), signal);
    expect(processor.seriesCount).toBe(1);
    const one = await processor.process(buildBatch(t0 + minute, []), signal);
    expect(one.diagnostics).toEqual([]);
    const two = await processor.process(buildBatch(t0 + 2 * minute, []), signal);
    expect(two.diagnostics).toEqual([expect.objectContaining({ key, stage: 'rate', reason: 'series-evicted' })]);
    expect(processor.seriesCount).toBe(0);
    const back = await processor.process(containerBatch(t0 + 3 * minute, 1n), signal);
    expect(back.diagnostics.map((d) => d.reason)).toEqual(['first-sample']);
  });

  it('gets 250m for both seed pods even if duplicates had not been resolved (start time flipped back)', async () => {
    // Heapster's failure mode: the kept cgroup flips between the older and the newer creation time. Both start
    // times lie before the previous sample and the counter did not fall, so this is jitter, not a restart.
    const processor = create();
    const newer = Date.parse('2017-05-04T15:30:43.173Z');
    const older = Date.parse('2017-05-04T15:30:22.688Z');
    const s1 = Date.parse('2017-05-04T15:40:00Z');
    await processor.process(containerBatch(s1, 415_000_000_000n, newer), signal);
    const result = await processor.process(containerBatch(s1 + minute, 430_000_000_000n, older), signal);
    expect(result.batch.metricSets.get(key)?.metricValues.get(Metrics.cpuUsageRate.name)).toMatchObject({ value: 250n });
    expect(result.diagnostics).toEqual([]);
  });

  it('returns a new batch and shares the sets it did not change', async () => {
    const processor = create();
    const input = buildBatch(t0, [
      podContainerSet({ namespace: 'prod', pod: 'p', container: 'web', scrapeMs: t0, metrics: { 'memory/usage': 5n } }),
    ]);
    const result = await processor.process(input, signal);
    expect(result.batch).not.toBe(input);
    expect(result.batch.metricSets.get(key)).toBe(input.metricSets.get(key));
  });

  it('names every skipped metric of a set in one diagnostic per reason', async () => {
    const result = await create().process(
      buildBatch(t0, [
        podContainerSet({ namespace: 'prod', pod: 'p', container: 'web', scrapeMs: t0, startMs: longAgo, metrics: { 'cpu/usage': 1n, 'memory/page_faults': 2n } }),
      ]),
      signal,
    );
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]?.detail).toContain(Metrics.cpuUsage.name);
    expect(result.diagnostics[0]?.detail).toContain(Metrics.memoryPageFaults.name);
  });

  it('falls back to the batch timestamp when the sample time is unknown', async () => {
    const processor = create();
    await processor.process(buildBatch(t0, [podContainerSet({ namespace: 'prod', pod: 'p', container: 'web', startMs: longAgo, metrics: { 'cpu/usage': 0n } })]), signal);
    const result = await processor.process(buildBatch(t0 + minute, [podContainerSet({ namespace: 'prod', pod: 'p', container: 'web', startMs: longAgo, metrics: { 'cpu/usage': 6_000_000_000n } })]), signal);
    expect(result.batch.metricSets.get(key)?.metricValues.get(Metrics.cpuUsageRate.name)).toMatchObject({ value: 100n });
  });
});

describe('evaluateSample', () => {
  const options = { freshWindowMs: minute, freshAllowed: true, startTimeToleranceMs: 1000 };

  it('computes cpu millicores exactly past 2^53 ns', () => {
    const base = 2n ** 60n;
    const outcome = evaluateSample(
      { value: base, scrapeTimeMs: t0, startTimeMs: longAgo },
      { value: base + 15_000_000_000n, scrapeTimeMs: t0 + minute, startTimeMs: longAgo },
      Metrics.cpuUsageRate,
      options,
    );
    expect(outcome).toMatchObject({ kind: 'rate', value: { kind: 'int', value: 250n }, windowMs: minute });
  });

  it('handles a float counter (int/float mismatch) without throwing', () => {
    const outcome = evaluateSample(
      { value: 1_000_000_000n, scrapeTimeMs: t0, startTimeMs: longAgo },
      { value: 7e9, scrapeTimeMs: t0 + minute, startTimeMs: longAgo },
      Metrics.cpuUsageRate,
      options,
    );
    expect(outcome).toMatchObject({ kind: 'rate', value: { kind: 'int', value: 100n } });
  });

  it('truncates cpu millicores like Heapster', () => {
    expect(rateValue(1_999_999n, 1, Metrics.cpuUsageRate)).toMatchObject({ value: 1999n });
    expect(rateValue(1500, 1000, Metrics.networkRxRate)).toMatchObject({ kind: 'float', value: 1500 });
  });
});

describe('rate properties', () => {
  const step = fc.record({
    advanceMs: fc.integer({ min: -5_000, max: 120_000 }),
    counterDelta: fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
    restart: fc.boolean(),
    restartOffsetMs: fc.integer({ min: -200_000, max: 200_000 }),
  });

  it('never emits a negative, non-finite or NaN rate for arbitrary counter sequences with resets', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), fc.bigInt({ min: 0n, max: 2n ** 62n }), async (steps, initial) => {
        const processor = create();
        let now = t0;
        let counter = initial;
        let start = longAgo;
        for (const { advanceMs, counterDelta, restart, restartOffsetMs } of steps) {
          now += advanceMs;
          counter = restart ? (counterDelta < 0n ? -counterDelta : counterDelta) : counter + counterDelta;
          if (restart) start = now + restartOffsetMs;
          const batch = buildBatch(now, [
            podContainerSet({
              namespace: 'prod',
              pod: 'p',
              container: 'web',
              scrapeMs: now,
              startMs: start,
              metrics: { 'cpu/usage': counter, 'network/rx': counter },
            }),
          ]);
          const result = await processor.process(batch, signal);
          const set = result.batch.metricSets.get(key)!;
          const cpu = set.metricValues.get(Metrics.cpuUsageRate.name);
          const rx = set.metricValues.get(Metrics.networkRxRate.name);
          if (cpu) expect(cpu.kind === 'int' && cpu.value >= 0n).toBe(true);
          if (rx) expect(rx.kind === 'float' && Number.isFinite(rx.value) && rx.value >= 0).toBe(true);
          const windowMs = rateWindowMsOf(set);
          if (cpu || rx) expect(windowMs !== undefined && windowMs > 0).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('for steady counters, the rate is the exact delta over the window', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 62n }), fc.bigInt({ min: 0n, max: 10n ** 14n }), fc.integer({ min: 1, max: 3_600_000 }), (base, delta, windowMs) => {
        const outcome = evaluateSample(
          { value: base, scrapeTimeMs: t0, startTimeMs: longAgo },
          { value: base + delta, scrapeTimeMs: t0 + windowMs, startTimeMs: longAgo },
          Metrics.cpuUsageRate,
          { freshWindowMs: minute, freshAllowed: true, startTimeToleranceMs: 1000 },
        );
        expect(outcome).toMatchObject({ kind: 'rate', windowMs, value: { value: (delta * 1000n) / BigInt(windowMs * 1e6) } });
      }),
    );
  });
});

describe('rateProcessorFactory', () => {
  it('builds a processor from the schema defaults', async () => {
    const processor = rateProcessorFactory.create({
      config: { maxUnseenCycles: 3, freshContainerWindow: minute },
      target: undefined,
      logger: silentLogger,
      clock: systemClock,
      metadata: undefined,
    });
    expect(processor.name).toBe('processor/rate');
    expect((await processor.process(containerBatch(t0, 1n), signal)).diagnostics[0]?.reason).toBe('first-sample');
    expect(rateProcessorFactory.configSchema.freshContainerWindow.default).toBe(minute);
  });
});
