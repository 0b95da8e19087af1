/**
 * Golden fixture cases written as JSON: a batch file format (bigints as decimal strings, times as ISO-8601 or epoch
 * ms), the loader that turns it into a DataBatch, and the comparisons the processors' golden tests share.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { withRateWindowMs, type DataBatch, type MetricValue } from '@kubestats/core';
import { expect } from 'vitest';
import { buildBatch, buildMetricSet, toMetricValue } from './metric-set-builders.js';

/** A bare value takes its kind and type from the catalogue: a string is an int (bigint digits), a number a float. */
export type JsonMetricValue = string | number | { kind: 'int' | 'float'; type: 'gauge' | 'cumulative'; value: string | number };

export interface JsonMetricSet {
  readonly key: string;
  readonly labels?: Record<string, string>;
  readonly metrics?: Record<string, JsonMetricValue>;
  readonly labeledMetrics?: readonly { name: string; labels: Record<string, string>; value: JsonMetricValue }[];
  readonly scrapeTime?: string | number;
  readonly collectionStartTime?: string | number;
  readonly containerId?: string;
  readonly rateWindowMs?: number;
}

export interface JsonBatch {
  readonly timestampMs: string | number;
  readonly metricSets: readonly JsonMetricSet[];
}

/** Epoch ms from ISO-8601 UTC (sub-millisecond digits kept as a fraction) or a number; 0/absent means unknown. */
export function parseFixtureTimeMs(value: string | number | undefined): number {
  if (value === undefined || value === '0') return 0;
  if (typeof value === 'number') return value;
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(value);
  if (!match?.[1]) throw new Error(`fixture time ${JSON.stringify(value)} is not ISO-8601 UTC`);
  return Date.parse(`${match[1]}Z`) + Number(`0.${match[2] ?? '0'}`) * 1000;
}

export function parseFixtureValue(name: string, value: JsonMetricValue): MetricValue {
  if (typeof value === 'object') {
    return value.kind === 'int'
      ? { kind: 'int', type: value.type, value: BigInt(value.value) }
      : { kind: 'float', type: value.type, value: Number(value.value) };
  }
  return toMetricValue(name, typeof value === 'string' ? BigInt(value) : value);
}

export function batchFromJson(json: JsonBatch): DataBatch {
  return buildBatch(
    parseFixtureTimeMs(json.timestampMs),
    json.metricSets.map((input) => {
      const set = buildMetricSet({
        key: input.key,
        labels: input.labels ?? {},
        metrics: Object.fromEntries(Object.entries(input.metrics ?? {}).map(([name, value]) => [name, parseFixtureValue(name, value)])),
        labeledMetrics: (input.labeledMetrics ?? []).map((metric) => ({ ...metric, value: parseFixtureValue(metric.name, metric.value) })),
        scrapeTimeMs: parseFixtureTimeMs(input.scrapeTime),
        collectionStartTimeMs: parseFixtureTimeMs(input.collectionStartTime),
        ...(input.containerId === undefined ? {} : { containerId: input.containerId }),
      });
      return input.rateWindowMs === undefined ? set : withRateWindowMs(set, input.rateWindowMs);
    }),
  );
}

export function loadJsonBatch(path: string): DataBatch {
  return batchFromJson(JSON.parse(readFileSync(path, 'utf8')) as JsonBatch);
}

/** The case folders under a fixtures directory, sorted. */
export function goldenCaseNames(fixturesDir: string): string[] {
  return readdirSync(fixturesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Expected value: null = absent, a string = an int with those digits, a number = a float (to 9 places). */
export function expectMetricValue(actual: MetricValue | undefined, expected: string | number | null, where: string): void {
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

/** Diagnostics reduced to `{key, reason}` and sorted, for order-free comparison with a golden list. */
export function keyReasons(diagnostics: readonly { key: string; reason: string }[]): { key: string; reason: string }[] {
  return diagnostics
    .map(({ key, reason }) => ({ key, reason }))
    .sort((a, b) => `${a.key}|${a.reason}`.localeCompare(`${b.key}|${b.reason}`));
}
