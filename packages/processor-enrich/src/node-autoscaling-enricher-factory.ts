/** The `node_autoscaling_enricher` processor factory. */
import type { ProcessorFactory } from '@kubestats/core';
import { labelCopierFromConfig, labelOptionsSchema } from './label-options.js';
import { NodeAutoscalingEnricher } from './node-autoscaling-enricher.js';

export const nodeAutoscalingEnricherFactory: ProcessorFactory<typeof labelOptionsSchema> = {
  kind: 'processor',
  type: 'node_autoscaling_enricher',
  description: 'Adds node labels, capacity, allocatable, utilization and reservation to node sets from the node cache.',
  configSchema: labelOptionsSchema,
  create: (init) => new NodeAutoscalingEnricher(init.metadata, labelCopierFromConfig(init.config)),
};
