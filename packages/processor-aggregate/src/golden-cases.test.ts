/**
 * Golden aggregation cases: each folder under fixtures/ holds batch-1.json and expected.json; the batch runs through
 * pod_aggregator → namespace_aggregator → node_aggregator → cluster_aggregator, as in the app.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger, systemClock, type DiagnosticInput, type Processor } from '@kubestats/core';
import { expectMetricValue, goldenCaseNames, keyReasons, loadJsonBatch } from '@kubestats/testing';
import { describe, expect, it } from 'vitest';
import { clusterAggregatorFactory } from './cluster-aggregator.js';
import { namespaceAggregatorFactory } from './namespace-aggregator.js';
import { nodeAggregatorFactory } from './node-aggregator.js';
import { podAggregatorFactory } from './pod-aggregator.js';

const fixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface Expected {
  diagnostics: { key: string; reason: string }[];
  diagnosticDetails?: Record<string, string[]>;
  sets: Record<string, { labels?: Record<string, string>; metrics?: Record<string, string | number | null>; rateWindowMs?: number }>;
  absent: string[];
}

const cases = goldenCaseNames(fixturesDir);

describe('aggregation golden cases', () => {
  it('includes the partial-pod case', () => {
    expect(cases).toEqual(expect.arrayContaining(['partial-pod', 'rollup']));
  });

  describe.each(cases)('%s', (name) => {
    it('matches expected.json', async () => {
      const dir = join(fixturesDir, name);
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
      const init = { config: {}, target: undefined, logger: silentLogger, clock: systemClock, metadata: undefined };
      const chain: Processor[] = [podAggregatorFactory, namespaceAggregatorFactory, nodeAggregatorFactory, clusterAggregatorFactory].map((factory) =>
        factory.create(init),
      );
      let batch = loadJsonBatch(join(dir, 'batch-1.json'));
      const diagnostics: DiagnosticInput[] = [];
      for (const processor of chain) {
        const result = await processor.process(batch, new AbortController().signal);
        expect(result.failures).toEqual([]);
        diagnostics.push(...result.diagnostics);
        batch = result.batch;
      }
      expect(keyReasons(diagnostics)).toEqual(keyReasons(expected.diagnostics));
      for (const [key, fragments] of Object.entries(expected.diagnosticDetails ?? {})) {
        const detail = diagnostics.find((diagnostic) => diagnostic.key === key)?.detail ?? '';
        for (const fragment of fragments) expect(detail).toContain(fragment);
      }
      for (const [key, want] of Object.entries(expected.sets)) {
        const set = batch.metricSets.get(key);
        expect(set, key).toBeDefined();
        expect(set?.labels, key).toMatchObject(want.labels ?? {});
        for (const [metric, value] of Object.entries(want.metrics ?? {})) expectMetricValue(set?.metricValues.get(metric), value, `${key} ${metric}`);
        if (want.rateWindowMs !== undefined) expect(set?.rateWindowMs, `${key} window`).toBe(want.rateWindowMs);
      }
      for (const key of expected.absent) expect(batch.metricSets.has(key), key).toBe(false);
    });
  });
});
