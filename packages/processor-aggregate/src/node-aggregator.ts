/**
 * Heapster's node_aggregator: sums core's `nodeAggregatedMetrics` (requests and limits) over the pods that name a
 * node into that node's **existing** set (usage stays the node's own). A node absent from the batch, or a pod
 * without `nodename`, is a `missing-value` diagnostic.
 */
import {
  abortReason,
  defineSchema,
  entityOfSet,
  EntityTypes,
  LabelKeys,
  nodeAggregatedMetrics,
  nodeKey,
  withChanges,
  type DataBatch,
  type DiagnosticInput,
  type MetricSet,
  type ProcessResult,
  type Processor,
  type ProcessorFactory,
} from '@kubestats/core';
import { sumMetrics } from './metric-sum.js';

const metricNames = nodeAggregatedMetrics.map((metric) => metric.name);

export class NodeAggregator implements Processor {
  readonly name = 'processor/node_aggregator';

  process(batch: DataBatch, signal: AbortSignal): Promise<ProcessResult> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    const podsByNode = new Map<string, MetricSet[]>();
    const diagnostics: DiagnosticInput[] = [];
    for (const set of batch.metricSets.values()) {
      if (entityOfSet(set)?.type !== EntityTypes.pod) continue;
      const node = set.labels[LabelKeys.nodename];
      if (!node) {
        diagnostics.push({ key: set.key, stage: 'aggregate', reason: 'missing-value', detail: 'the pod has no nodename label, so its requests and limits count toward no node' });
        continue;
      }
      const pods = podsByNode.get(node) ?? [];
      pods.push(set);
      podsByNode.set(node, pods);
    }
    const metricSets = new Map(batch.metricSets);
    for (const [node, pods] of podsByNode) {
      const key = nodeKey(node);
      const existing = batch.metricSets.get(key);
      if (!existing) {
        diagnostics.push({
          key,
          stage: 'aggregate',
          reason: 'missing-value',
          detail: `the node has no set in this batch (not scraped?): requests and limits of ${pods.length} pod(s) not summed`,
          node,
        });
        continue;
      }
      const { sums } = sumMetrics(metricNames, pods, (pod) => pod.key);
      if (sums.size === 0) continue;
      const metricValues = new Map(existing.metricValues);
      for (const [name, value] of sums) metricValues.set(name, value);
      metricSets.set(key, withChanges(existing, { metricValues }));
    }
    return Promise.resolve({ batch: { timestampMs: batch.timestampMs, metricSets }, failures: [], diagnostics });
  }
}

export const nodeAggregatorConfigSchema = defineSchema({});

export const nodeAggregatorFactory: ProcessorFactory<typeof nodeAggregatorConfigSchema> = {
  kind: 'processor',
  type: 'node_aggregator',
  description: 'Sums pod requests and limits into their node set.',
  configSchema: nodeAggregatorConfigSchema,
  create: () => new NodeAggregator(),
};
