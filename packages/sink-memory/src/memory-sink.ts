/**
 * The in-memory store behind the HTTP APIs (Heapster's `metric` sink, done properly): the newest batch, held weakly
 * as exported and rebuilt from the columns once the garbage collector took it, for "latest" queries; a short window of batches for short ranges and labeled lookups, and a long window of a few
 * key series. Both windows are stored as columns (see columnar-window.ts), not as objects, so what the sink retains
 * does not dominate the process' garbage collection; they share one slot registry, and the long window copies its
 * values from the short window's columns rather than walking the batch again. Memory is bounded on every export: by age (relative to the newer
 * of the clock and the newest batch ever exported), by a batch cap and by a per-series point cap. Values are served as exported:
 * floats stay floats, ints stay bigints.
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
import { ColumnarWindow, SlotRegistry, type SeriesPoint, type TimeRange } from './columnar-window.js';

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
  /**
   * The newest batch as objects, held weakly: a strong reference kept a whole batch of objects alive between cycles
   * (about a quarter of the live heap every major GC marks), while the short window's newest column holds the same
   * data. Latest queries read it while it lives and rebuild it (once, until the next GC) when it is gone.
   */
  #latest: WeakRef<DataBatch> | undefined;
  /** The newest timestamp ever exported, kept after its batch ages out so a late older batch cannot slip back in. */
  #newestExportedMs = -Infinity;
  readonly #short: ColumnarWindow;
  readonly #long: ColumnarWindow;

  constructor(options: MemorySinkOptions, clock: Clock) {
    this.#options = options;
    this.#clock = clock;
    this.#longMetrics = new Set(options.longWindowMetrics);
    const slots = new SlotRegistry();
    this.#short = new ColumnarWindow(undefined, slots);
    this.#long = new ColumnarWindow(options.longWindowMetrics, slots);
  }

  export(batch: DataBatch, signal: AbortSignal): Promise<ExportResult> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    this.#newestExportedMs = Math.max(this.#newestExportedMs, batch.timestampMs);
    this.#short.add(batch);
    this.#long.addProjection(this.#short, batch.timestampMs);
    const latest = this.#latest?.deref();
    if (latest === undefined || batch.timestampMs >= latest.timestampMs) this.#latest = new WeakRef(batch);
    this.#evict();
    return Promise.resolve({ pointsWritten: countPoints(batch), pointsRejected: 0, failures: [] });
  }

  health(): ComponentHealth {
    const stats = this.stats();
    return { ready: true, detail: `${stats.batches} batches, ${stats.series} long-window series` };
  }

  /** The newest batch held, if any. */
  latestBatch(): DataBatch | undefined {
    const newestMs = this.#short.newestTimestampMs();
    if (newestMs === undefined) return undefined;
    const held = this.#latest?.deref();
    if (held?.timestampMs === newestMs) return held;
    // Collected, or the newest exported batch aged out and a late, older one is left: rebuild it from the window.
    const rebuilt = this.#short.materialise(this.#short.length - 1);
    this.#latest = rebuilt === undefined ? undefined : new WeakRef(rebuilt);
    return rebuilt;
  }

  /**
   * The short window, oldest first. The newest batch is the one exported; older ones are rebuilt from the columnar
   * store (same keys, labels, values and times; sets in first-seen order), so this is a debugging call, not a hot path.
   */
  batches(): readonly DataBatch[] {
    const out: DataBatch[] = [];
    for (let position = 0; position < this.#short.length - 1; position++) {
      const batch = this.#short.materialise(position);
      if (batch) out.push(batch);
    }
    const latest = this.latestBatch();
    if (latest) out.push(latest);
    return out;
  }

  /**
   * Points of `metricName` for `key` within `range` (inclusive), oldest first. Long-window metrics come from the long
   * store (15 min by default), others from the short window. With `labels`, the labeled metric whose label set is
   * exactly `labels` is read from the short window.
   */
  series(key: string, metricName: string, range: TimeRange = {}, labels?: Readonly<Record<string, string>>): readonly SeriesPoint[] {
    if (labels === undefined && this.#longMetrics.has(metricName)) return this.#long.points(key, metricName, range);
    return this.#short.points(key, metricName, range, labels);
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
    const long = this.#long.stats();
    return { batches: this.#short.length, series: long.series, seriesPoints: long.points };
  }

  #evict(): void {
    // The newer of the clock and the newest batch ever exported, so a clock behind the batches (or stepped back after
    // the newest batch aged out) cannot keep old data, and one ahead still evicts by age.
    const referenceMs = Math.max(this.#clock.now(), this.#newestExportedMs);
    this.#short.evict(referenceMs - this.#options.shortWindowMs, this.#options.maxBatches);
    // One point per series per batch, so the per-series point cap is a cap on long-window batches.
    this.#long.evict(referenceMs - this.#options.longWindowMs, this.#options.maxSeriesPoints);
    if (this.#latest?.deref()?.timestampMs !== this.#short.newestTimestampMs()) this.#latest = undefined;
  }
}
