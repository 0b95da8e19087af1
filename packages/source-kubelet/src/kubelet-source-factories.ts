/**
 * The three source factories, one per Heapster URI type, sharing one schema and one implementation; they differ
 * only in the kubelet endpoint they scrape.
 */
import type { SourceFactory } from '@kubestats/core';
import { kubeletSourceConfigSchema } from './kubelet-config-schema.js';
import { containerStatsEndpoint, resourceMetricsEndpoint, summaryEndpoint, type KubeletEndpoint } from './kubelet-endpoint.js';
import { KubeletSource } from './kubelet-source.js';

export type KubeletSourceFactory = SourceFactory<typeof kubeletSourceConfigSchema>;

function kubeletSourceFactory(type: string, description: string, endpoint: KubeletEndpoint): KubeletSourceFactory {
  return {
    kind: 'source',
    type,
    description,
    configSchema: kubeletSourceConfigSchema,
    create: (init) => new KubeletSource(init, endpoint),
  };
}

export const summarySourceFactory = kubeletSourceFactory(
  'kubernetes.summary_api',
  "Scrapes every Ready node's kubelet Summary API (GET /stats/summary): node, system container, pod and container metrics.",
  summaryEndpoint,
);

export const legacySourceFactory = kubeletSourceFactory(
  'kubernetes',
  'Scrapes kubelets the Heapster 1.2 way (POST /stats/container, cAdvisor ContainerInfo), with duplicate cgroups resolved.',
  containerStatsEndpoint,
);

export const resourceMetricsSourceFactory = kubeletSourceFactory(
  'kubernetes.resource_metrics',
  "Scrapes kubelets' Prometheus resource endpoint (GET /metrics/resource), as metrics-server does: CPU and working-set memory.",
  resourceMetricsEndpoint,
);
