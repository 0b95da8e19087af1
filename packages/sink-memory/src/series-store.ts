/**
 * The long window of the memory sink: per (set key, metric name) a series of timestamps and raw values kept in two
 * parallel arrays, instead of whole batches, so 15 minutes of three metrics for every entity cost a few numbers per
 * point. Bounded by age (evictBefore) and by a per-series point cap.
 */
import type { MetricType, MetricValue } from '@kubestats/core';

export interface SeriesPoint {
  /** The batch timestamp the value was exported with, epoch ms. */
  readonly timestampMs: number;
  readonly value: MetricValue;
}

export interface TimeRange {
  /** Inclusive; unbounded when absent. */
  readonly startMs?: number;
  /** Inclusive; unbounded when absent. */
  readonly endMs?: number;
}

interface Series {
  kind: MetricValue['kind'];
  type: MetricType;
  /** Ascending. */
  readonly timestamps: number[];
  /** bigint for int series, number for float series. */
  readonly values: (bigint | number)[];
}

function toMetricValue(series: Series, raw: bigint | number): MetricValue {
  return series.kind === 'int'
    ? { kind: 'int', type: series.type, value: raw as bigint }
    : { kind: 'float', type: series.type, value: raw as number };
}

/** Index of the first timestamp >= `timestampMs` (binary search over the ascending array). */
function lowerBound(timestamps: readonly number[], timestampMs: number): number {
  let low = 0;
  let high = timestamps.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((timestamps[middle] ?? 0) < timestampMs) low = middle + 1;
    else high = middle;
  }
  return low;
}

export class SeriesStore {
  readonly #maxPointsPerSeries: number;
  /** set key -> metric name -> series. */
  readonly #series = new Map<string, Map<string, Series>>();

  constructor(maxPointsPerSeries: number) {
    this.#maxPointsPerSeries = maxPointsPerSeries;
  }

  /** Adds a point; a point at an existing timestamp replaces it (a re-exported batch). */
  add(key: string, metricName: string, timestampMs: number, value: MetricValue): void {
    let byMetric = this.#series.get(key);
    if (!byMetric) {
      byMetric = new Map();
      this.#series.set(key, byMetric);
    }
    let series = byMetric.get(metricName);
    if (!series || series.kind !== value.kind) {
      // A metric that changes kind (only possible for custom metrics) starts a new series: mixing would mistype points.
      series = { kind: value.kind, type: value.type, timestamps: [], values: [] };
      byMetric.set(metricName, series);
    }
    series.type = value.type;
    const { timestamps, values } = series;
    const last = timestamps.at(-1);
    if (last === undefined || timestampMs > last) {
      timestamps.push(timestampMs);
      values.push(value.value);
    } else {
      const index = lowerBound(timestamps, timestampMs);
      if (timestamps[index] === timestampMs) values[index] = value.value;
      else {
        timestamps.splice(index, 0, timestampMs);
        values.splice(index, 0, value.value);
      }
    }
    if (timestamps.length > this.#maxPointsPerSeries) {
      const excess = timestamps.length - this.#maxPointsPerSeries;
      timestamps.splice(0, excess);
      values.splice(0, excess);
    }
  }

  /** Points of one series within `range` (inclusive), oldest first. */
  points(key: string, metricName: string, range: TimeRange = {}): SeriesPoint[] {
    const series = this.#series.get(key)?.get(metricName);
    if (!series) return [];
    const from = range.startMs === undefined ? 0 : lowerBound(series.timestamps, range.startMs);
    const points: SeriesPoint[] = [];
    for (let index = from; index < series.timestamps.length; index++) {
      const timestampMs = series.timestamps[index] ?? 0;
      if (range.endMs !== undefined && timestampMs > range.endMs) break;
      points.push({ timestampMs, value: toMetricValue(series, series.values[index] ?? 0) });
    }
    return points;
  }

  /** Drops points older than `cutoffMs`, and series (and keys) left empty. */
  evictBefore(cutoffMs: number): void {
    for (const [key, byMetric] of this.#series) {
      for (const [metricName, series] of byMetric) {
        const keep = lowerBound(series.timestamps, cutoffMs);
        if (keep > 0) {
          series.timestamps.splice(0, keep);
          series.values.splice(0, keep);
        }
        if (series.timestamps.length === 0) byMetric.delete(metricName);
      }
      if (byMetric.size === 0) this.#series.delete(key);
    }
  }

  /** Number of series held and points across them. */
  size(): { readonly series: number; readonly points: number } {
    let series = 0;
    let points = 0;
    for (const byMetric of this.#series.values()) {
      for (const entry of byMetric.values()) {
        series++;
        points += entry.timestamps.length;
      }
    }
    return { series, points };
  }
}
