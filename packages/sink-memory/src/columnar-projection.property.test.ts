/**
 * The long window derived from the short window's columns (`addProjection`, one shared slot registry) must serve
 * exactly what a long window fed the DataBatches itself (`add`, its own registry) serves: same points, values and
 * stats, under random sets, metric kinds, shape changes, late and repeated timestamps, evictions and slot reuse.
 */
import { floatValue, intValue, type MetricSet, type MetricValue } from '@kubestats/core';
import { buildBatch, buildMetricSet } from '@kubestats/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ColumnarWindow, SlotRegistry } from './columnar-window.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const keys = ['node:n0', 'node:n1', 'node:n2', 'node:n3', 'node:n4'] as const;
const metricNames = ['long/a', 'short/x', 'long/b', 'short/y'] as const;
const longMetrics = ['long/b', 'long/a', 'long/absent'];

const metricValue: fc.Arbitrary<MetricValue> = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n }).map((value) => intValue(value)),
  fc.bigInt({ min: -5n, max: 5n }).map((value) => intValue(value, 'cumulative')),
  fc.double().map((value) => floatValue(value)),
);

const setArb = fc.record({
  key: fc.constantFrom(...keys),
  // Random subsets in random order, so shapes change and some sets carry no long metric.
  metrics: fc.uniqueArray(fc.tuple(fc.constantFrom(...metricNames), metricValue), { selector: ([name]) => name, maxLength: 4 }),
});

const step = fc.record({
  offsetMs: fc.integer({ min: -2, max: 6 }),
  sets: fc.uniqueArray(setArb, { selector: (set) => set.key, maxLength: keys.length }),
  evictBeforeMs: fc.integer({ min: -2, max: 6 }),
  maxBatches: fc.integer({ min: 1, max: 4 }),
});

function toSet(input: { key: string; metrics: [string, MetricValue][] }): MetricSet {
  return { ...buildMetricSet({ key: input.key }), metricValues: new Map(input.metrics) };
}

describe('ColumnarWindow.addProjection', () => {
  it('serves what add of the same batches serves', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        const direct = new ColumnarWindow(longMetrics);
        const registry = new SlotRegistry();
        const short = new ColumnarWindow(undefined, registry);
        const projected = new ColumnarWindow(longMetrics, registry);
        let clockMs = T0;
        for (const { offsetMs, sets, evictBeforeMs, maxBatches } of steps) {
          clockMs += 1000;
          const batch = buildBatch(clockMs + offsetMs * 1000, sets.map(toSet));
          direct.add(batch);
          short.add(batch);
          projected.addProjection(short, batch.timestampMs);
          const cutoffMs = clockMs - evictBeforeMs * 1000;
          direct.evict(cutoffMs, maxBatches + 1);
          short.evict(cutoffMs, maxBatches);
          projected.evict(cutoffMs, maxBatches + 1);
          expect(projected.timestamps()).toEqual(direct.timestamps());
          expect(projected.stats()).toEqual(direct.stats());
          for (const key of keys) {
            for (const name of [...metricNames, ...longMetrics]) expect(projected.points(key, name)).toEqual(direct.points(key, name));
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('refuses a source window with another slot registry', () => {
    const short = new ColumnarWindow();
    short.add(buildBatch(T0, [{ key: 'node:n0', metrics: { 'long/a': 1n } }]));
    expect(() => new ColumnarWindow(longMetrics).addProjection(short, T0)).toThrow(/SlotRegistry/);
  });

  it('refuses to project into a window without a metric list', () => {
    const registry = new SlotRegistry();
    const short = new ColumnarWindow(undefined, registry);
    short.add(buildBatch(T0, [{ key: 'node:n0', metrics: { 'long/a': 1n } }]));
    expect(() => new ColumnarWindow(undefined, registry).addProjection(short, T0)).toThrow(/metric list/);
  });

  it('keeps a key the long window still holds from being reused by the short window', () => {
    const registry = new SlotRegistry();
    const short = new ColumnarWindow(undefined, registry);
    const long = new ColumnarWindow(longMetrics, registry);
    const exportAt = (timestampMs: number, key: string, value: bigint) => {
      short.add(buildBatch(timestampMs, [{ key, metrics: { 'long/a': value } }]));
      long.addProjection(short, timestampMs);
    };
    exportAt(T0, 'node:old', 1n);
    exportAt(T0 + 10, 'node:new', 2n);
    short.evict(T0 + 5, 10);
    long.evict(T0 - 100, 10);
    exportAt(T0 + 20, 'node:newer', 3n);
    expect(long.points('node:old', 'long/a')).toEqual([{ timestampMs: T0, value: intValue(1n) }]);
    expect(long.points('node:newer', 'long/a')).toEqual([{ timestampMs: T0 + 20, value: intValue(3n) }]);
    expect(short.points('node:old', 'long/a')).toEqual([]);
    expect(short.points('node:newer', 'long/a')).toEqual([{ timestampMs: T0 + 20, value: intValue(3n) }]);
  });
});
