/**
 * Golden fixture cases: each folder under fixtures/ holds batch-1.json and batch-2.json (as the kubelet source
 * yields them) and expected.json (rates, windows and diagnostic reasons after processing both, in order).
 * Bigints are JSON strings; times are ISO strings (nanosecond fractions allowed) or epoch milliseconds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rateWindowMsOf, silentLogger, systemClock, type LabeledMetric } from '@kubestats/core';
import { expectMetricValue, goldenCaseNames, keyReasons, loadJsonBatch } from '@kubestats/testing';
import { describe, expect, it } from 'vitest';
import { rateProcessorFactory } from './rate-processor-factory.js';

const fixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface Expected {
  description: string;
  batch1Diagnostics: { key: string; reason: string }[];
  diagnostics: { key: string; reason: string }[];
  metrics: Record<string, Record<string, string | number | null>>;
  labeledMetrics?: Record<string, { name: string; labels: Record<string, string>; value: number | string }[]>;
  rateWindowMs: Record<string, number>;
  unchanged?: string[];
}

const cases = goldenCaseNames(fixturesDir);

describe('rate processor golden cases', () => {
  it('has the cases the issue asks for', () => {
    expect(cases).toEqual(
      expect.arrayContaining([
        'steady-counters',
        'restart-with-decrease',
        'restart-without-decrease',
        'fresh-container',
        'counter-wrap-garbage',
        'duplicate-flip',
      ]),
    );
  });

  describe.each(cases)('%s', (name) => {
    it('matches expected.json', async () => {
      const dir = join(fixturesDir, name);
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
      const processor = rateProcessorFactory.create({
        config: { maxUnseenCycles: 3, freshContainerWindow: 60_000 },
        target: undefined,
        logger: silentLogger,
        clock: systemClock,
        metadata: undefined,
      });
      const signal = new AbortController().signal;
      const first = await processor.process(loadJsonBatch(join(dir, 'batch-1.json')), signal);
      expect(keyReasons(first.diagnostics)).toEqual(keyReasons(expected.batch1Diagnostics));

      const input = loadJsonBatch(join(dir, 'batch-2.json'));
      const second = await processor.process(input, signal);
      expect(keyReasons(second.diagnostics)).toEqual(keyReasons(expected.diagnostics));
      expect(second.failures).toEqual([]);

      for (const [key, metrics] of Object.entries(expected.metrics)) {
        const set = second.batch.metricSets.get(key);
        expect(set, key).toBeDefined();
        for (const [metric, value] of Object.entries(metrics)) expectMetricValue(set?.metricValues.get(metric), value, `${key} ${metric}`);
      }
      for (const [key, metrics] of Object.entries(expected.labeledMetrics ?? {})) {
        const actual: readonly LabeledMetric[] = second.batch.metricSets.get(key)?.labeledMetrics ?? [];
        for (const metric of metrics) {
          const found = actual.find((candidate) => candidate.name === metric.name && JSON.stringify(candidate.labels) === JSON.stringify(metric.labels));
          expectMetricValue(found?.value, metric.value, `${key} ${metric.name} ${JSON.stringify(metric.labels)}`);
        }
      }
      for (const [key, set] of second.batch.metricSets) {
        expect(set.key).toBe(key);
        expect(rateWindowMsOf(set), `window of ${key}`).toBe(expected.rateWindowMs[key]);
        for (const value of set.metricValues.values()) expect(Number(value.value) >= 0 || value.type === 'cumulative').toBe(true);
      }
      for (const key of expected.unchanged ?? []) expect(second.batch.metricSets.get(key)).toBe(input.metricSets.get(key));
    });
  });
});
