/** @kubestats/processor-enrich: pod, namespace and node-autoscaling enrichment from the cluster metadata cache. */
export { LabelCopier, type LabelCopierOptions } from './label-copier.js';
export { labelCopierFromConfig, labelOptionsSchema } from './label-options.js';
export { NamespaceEnricher } from './namespace-enricher.js';
export { namespaceEnricherConfigSchema, namespaceEnricherFactory } from './namespace-enricher-factory.js';
export { NodeAutoscalingEnricher } from './node-autoscaling-enricher.js';
export { nodeAutoscalingEnricherFactory } from './node-autoscaling-enricher-factory.js';
export { PodEnricher } from './pod-enricher.js';
export { podEnricherFactory } from './pod-enricher-factory.js';
export { requestAndLimitMetrics, ResourceNames, standardResources } from './resource-metrics.js';
