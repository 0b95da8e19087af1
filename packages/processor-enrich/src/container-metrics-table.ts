/**
 * The metrics pod_enricher adds to a container set (requests, limits, restart count), interned: containers with the
 * same requests, limits and restart count (every replica of a workload, most containers of a fleet) share one map of
 * frozen values instead of a map and ~7 values (each with a bigint) per container.
 *
 * Containers whose maps differ (requests drawn per container) still share the values: one frozen value per distinct
 * int, as quantities are round numbers and few (0, 100m, 256Mi, …).
 *
 * The table holds its maps weakly: a map lives while some pod's derived state holds it, and its entry is dropped once
 * the map is collected, so the table is bounded by the live pod versions as the per-pod cache is. The value table is
 * bounded by size (values are tiny; past the bound new values are simply not shared).
 */
import { intValue, Metrics, type IntMetricValue, type MetricValue, type ContainerInfo } from '@kubestats/core';

/** At most this many distinct shared values (a few hundred KiB). */
const maxSharedValues = 10_000;
import { requestAndLimitMetrics } from './resource-metrics.js';

export type ContainerMetrics = ReadonlyMap<string, MetricValue>;

export class ContainerMetricsTable {
  /** Content key (names and values in map order) -> the shared map. */
  readonly #maps = new Map<string, WeakRef<ContainerMetrics>>();
  readonly #collected = new FinalizationRegistry<string>((key) => {
    // A newer map may have been interned under the same key since; only a dead entry is removed.
    if (this.#maps.get(key)?.deref() === undefined) this.#maps.delete(key);
  });

  /** Frozen int gauges by value. */
  readonly #values = new Map<bigint, IntMetricValue>();

  /** `cpu/request`, …, `restart_count` of the container: the shared map when one with the same content is live. */
  metricsOf(container: ContainerInfo): ContainerMetrics {
    const built = requestAndLimitMetrics(container.requests, container.limits);
    built.set(Metrics.restartCount.name, intValue(container.restartCount));
    const key = contentKey(built);
    const interned = this.#maps.get(key)?.deref();
    if (interned !== undefined) return interned;
    for (const [name, value] of built) built.set(name, this.#shared(value));
    this.#maps.set(key, new WeakRef(built));
    this.#collected.register(built, key);
    return built;
  }

  /** The shared frozen value equal to `value` (all values here are int gauges). */
  #shared(value: MetricValue): MetricValue {
    if (value.kind !== 'int' || value.type !== 'gauge') return Object.freeze(value);
    const existing = this.#values.get(value.value);
    if (existing !== undefined) return existing;
    const frozen = Object.freeze(value);
    if (this.#values.size < maxSharedValues) this.#values.set(value.value, frozen);
    return frozen;
  }

  /** How many maps the table holds (live or not yet cleaned up): for tests. */
  get size(): number {
    return this.#maps.size;
  }
}

/** Names and values in order; resource names never contain `=` or a newline, so the key is unambiguous. */
function contentKey(metrics: ReadonlyMap<string, MetricValue>): string {
  let key = '';
  for (const [name, value] of metrics) key += `${name}=${value.kind}:${value.type}:${String(value.value)}\n`;
  return key;
}
