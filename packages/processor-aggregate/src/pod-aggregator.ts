/**
 * Heapster's pod_aggregator, without its bugs: a pod keeps every value its own (pod-level cgroup) set supplied and
 * gets the sum of its containers for the rest, never counting the pause container. A pod created from containers
 * carries `nodename` (Heapster's forgot it, so node aggregation skipped it). A pod whose containers disagree on a
 * usage metric is still reported with what exists, and a `partial-pod` diagnostic names the containers lacking it.
 */
import {
  abortReason,
  defineSchema,
  entityOfSet,
  EntityTypes,
  LabelKeys,
  Metrics,
  podKey,
  withChanges,
  withRateWindowMs,
  type DataBatch,
  type DiagnosticInput,
  type MetricSet,
  type MetricValue,
  type ProcessResult,
  type Processor,
  type ProcessorFactory,
} from '@kubestats/core';
import { describeMissing, latestScrapeTimeMs, smallestWindowMs, sumMetricValues, type SumResult } from './metric-sum.js';
import { isPauseContainer } from './pause-container.js';

/** Usage metrics a pod should get from every container: a container lacking one makes the pod partial. */
const partialCheckMetrics: ReadonlySet<string> = new Set([Metrics.cpuUsageRate.name, Metrics.memoryUsage.name, Metrics.memoryWorkingSet.name]);

/** Labels a pod created from its containers takes from them (Heapster's list plus `nodename` and `labels`). */
const inheritedLabels = [
  LabelKeys.podId,
  LabelKeys.podName,
  LabelKeys.namespaceName,
  LabelKeys.namespaceId,
  LabelKeys.hostname,
  LabelKeys.hostId,
  LabelKeys.nodename,
  LabelKeys.labels,
] as const;

interface PodContainers {
  readonly namespace: string;
  readonly podName: string;
  /** The pod's own set in this batch, if any. */
  podSet: MetricSet | undefined;
  readonly containers: { readonly name: string; readonly set: MetricSet }[];
}

function containerName(set: MetricSet): string {
  const parsed = entityOfSet(set);
  return parsed?.type === EntityTypes.podContainer ? parsed.containerName : set.key;
}

/**
 * Sums, in one walk over the containers' values, every gauge the pod's own set does not supply (counters of
 * different containers start at different times: their sum is no counter). Same result as collecting the names
 * first and then `sumMetrics` over them, without looking every value up a second time.
 */
function sumContainerGauges(sets: readonly MetricSet[], existing: MetricSet | undefined): SumResult {
  const valuesByName = new Map<string, { values: MetricValue[]; gauge: boolean }>();
  for (const set of sets) {
    for (const [name, value] of set.metricValues) {
      if (existing?.metricValues.has(name)) continue;
      const gauge = value.type !== 'cumulative';
      const entry = valuesByName.get(name);
      if (entry) {
        entry.values.push(value);
        entry.gauge ||= gauge;
      } else valuesByName.set(name, { values: [value], gauge });
    }
  }
  const sums = new Map<string, MetricValue>();
  const missing = new Map<string, string[]>();
  for (const [name, { values, gauge }] of valuesByName) {
    if (!gauge) continue;
    sums.set(name, sumMetricValues(name, values));
    if (values.length < sets.length) missing.set(name, sets.filter((set) => !set.metricValues.has(name)).map(containerName));
  }
  return { sums, missing };
}

export class PodAggregator implements Processor {
  readonly name = 'processor/pod_aggregator';

  process(batch: DataBatch, signal: AbortSignal): Promise<ProcessResult> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    // Pods in the order their first summed container appears, found by namespace then name, with their own set
    // picked up in the same walk: no pod key is built or looked up per container.
    const pods: PodContainers[] = [];
    const podsByNamespace = new Map<string, Map<string, PodContainers>>();
    for (const set of batch.metricSets.values()) {
      const entity = entityOfSet(set);
      if (entity?.type === EntityTypes.podContainer && isPauseContainer(entity.containerName)) continue;
      if (entity?.type !== EntityTypes.podContainer && entity?.type !== EntityTypes.pod) continue;
      let podsOfNamespace = podsByNamespace.get(entity.namespace);
      if (!podsOfNamespace) {
        podsOfNamespace = new Map();
        podsByNamespace.set(entity.namespace, podsOfNamespace);
      }
      let pod = podsOfNamespace.get(entity.podName);
      if (!pod) {
        pod = { namespace: entity.namespace, podName: entity.podName, podSet: undefined, containers: [] };
        podsOfNamespace.set(entity.podName, pod);
      }
      if (entity.type === EntityTypes.pod) {
        pod.podSet = set;
        continue;
      }
      if (pod.containers.length === 0) pods.push(pod);
      pod.containers.push({ name: entity.containerName, set });
    }

