/**
 * The metrics pod_enricher adds to a container set (requests, limits, restart count), interned: containers with the
 * same requests, limits and restart count (every replica of a workload, most containers of a fleet) share one map of
 * frozen values instead of a map and ~7 values (each with a bigint) per container.
 *
 * The table holds its maps weakly: a map lives while some pod's derived state holds it, and its entry is dropped once
 * the map is collected, so the table is bounded by the live pod versions as the per-pod cache is.
 */
import { intValue, Metrics, type MetricValue, type ContainerInfo } from '@kubestats/core';
import { requestAndLimitMetrics } from './resource-metrics.js';

export type ContainerMetrics = ReadonlyMap<string, MetricValue>;

export class ContainerMetricsTable {
  /** Content key (names and values in map order) -> the shared map. */
  readonly #maps = new Map<string, WeakRef<ContainerMetrics>>();
  readonly #collected = new FinalizationRegistry<string>((key) => {
    // A newer map may have been interned under the same key since; only a dead entry is removed.
    if (this.#maps.get(key)?.deref() === undefined) this.#maps.delete(key);
  });

  /** `cpu/request`, …, `restart_count` of the container: the shared map when one with the same content is live. */
  metricsOf(container: ContainerInfo): ContainerMetrics {
    const built = requestAndLimitMetrics(container.requests, container.limits);
    built.set(Metrics.restartCount.name, intValue(container.restartCount));
    const key = contentKey(built);
    const interned = this.#maps.get(key)?.deref();
    if (interned !== undefined) return interned;
    for (const value of built.values()) Object.freeze(value);
    this.#maps.set(key, new WeakRef(built));
    this.#collected.register(built, key);
    return built;
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
