/** The `namespace_enricher` processor factory. */
import { defineSchema, type ProcessorFactory } from '@kubestats/core';
import { NamespaceEnricher } from './namespace-enricher.js';

export const namespaceEnricherConfigSchema = defineSchema({});

export const namespaceEnricherFactory: ProcessorFactory<typeof namespaceEnricherConfigSchema> = {
  kind: 'processor',
  type: 'namespace_enricher',
  description: 'Adds namespace_id to pod, container and namespace sets from the namespace cache.',
  configSchema: namespaceEnricherConfigSchema,
  create: (init) => new NamespaceEnricher(init.metadata),
};
