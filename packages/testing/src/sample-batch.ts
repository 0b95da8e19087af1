/**
 * A small but representative batch for contract suites and sink tests: a node, a system container, a pod and its
 * container, with cumulative and gauge metrics, an int past 2^53, a float and labeled filesystem metrics.
 */
import { Metrics, LabelKeys, type DataBatch } from '@kubestats/core';
import { buildBatch, nodeSet, podContainerSet, podSet, systemContainerSet } from './metric-set-builders.js';

export const sampleTimestampMs = Date.UTC(2026, 0, 1, 12, 0, 0);

export function sampleBatch(timestampMs = sampleTimestampMs): DataBatch {
  const startMs = timestampMs - 3_600_000;
  const scrapeMs = timestampMs - 5_000;
  return buildBatch(timestampMs, [
    nodeSet({
      node: 'node-1',
      startMs,
      scrapeMs,
      metrics: {
        [Metrics.cpuUsage.name]: 9_007_199_254_740_993n,
        [Metrics.cpuUsageRate.name]: 1500n,
        [Metrics.memoryUsage.name]: 8_000_000_000n,
        [Metrics.memoryWorkingSet.name]: 6_000_000_000n,
        [Metrics.cpuNodeUtilization.name]: 0.375,
      },
      labeledMetrics: [
        { name: Metrics.filesystemUsage.name, labels: { [LabelKeys.resourceId]: '/' }, value: 10_000_000n },
        { name: Metrics.filesystemLimit.name, labels: { [LabelKeys.resourceId]: '/' }, value: 100_000_000n },
      ],
    }),
    systemContainerSet({ node: 'node-1', container: 'kubelet', startMs, scrapeMs, metrics: { [Metrics.memoryUsage.name]: 50_000_000n } }),
    podSet({ namespace: 'prod', pod: 'web-1', node: 'node-1', startMs, scrapeMs, metrics: { [Metrics.memoryUsage.name]: 200_000_000n } }),
    podContainerSet({
      namespace: 'prod',
      pod: 'web-1',
      container: 'web',
      node: 'node-1',
      startMs,
      scrapeMs,
      containerId: 'containerd://0123abcd',
      metrics: {
        [Metrics.cpuUsage.name]: 120_000_000_000n,
        [Metrics.cpuUsageRate.name]: 250n,
        [Metrics.memoryUsage.name]: 200_000_000n,
        [Metrics.memoryPageFaultsRate.name]: 12.5,
      },
    }),
  ]);
}
