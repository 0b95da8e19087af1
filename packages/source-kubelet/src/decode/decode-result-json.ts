/**
 * A stable JSON rendering of a DecodeResult (bigint as a decimal string, object keys sorted, sets ordered by key,
 * labeled metrics by name then labels, diagnostics by key then reason): the format of the golden files, and
 * a readable dump for debugging a kubelet payload.
 */
import type { DiagnosticInput, LabeledMetric, MetricSet, MetricValue } from '@kubestats/core';
import type { DecodeResult } from './decode-context.js';

export function decodeResultToJson(result: DecodeResult): string {
  const sets = [...result.metricSets].sort((a, b) => compareStrings(a.key, b.key)).map(setToPlain);
  const diagnostics = [...result.diagnostics].sort(compareDiagnostics).map((diagnostic) => sortKeys(diagnostic));
  return `${JSON.stringify({ metricSets: sets, diagnostics }, null, 2)}\n`;
}

function setToPlain(set: MetricSet): Record<string, unknown> {
  const metricValues: Record<string, unknown> = {};
  for (const name of [...set.metricValues.keys()].sort(compareStrings)) {
    const value = set.metricValues.get(name);
    if (value !== undefined) metricValues[name] = valueToPlain(value);
  }
  const labeled = [...set.labeledMetrics].sort(compareLabeled).map((metric) => ({
    name: metric.name,
    labels: sortKeys(metric.labels),
    value: valueToPlain(metric.value),
  }));
  return sortKeys({
    key: set.key,
    labels: sortKeys(set.labels),
    metricValues,
    labeledMetrics: labeled,
    collectionStartTimeMs: set.collectionStartTimeMs,
    entityCreateTimeMs: set.entityCreateTimeMs,
    scrapeTimeMs: set.scrapeTimeMs,
    ...(set.containerId === undefined ? {} : { containerId: set.containerId }),
  });
}

function valueToPlain(value: MetricValue): Record<string, unknown> {
  return { kind: value.kind, type: value.type, value: value.kind === 'int' ? value.value.toString() : value.value };
}

function labelsText(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .sort(compareStrings)
    .map((key) => `${key}=${labels[key] ?? ''}`)
    .join(',');
}

function compareLabeled(a: LabeledMetric, b: LabeledMetric): number {
  return compareStrings(a.name, b.name) || compareStrings(labelsText(a.labels), labelsText(b.labels));
}

function compareDiagnostics(a: DiagnosticInput, b: DiagnosticInput): number {
  return compareStrings(a.key, b.key) || compareStrings(a.reason, b.reason) || compareStrings(a.detail, b.detail);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortKeys<T extends object>(object: T): Record<string, unknown> {
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(object).sort(compareStrings)) sorted[key] = (object as Record<string, unknown>)[key];
  return sorted;
}
