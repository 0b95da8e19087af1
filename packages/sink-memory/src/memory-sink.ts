/**
 * The in-memory store behind the HTTP APIs (Heapster's `metric` sink, done properly): a short window of whole
 * batches for "latest" queries and labeled lookups, and a long window of a few key series kept compactly. Memory is
 * bounded on every export: by age (relative to the newer of the clock and the newest batch), by a batch cap and by a
 * per-series point cap. Values are served as exported: floats stay floats, ints stay bigints.
 */
import {
  abortReason,
  countPoints,
  LabelKeys,
  parseKey,
  type Clock,
  type ComponentHealth,
  type DataBatch,
  type EntityType,
  type ExportResult,
  type MetricSet,
  type Sink,
} from '@kubestats/core';
import { SeriesStore, type SeriesPoint, type TimeRange } from './series-store.js';

export interface MemorySinkOptions {
  /** Whole batches younger than this are kept (Heapster: 140 s). */
  readonly shortWindowMs: number;
  /** Points of `longWindowMetrics` younger than this are kept (Heapster: 15 min). */
  readonly longWindowMs: number;
  readonly longWindowMetrics: readonly string[];
  /** Hard cap on batches in the short window, whatever their age. */
  readonly maxBatches: number;
  /** Hard cap on points per long-window series, whatever their age. */
  readonly maxSeriesPoints: number;
}

export interface KeyFilter {
  readonly type?: EntityType;
  readonly namespace?: string;
  readonly nodeName?: string;
}

export interface MemorySinkStats {
  readonly batches: number;
  readonly series: number;
  readonly seriesPoints: number;
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const aKeys = Object.keys(a);
  return aKeys.length === Object.keys(b).length && aKeys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

function inRange(timestampMs: number, range: TimeRange): boolean {
  return (range.startMs === undefined || timestampMs >= range.startMs) && (range.endMs === undefined || timestampMs <= range.endMs);
}

/** Labels first (they are what Heapster filtered on), the key as a fallback for sets built without them. */
function matchesFilter(set: MetricSet, filter: KeyFilter): boolean {
  const parsed = parseKey(set.key);
  if (filter.type !== undefined && (set.labels[LabelKeys.type] ?? parsed?.type) !== filter.type) return false;
  if (filter.namespace !== undefined) {
    const namespace = set.labels[LabelKeys.namespaceName] ?? (parsed && 'namespace' in parsed ? parsed.namespace : undefined);
    if (namespace !== filter.namespace) return false;
  }
  if (filter.nodeName !== undefined) {
    const nodeName = set.labels[LabelKeys.nodename] ?? (parsed && 'nodeName' in parsed ? parsed.nodeName : undefined);
    if (nodeName !== filter.nodeName) return false;
  }
  return true;
}

export class MemorySink implements Sink {
  readonly name = 'sink/memory';
  readonly #options: MemorySinkOptions;
  readonly #clock: Clock;
  readonly #longMetrics: ReadonlySet<string>;
  /** Ascending by timestamp, one batch per timestamp. */
  #batches: DataBatch[] = [];
  readonly #long: SeriesStore;

  constructor(options: MemorySinkOptions, clock: Clock) {
    this.#options = options;
    this.#clock = clock;
    this.#longMetrics = new Set(options.longWindowMetrics);
    this.#long = new SeriesStore(options.maxSeriesPoints);
  }

  export(batch: DataBatch, signal: AbortSignal): Promise<ExportResult> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    this.#storeBatch(batch);
    for (const set of batch.metricSets.values()) {
      for (const metricName of this.#longMetrics) {
        const value = set.metricValues.get(metricName);
        if (value) this.#long.add(set.key, metricName, batch.timestampMs, value);
      }
    }
    this.#evict();
    return Promise.resolve({ pointsWritten: countPoints(batch), pointsRejected: 0, failures: [] });
  }

  health(): ComponentHealth {
    const stats = this.stats();
    return { ready: true, detail: `${stats.batches} batches, ${stats.series} long-window series` };
  }

  /** The newest batch held, if any. */
  latestBatch(): DataBatch | undefined {
    return this.#batches.at(-1);
  }

  /** The short window, oldest first. */
  batches(): readonly DataBatch[] {
    return [...this.#batches];
  }

  /**
   * Points of `metricName` for `key` within `range` (inclusive), oldest first. Long-window metrics come from the long
   * store (15 min by default), others from the short window. With `labels`, the labeled metric whose label set is
   * exactly `labels` is read from the short window.
   */
  series(key: string, metricName: string, range: TimeRange = {}, labels?: Readonly<Record<string, string>>): readonly SeriesPoint[] {
    if (labels === undefined && this.#longMetrics.has(metricName)) return this.#long.points(key, metricName, range);
    const points: SeriesPoint[] = [];
    for (const batch of this.#batches) {
      if (!inRange(batch.timestampMs, range)) continue;
      const set = batch.metricSets.get(key);
      if (!set) continue;
      const value =
        labels === undefined
          ? set.metricValues.get(metricName)
          : set.labeledMetrics.find((metric) => metric.name === metricName && sameLabels(metric.labels, labels))?.value;
      if (value) points.push({ timestampMs: batch.timestampMs, value });
    }
    return points;
  }

  /** Keys of the latest batch that match every given filter field, sorted. */
  keys(filter: KeyFilter = {}): string[] {
    const latest = this.latestBatch();
    if (!latest) return [];
    const keys: string[] = [];
    for (const set of latest.metricSets.values()) if (matchesFilter(set, filter)) keys.push(set.key);
    return keys.sort();
  }

  /** Names of the (unlabeled) metric values of `key` in the latest batch, sorted. */
  metricNames(key: string): string[] {
    const set = this.latestBatch()?.metricSets.get(key);
    return set ? [...set.metricValues.keys()].sort() : [];
  }

  stats(): MemorySinkStats {
    const long = this.#long.size();
    return { batches: this.#batches.length, series: long.series, seriesPoints: long.points };
  }

  #storeBatch(batch: DataBatch): void {
    const last = this.#batches.at(-1);
    if (!last || batch.timestampMs > last.timestampMs) {
      this.#batches.push(batch);
      return;
    }
    // A late or re-exported batch (after a retry): keep the window sorted, one batch per timestamp.
    const index = this.#batches.findIndex((held) => held.timestampMs >= batch.timestampMs);
    if (this.#batches[index]?.timestampMs === batch.timestampMs) this.#batches[index] = batch;
    else this.#batches.splice(index, 0, batch);
  }

  #evict(): void {
    const newest = this.#batches.at(-1)?.timestampMs ?? 0;
    // The newer of the two, so a clock behind the batches cannot keep old data and one ahead still evicts by age.
    const referenceMs = Math.max(this.#clock.now(), newest);
    const shortCutoffMs = referenceMs - this.#options.shortWindowMs;
    this.#batches = this.#batches.filter((batch) => batch.timestampMs >= shortCutoffMs);
    if (this.#batches.length > this.#options.maxBatches) this.#batches = this.#batches.slice(-this.#options.maxBatches);
    this.#long.evictBefore(referenceMs - this.#options.longWindowMs);
  }
}
