/**
 * The data model every stage passes along: a DataBatch of MetricSets, each holding metric values, labels and
 * labeled metrics for one entity (node, system container, pod, pod container, namespace, cluster).
 * Mirrors Heapster's metrics/core/types.go so sinks and APIs stay wire-compatible.
 */

/** Whether a value only ever grows (a counter, reset on restart) or is a point-in-time reading. */
export type MetricType = 'cumulative' | 'gauge';

/**
 * Integers are bigint end to end: kubelet nanosecond counters pass 2^53 (8 cores x ~13 days), and a `number`
 * would silently round them.
 */
export interface IntMetricValue {
  readonly kind: 'int';
  readonly type: MetricType;
  readonly value: bigint;
}

export interface FloatMetricValue {
  readonly kind: 'float';
  readonly type: MetricType;
  readonly value: number;
}

export type MetricValue = IntMetricValue | FloatMetricValue;

/** A metric that carries its own labels, e.g. `filesystem/usage` with `resource_id=/`. */
export interface LabeledMetric {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: MetricValue;
}

export interface MetricSet {
  /** Heapster key of the entity, e.g. `namespace:prod/pod:web-1/container:web` (see keys.ts). */
  readonly key: string;
  /** Label key -> value, keys from LabelKeys. */
  readonly labels: Readonly<Record<string, string>>;
  readonly metricValues: ReadonlyMap<string, MetricValue>;
  readonly labeledMetrics: readonly LabeledMetric[];
  /**
   * When the entity started collecting (container or kubelet start); cumulative counters count from here.
   * 0 when unknown.
   */
  readonly collectionStartTimeMs: number;
  /** When the entity was created (pod start for pods); 0 when unknown. */
  readonly entityCreateTimeMs: number;
  /** When the values were sampled by the kubelet; 0 when unknown. */
  readonly scrapeTimeMs: number;
  /** Runtime id of the container behind the set (`containerd://…`, docker id, cgroup path), when known. */
  readonly containerId?: string;
  /** The interval the set's rates cover (set by the rate processor; the Metrics API reports it as `window`). */
  readonly rateWindowMs?: number;
}

export interface DataBatch {
  /** End of the scrape window: the timestamp every sink stamps on every point, epoch milliseconds. */
  readonly timestampMs: number;
  /** Keyed by MetricSet.key. */
  readonly metricSets: ReadonlyMap<string, MetricSet>;
}

export function intValue(value: bigint | number, type: MetricType = 'gauge'): IntMetricValue {
  return { kind: 'int', type, value: typeof value === 'bigint' ? value : BigInt(Math.trunc(value)) };
}

export function floatValue(value: number, type: MetricType = 'gauge'): FloatMetricValue {
  return { kind: 'float', type, value };
}

/** The numeric value as a float, for computations where a float is the result anyway (ratios, quantities). */
export function metricValueAsNumber(value: MetricValue): number {
  return value.kind === 'int' ? Number(value.value) : value.value;
}

export function emptyBatch(timestampMs: number): DataBatch {
  return { timestampMs, metricSets: new Map() };
}

/** Builds a batch from sets, keyed by their own key; a later set with the same key replaces an earlier one. */
export function batchOf(timestampMs: number, metricSets: Iterable<MetricSet>): DataBatch {
  const byKey = new Map<string, MetricSet>();
  for (const set of metricSets) byKey.set(set.key, set);
  return { timestampMs, metricSets: byKey };
}

/** Returns a copy of `set` with `changes` applied; untouched fields are shared, never mutated. */
export function withChanges(set: MetricSet, changes: Partial<Omit<MetricSet, 'key'>>): MetricSet {
  return { ...set, ...changes };
}
