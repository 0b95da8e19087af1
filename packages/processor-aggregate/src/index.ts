/** @kubestats/processor-aggregate: pod, namespace, node and cluster roll-ups, with a diagnostic for every partial value. */
export { ClusterAggregator, clusterAggregatorConfigSchema, clusterAggregatorFactory } from './cluster-aggregator.js';
export { describeMissing, smallestWindowMs, sumMetrics, sumMetricValues, type SumResult } from './metric-sum.js';
export { NamespaceAggregator, namespaceAggregatorConfigSchema, namespaceAggregatorFactory } from './namespace-aggregator.js';
export { NodeAggregator, nodeAggregatorConfigSchema, nodeAggregatorFactory } from './node-aggregator.js';
export { isPauseContainer } from './pause-container.js';
export { PodAggregator, podAggregatorConfigSchema, podAggregatorFactory } from './pod-aggregator.js';
