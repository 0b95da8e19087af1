/**
 * Heapster's cluster_aggregator: a new `cluster` set every batch, the sum of core's `aggregatedUsageMetrics` over
 * namespace sets only (never system containers or nodes, Heapster #1593). Namespaces lacking a metric others have
 * are named in a `missing-value` diagnostic.
 */
import {
  abortReason,
  aggregatedUsageMetrics,
  clusterKey,
  defineSchema,
  entityOfSet,
  EntityTypes,
  LabelKeys,
  withRateWindowMs,
  type DataBatch,
  type DiagnosticInput,
  type MetricSet,
  type ProcessResult,
  type Processor,
  type ProcessorFactory,
} from '@kubestats/core';
import { describeMissing, latestScrapeTimeMs, smallestWindowMs, sumMetrics } from './metric-sum.js';

const metricNames = aggregatedUsageMetrics.map((metric) => metric.name);

function namespaceName(set: MetricSet): string {
  const parsed = entityOfSet(set);
  return parsed?.type === EntityTypes.namespace ? parsed.namespace : set.key;
}

export class ClusterAggregator implements Processor {
  readonly name = 'processor/cluster_aggregator';

  process(batch: DataBatch, signal: AbortSignal): Promise<ProcessResult> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    const namespaces = [...batch.metricSets.values()].filter((set) => entityOfSet(set)?.type === EntityTypes.namespace);
    const { sums, missing } = sumMetrics(metricNames, namespaces, namespaceName);
    const cluster: MetricSet = {
      key: clusterKey,
      labels: { [LabelKeys.type]: EntityTypes.cluster },
      metricValues: sums,
      labeledMetrics: [],
      collectionStartTimeMs: 0,
      entityCreateTimeMs: 0,
      scrapeTimeMs: latestScrapeTimeMs(namespaces) || batch.timestampMs,
    };
    const windowMs = smallestWindowMs(namespaces);
    const metricSets = new Map(batch.metricSets);
    metricSets.set(clusterKey, windowMs === undefined ? cluster : withRateWindowMs(cluster, windowMs));
    const diagnostics: DiagnosticInput[] =
      missing.size > 0
        ? [{ key: clusterKey, stage: 'aggregate', reason: 'missing-value', detail: `${describeMissing(missing, namespaces.length, 'namespaces')}; summed over the rest` }]
        : [];
    return Promise.resolve({ batch: { timestampMs: batch.timestampMs, metricSets }, failures: [], diagnostics });
  }
}

export const clusterAggregatorConfigSchema = defineSchema({});

export const clusterAggregatorFactory: ProcessorFactory<typeof clusterAggregatorConfigSchema> = {
  kind: 'processor',
  type: 'cluster_aggregator',
  description: 'Builds the cluster set each batch as the sum of its namespaces.',
  configSchema: clusterAggregatorConfigSchema,
  create: () => new ClusterAggregator(),
};
