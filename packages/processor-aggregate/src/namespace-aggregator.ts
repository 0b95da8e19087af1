/**
 * Heapster's namespace_aggregator: sums core's `aggregatedUsageMetrics` over the pods of each namespace into
 * `namespace:<ns>` (created when absent). Pods lacking a metric others have are named in a `missing-value` diagnostic.
 */
import {
  abortReason,
  aggregatedUsageMetrics,
  defineSchema,
  entityOfSet,
  EntityTypes,
  LabelKeys,
  namespaceKey,
  withChanges,
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

function podName(set: MetricSet): string {
  const parsed = entityOfSet(set);
  return parsed?.type === EntityTypes.pod ? parsed.podName : set.key;
}

export class NamespaceAggregator implements Processor {
  readonly name = 'processor/namespace_aggregator';

  process(batch: DataBatch, signal: AbortSignal): Promise<ProcessResult> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    const podsByNamespace = new Map<string, MetricSet[]>();
    for (const set of batch.metricSets.values()) {
      const parsed = entityOfSet(set);
      if (parsed?.type !== EntityTypes.pod) continue;
      const pods = podsByNamespace.get(parsed.namespace) ?? [];
      pods.push(set);
      podsByNamespace.set(parsed.namespace, pods);
    }
    const metricSets = new Map(batch.metricSets);
    const diagnostics: DiagnosticInput[] = [];
    for (const [namespace, pods] of podsByNamespace) {
      const key = namespaceKey(namespace);
      const { sums, missing } = sumMetrics(metricNames, pods, podName);
      const existing = batch.metricSets.get(key);
      const namespaceId = pods.find((pod) => pod.labels[LabelKeys.namespaceId])?.labels[LabelKeys.namespaceId];
      const labels: Record<string, string> = {
        ...(existing?.labels ?? {}),
        [LabelKeys.type]: EntityTypes.namespace,
        [LabelKeys.namespaceName]: namespace,
      };
      if (namespaceId !== undefined) labels[LabelKeys.namespaceId] ??= namespaceId;
      const metricValues = new Map(existing?.metricValues ?? []);
      for (const [name, value] of sums) metricValues.set(name, value);
      const scrapeTimeMs = latestScrapeTimeMs(pods) || batch.timestampMs;
      const aggregated: MetricSet = existing
        ? withChanges(existing, { labels, metricValues, scrapeTimeMs })
        : { key, labels, metricValues, labeledMetrics: [], collectionStartTimeMs: 0, entityCreateTimeMs: 0, scrapeTimeMs };
      const windowMs = smallestWindowMs(pods);
      metricSets.set(key, windowMs === undefined ? aggregated : withRateWindowMs(aggregated, windowMs));
      if (missing.size > 0) {
        diagnostics.push({ key, stage: 'aggregate', reason: 'missing-value', detail: `${describeMissing(missing, pods.length, 'pods')}; summed over the rest` });
      }
    }
    return Promise.resolve({ batch: { timestampMs: batch.timestampMs, metricSets }, failures: [], diagnostics });
  }
}

export const namespaceAggregatorConfigSchema = defineSchema({});

export const namespaceAggregatorFactory: ProcessorFactory<typeof namespaceAggregatorConfigSchema> = {
  kind: 'processor',
  type: 'namespace_aggregator',
  description: 'Sums pod cpu/memory usage, requests and limits into their namespace.',
  configSchema: namespaceAggregatorConfigSchema,
  create: () => new NamespaceAggregator(),
};