    const metricSets = new Map(batch.metricSets);
    const diagnostics: DiagnosticInput[] = [];
    for (const pod of pods) {
      const existing = pod.podSet;
      const key = existing?.key ?? podKey(pod.namespace, pod.podName);
      const sets = pod.containers.map((container) => container.set);
      const { sums, missing } = sumContainerGauges(sets, existing);
      const partial = new Map([...missing].filter(([name]) => partialCheckMetrics.has(name)));
      const aggregated = existing ? this.#update(existing, sums, sets) : this.#create(key, pod, sums, sets, batch.timestampMs);
      metricSets.set(key, aggregated);
      if (partial.size > 0) {
        diagnostics.push({
          key,
          stage: 'aggregate',
          reason: 'partial-pod',
          detail: `${describeMissing(partial, sets.length, 'containers')}; the pod is reported as the sum of the others`,
          ...(aggregated.labels[LabelKeys.nodename] ? { node: aggregated.labels[LabelKeys.nodename] } : {}),
        });
      }
    }
    return Promise.resolve({ batch: { timestampMs: batch.timestampMs, metricSets }, failures: [], diagnostics });
  }

  #update(existing: MetricSet, sums: ReadonlyMap<string, MetricValue>, sets: readonly MetricSet[]): MetricSet {
    const metricValues = new Map(existing.metricValues);
    for (const [name, value] of sums) metricValues.set(name, value);
    // The pod's labels are copied only when it lacks a `nodename` one of its containers has.
    const nodename =
      existing.labels[LabelKeys.nodename] === undefined
        ? sets.find((set) => set.labels[LabelKeys.nodename])?.labels[LabelKeys.nodename]
        : undefined;
    const labels = nodename === undefined ? existing.labels : { ...existing.labels, [LabelKeys.nodename]: nodename };
    const updated = withChanges(existing, { metricValues, labels });
    const windowMs = smallestWindowMs(sets);
    return updated.rateWindowMs === undefined && windowMs !== undefined && sums.has(Metrics.cpuUsageRate.name) ? withRateWindowMs(updated, windowMs) : updated;
  }

  #create(key: string, pod: PodContainers, sums: Map<string, MetricValue>, sets: readonly MetricSet[], batchTimestampMs: number): MetricSet {
    const labels: Record<string, string> = {
      [LabelKeys.type]: EntityTypes.pod,
      [LabelKeys.namespaceName]: pod.namespace,
      [LabelKeys.podName]: pod.podName,
    };
    for (const label of inheritedLabels) {
      const value = sets.find((set) => set.labels[label] !== undefined)?.labels[label];
      if (value !== undefined) labels[label] ??= value;
    }
    const starts = sets.map((set) => set.collectionStartTimeMs).filter((ms) => ms > 0);
    const creates = sets.map((set) => set.entityCreateTimeMs).filter((ms) => ms > 0);
    const created: MetricSet = {
      key,
      labels,
      metricValues: sums,
      labeledMetrics: [],
      collectionStartTimeMs: starts.length > 0 ? Math.min(...starts) : 0,
      entityCreateTimeMs: creates.length > 0 ? Math.min(...creates) : 0,
      scrapeTimeMs: latestScrapeTimeMs(sets) || batchTimestampMs,
    };
    const windowMs = smallestWindowMs(sets);
    return windowMs === undefined ? created : withRateWindowMs(created, windowMs);
  }
}

export const podAggregatorConfigSchema = defineSchema({});

export const podAggregatorFactory: ProcessorFactory<typeof podAggregatorConfigSchema> = {
  kind: 'processor',
  type: 'pod_aggregator',
  description: 'Rolls containers up into their pod (pod-level values win, never the pause container), reporting partial pods.',
  configSchema: podAggregatorConfigSchema,
  create: () => new PodAggregator(),
};
