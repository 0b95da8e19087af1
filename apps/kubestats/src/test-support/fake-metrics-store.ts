/**
 * An in-memory MetricsStore over a list of batches, for API tests: the same query semantics as sink-memory
 * (entity lists and metric names from the latest batch, inclusive time ranges, labeled lookups by identical labels),
 * without its eviction rules.
 */
import { parseKey, type DataBatch, type EntityType } from '@kubestats/core';
import type { MetricsStore, SeriesPoint } from '../api/api-context.js';

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const aKeys = Object.keys(a);
  return aKeys.length === Object.keys(b).length && aKeys.every((key) => a[key] === b[key]);
}

export class FakeMetricsStore implements MetricsStore {
  readonly #batches: DataBatch[] = [];

  constructor(batches: readonly DataBatch[] = []) {
    this.#batches.push(...batches);
  }

  add(batch: DataBatch): void {
    this.#batches.push(batch);
  }

  latestBatch(): DataBatch | undefined {
    return this.#batches.at(-1);
  }

  batches(): readonly DataBatch[] {
    return this.#batches;
  }

  series(
    key: string,
    metricName: string,
    range: { startMs?: number; endMs?: number } = {},
    labels?: Readonly<Record<string, string>>,
  ): readonly SeriesPoint[] {
    const points: SeriesPoint[] = [];
    for (const batch of this.#batches) {
      if (range.startMs !== undefined && batch.timestampMs < range.startMs) continue;
      if (range.endMs !== undefined && batch.timestampMs > range.endMs) continue;
      const set = batch.metricSets.get(key);
      if (!set) continue;
      const value = labels
        ? set.labeledMetrics.find((metric) => metric.name === metricName && sameLabels(metric.labels, labels))?.value
        : set.metricValues.get(metricName);
      if (value) points.push({ timestampMs: batch.timestampMs, value });
    }
    return points;
  }

  keys(filter: { type?: EntityType; namespace?: string; nodeName?: string } = {}): string[] {
    const latest = this.latestBatch();
    if (!latest) return [];
    return [...latest.metricSets.keys()].filter((key) => {
      const parsed = parseKey(key);
      if (!parsed) return false;
      if (filter.type !== undefined && parsed.type !== filter.type) return false;
      if (filter.namespace !== undefined && !('namespace' in parsed && parsed.namespace === filter.namespace)) return false;
      if (filter.nodeName !== undefined && !('nodeName' in parsed && parsed.nodeName === filter.nodeName)) return false;
      return true;
    });
  }

  metricNames(key: string): string[] {
    return [...(this.latestBatch()?.metricSets.get(key)?.metricValues.keys() ?? [])].sort();
  }
}
