/**
 * Property tests for the memory sink's bounds under arbitrary batch timestamps: out of order, duplicated, far in the
 * past or future, negative, and a clock that disagrees with them. Whatever arrives, the short window holds at most
 * `maxBatches` sorted batches, every long-window series at most `maxSeriesPoints` points, nothing older than the
 * windows allow, and the sink never rejects.
 */
import { Metrics, parseOptions, silentLogger, systemClock, type Clock } from '@kubestats/core';
import { buildBatch, podContainerSet } from '@kubestats/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memorySinkFactory, memorySinkSchema } from './memory-sink-factory.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const live = new AbortController().signal;
const pods = ['a', 'b', 'c', 'd'] as const;

/** A clock that can also go backwards (NTP steps), which FakeClock deliberately cannot. */
function steppingClock(startMs: number): Clock & { step(ms: number): void } {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    setTimeout: systemClock.setTimeout.bind(systemClock),
    clearTimeout: systemClock.clearTimeout.bind(systemClock),
    step: (ms: number) => {
      nowMs += ms;
    },
  };
}

const exportStep = fc.record({
  timestampOffsetMs: fc.oneof(
    fc.integer({ min: -3_600_000, max: 3_600_000 }),
    fc.constantFrom(0, -T0, -2 * T0, 8.64e15 - T0, 1e12),
  ),
  clockAdvanceMs: fc.oneof(fc.integer({ min: -120_000, max: 120_000 }), fc.constant(0)),
  pods: fc.subarray([...pods]),
});

describe('memory sink bounds under arbitrary timestamps', () => {
  it('holds at most maxBatches sorted batches and maxSeriesPoints points per series, within the windows', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(exportStep, { maxLength: 60 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1_000, max: 600_000 }),
        fc.integer({ min: 1_000, max: 1_800_000 }),
        async (steps, maxBatches, maxSeriesPoints, shortWindowMs, longWindowMs) => {
          const clock = steppingClock(T0);
          const parsed = parseOptions(memorySinkSchema, { maxBatches, maxSeriesPoints, shortWindow: shortWindowMs, longWindow: longWindowMs });
          if (!parsed.ok) throw new Error('bad options');
          const sink = memorySinkFactory.create({ config: parsed.config, target: undefined, logger: silentLogger, clock, metadata: undefined });
          let newestMs = -Infinity;
          for (const step of steps) {
            clock.step(step.clockAdvanceMs);
            const timestampMs = T0 + step.timestampOffsetMs;
            newestMs = Math.max(newestMs, timestampMs);
            const batch = buildBatch(
              timestampMs,
              step.pods.map((pod) =>
                podContainerSet({ namespace: 'ns', pod, container: 'c', metrics: { [Metrics.cpuUsageRate.name]: 1n, [Metrics.memoryUsage.name]: 2n } }),
              ),
            );
            await expect(sink.export(batch, live)).resolves.toMatchObject({ pointsRejected: 0 });

            const stats = sink.stats();
            expect(stats.batches).toBeLessThanOrEqual(maxBatches);
            expect(stats.series).toBeLessThanOrEqual(pods.length * 3);
            expect(stats.seriesPoints).toBeLessThanOrEqual(stats.series * maxSeriesPoints);
            const held = sink.batches().map((held) => held.timestampMs);
            const referenceMs = Math.max(clock.now(), newestMs);
            for (const [index, heldMs] of held.entries()) {
              if (index > 0) expect(heldMs).toBeGreaterThan(held[index - 1]!);
              expect(heldMs).toBeGreaterThanOrEqual(referenceMs - shortWindowMs);
            }
            for (const pod of pods) {
              const points = sink.series(`namespace:ns/pod:${pod}/container:c`, Metrics.cpuUsageRate.name);
              expect(points.length).toBeLessThanOrEqual(maxSeriesPoints);
              for (const point of points) expect(point.timestampMs).toBeGreaterThanOrEqual(referenceMs - longWindowMs);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
