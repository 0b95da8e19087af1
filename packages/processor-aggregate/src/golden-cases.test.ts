/**
 * Golden aggregation cases: each folder under fixtures/ holds batch-1.json and expected.json; the batch runs through
 * pod_aggregator → namespace_aggregator → node_aggregator → cluster_aggregator, as in the app.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger, systemClock, withRateWindowMs, type DataBatch, type DiagnosticInput, type MetricValue, type Processor } from '@kubestats/core';
import { buildBatch, buildMetricSet, toMetricValue } from '@kubestats/testing';
import { describe, expect, it } from 'vitest';
import { clusterAggregatorFactory } from './cluster-aggregator.js';
import { namespaceAggregatorFactory } from './namespace-aggregator.js';
import { nodeAggregatorFactory } from './node-aggregator.js';
import { podAggregatorFactory } from './pod-aggregator.js';

const fixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));

type JsonValue = string | number | { kind: 'int' | 'float'; type: 'gauge' | 'cumulative'; value: string | number };

interface JsonSet {
  key: string;
  scrapeTime?: string;
  labels?: Record<string, string>;
  metrics?: Record<string, JsonValue>;
  rateWindowMs?: number;
}

interface Expected {
  diagnostics: { key: string; reason: string }[];
  diagnosticDetails?: Record<string, string[]>;
  sets: Record<string, { labels?: Record<string, string>; metrics?: Record<string, string | number | null>; rateWindowMs?: number }>;
  absent: string[];
}

function parseValue(name: string, value: JsonValue): MetricValue {
  if (typeof value === 'object') {
    return value.kind === 'int' ? { kind: 'int', type: value.type, value: BigInt(value.value) } : { kind: 'float', type: value.type, value: Number(value.value) };
  }
  return toMetricValue(name, typeof value === 'string' ? BigInt(value) : value);
}

function loadBatch(path: string): DataBatch {
  const json = JSON.parse(readFileSync(path, 'utf8')) as { timestampMs: string; metricSets: JsonSet[] };
  return buildBatch(
    Date.parse(json.timestampMs),
    json.metricSets.map((input) => {
      const set = buildMetricSet({
        key: input.key,
        labels: input.labels ?? {},
        metrics: Object.fromEntries(Object.entries(input.metrics ?? {}).map(([name, value]) => [name, parseValue(name, value)])),
        scrapeTimeMs: input.scrapeTime ? Date.parse(input.scrapeTime) : 0,
      });
      return input.rateWindowMs === undefined ? set : withRateWindowMs(set, input.rateWindowMs);
    }),
  );
}

function expectValue(actual: MetricValue | undefined, expected: string | number | null, where: string): void {
  if (expected === null) return void expect(actual, where).toBeUndefined();
  if (typeof expected === 'string') return void expect(actual, where).toMatchObject({ kind: 'int', value: BigInt(expected) });
  expect(actual?.kind, where).toBe('float');
  expect(Number(actual?.value), where).toBeCloseTo(expected, 9);
}

const byKeyReason = (a: { key: string; reason: string }, b: { key: string; reason: string }): number =>
  `${a.key}|${a.reason}`.localeCompare(`${b.key}|${b.reason}`);

const cases = readdirSync(fixturesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

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
      let batch = loadBatch(join(dir, 'batch-1.json'));
      const diagnostics: DiagnosticInput[] = [];
      for (const processor of chain) {
        const result = await processor.process(batch, new AbortController().signal);
        expect(result.failures).toEqual([]);
        diagnostics.push(...result.diagnostics);
        batch = result.batch;
      }
      expect(diagnostics.map(({ key, reason }) => ({ key, reason })).sort(byKeyReason)).toEqual([...expected.diagnostics].sort(byKeyReason));
      for (const [key, fragments] of Object.entries(expected.diagnosticDetails ?? {})) {
        const detail = diagnostics.find((diagnostic) => diagnostic.key === key)?.detail ?? '';
        for (const fragment of fragments) expect(detail).toContain(fragment);
      }
      for (const [key, want] of Object.entries(expected.sets)) {
        const set = batch.metricSets.get(key);
        expect(set, key).toBeDefined();
        expect(set?.labels, key).toMatchObject(want.labels ?? {});
        for (const [metric, value] of Object.entries(want.metrics ?? {})) expectValue(set?.metricValues.get(metric), value, `${key} ${metric}`);
        if (want.rateWindowMs !== undefined) expect(set?.rateWindowMs, `${key} window`).toBe(want.rateWindowMs);
      }
      for (const key of expected.absent) expect(batch.metricSets.has(key), key).toBe(false);
    });
  });
});
