/** The `pod_enricher` processor factory. */
import type { ProcessorFactory } from '@kubestats/core';
import { labelCopierFromConfig, labelOptionsSchema } from './label-options.js';
import { PodEnricher } from './pod-enricher.js';

export const podEnricherFactory: ProcessorFactory<typeof labelOptionsSchema> = {
  kind: 'processor',
  type: 'pod_enricher',
  description: 'Adds pod id, labels, node, requests/limits, restart count and image to pod and container sets from the pod cache.',
  configSchema: labelOptionsSchema,
  create: (init) => new PodEnricher(init.metadata, labelCopierFromConfig(init.config)),
};
