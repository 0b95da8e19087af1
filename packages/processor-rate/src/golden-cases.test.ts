/**
 * Golden fixture cases: each folder under fixtures/ holds batch-1.json and batch-2.json (as the kubelet source
 * yields them) and expected.json (rates, windows and diagnostic reasons after processing both, in order).
 * Bigints are JSON strings; times are ISO strings (nanosecond fractions allowed) or epoch milliseconds.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rateWindowMsOf, type DataBatch, type LabeledMetric, type MetricValue, type ProcessResult } from '@kubestats/core';
import { buildBatch, toMetricValue, type MetricInput } from '@kubestats/testing';
import { describe, expect, it } from 'vitest';
import { rateProcessorFactory } from './rate-processor-factory.js';
import { silentLogger, systemClock } from '@kubestats/core';

const fixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));

type JsonValue = string | number | { kind: 'int' | 'float'; type: 'gauge' | 'cumulative'; value: string | number };

interface JsonSet {
  key: string;
  scrapeTime?: string | number;
  collectionStartTime?: string | number;
  containerId?: string;
  metrics?: Record<string, JsonValue>;
  labeledMetrics?: { name: string; labels: Record<string, string>; value: JsonValue }[];
}

interface JsonBatch {
  timestampMs: string | number;
  metricSets: JsonSet[];
}

interface Expected {
  description: string;
  batch1Diagnostics: { key: string; reason: string }[];
  diagnostics: { key: string; reason: string }[];
  metrics: Record<string, Record<string, string | number | null>>;
  labeledMetrics?: Record<string, { name: string; labels: Record<string, string>; value: number | string }[]>;
  rateWindowMs: Record<string, number>;
  unchanged?: string[];
}

/** ISO time with up to nanosecond fraction, "0" for unknown, or epoch ms. */
function parseTimeMs(value: string | number | undefined): number {
  if (value === undefined || value === '0') return 0;
  if (typeof value === 'number') return value;
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(value);
  if (!match?.[1]) throw new Error(`fixture time ${JSON.stringify(value)} is not ISO-8601 UTC`);
  return Date.parse(`${match[1]}Z`) + Number(`0.${match[2] ?? '0'}`) * 1000;
}

function parseValue(name: string, value: JsonValue): MetricValue {
  if (typeof value === 'object') {
    return value.kind === 'int'
      ? { kind: 'int', type: value.type, value: BigInt(value.value) }
      : { kind: 'float', type: value.type, value: Number(value.value) };
  }
  const input: MetricInput = typeof value === 'string' ? BigInt(value) : value;
  return toMetricValue(name, input);
}

function loadBatch(path: string): DataBatch {
  const json = JSON.parse(readFileSync(path, 'utf8')) as JsonBatch;
  return buildBatch(
    parseTimeMs(json.timestampMs),
    json.metricSets.map((set) => ({
      key: set.key,
      metrics: Object.fromEntries(Object.entries(set.metrics ?? {}).map(([name, value]) => [name, parseValue(name, value)])),
      labeledMetrics: (set.labeledMetrics ?? []).map((metric) => ({ ...metric, value: parseValue(metric.name, metric.value) })),
      scrapeTimeMs: parseTimeMs(set.scrapeTime),
      collectionStartTimeMs: parseTimeMs(set.collectionStartTime),
      ...(set.containerId === undefined ? {} : { containerId: set.containerId }),
    })),
  );
}

function reasons(result: ProcessResult): { key: string; reason: string }[] {
  return result.diagnostics.map(({ key, reason }) => ({ key, reason })).sort((a, b) => `${a.key}|${a.reason}`.localeCompare(`${b.key}|${b.reason}`));
}

function sorted(list: { key: string; reason: string }[]): { key: string; reason: string }[] {
  return [...list].sort((a, b) => `${a.key}|${a.reason}`.localeCompare(`${b.key}|${b.reason}`));
}

function expectValue(actual: MetricValue | undefined, expected: string | number | null, where: string): void {
  if (expected === null) {
    expect(actual, where).toBeUndefined();
    return;
  }
  expect(actual, where).toBeDefined();
  if (typeof expected === 'string') {
    expect(actual, where).toMatchObject({ kind: 'int', value: BigInt(expected) });
  } else {
    expect(actual?.kind, where).toBe('float');
    expect(Number(actual?.value), where).toBeCloseTo(expected, 9);
  }
}

const cases = readdirSync(fixturesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

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
      const first = await processor.process(loadBatch(join(dir, 'batch-1.json')), signal);
      expect(reasons(first)).toEqual(sorted(expected.batch1Diagnostics));

      const input = loadBatch(join(dir, 'batch-2.json'));
      const second = await processor.process(input, signal);
      expect(reasons(second)).toEqual(sorted(expected.diagnostics));
      expect(second.failures).toEqual([]);

      for (const [key, metrics] of Object.entries(expected.metrics)) {
        const set = second.batch.metricSets.get(key);
        expect(set, key).toBeDefined();
        for (const [metric, value] of Object.entries(metrics)) expectValue(set?.metricValues.get(metric), value, `${key} ${metric}`);
      }
      for (const [key, metrics] of Object.entries(expected.labeledMetrics ?? {})) {
        const actual: readonly LabeledMetric[] = second.batch.metricSets.get(key)?.labeledMetrics ?? [];
        for (const metric of metrics) {
          const found = actual.find((candidate) => candidate.name === metric.name && JSON.stringify(candidate.labels) === JSON.stringify(metric.labels));
          expectValue(found?.value, metric.value, `${key} ${metric.name} ${JSON.stringify(metric.labels)}`);
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
