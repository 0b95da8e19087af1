/**
 * The three kubelet endpoints a source can scrape: the request the transport sends and the decoder that reads the
 * answer. One source instance scrapes one endpoint, chosen by the factory (the URI type).
 */
import { decodeContainerStats, decodeResourceMetrics, decodeSummary, type DecodeContext, type DecodeResult } from './decode/index.js';
import type { KubeletRequest } from './transport/kubelet-client.js';

export interface KubeletEndpoint extends KubeletRequest {
  readonly decode: (body: string, context: DecodeContext) => DecodeResult;
}

/** `kubernetes.summary_api`: the kubelet's Summary API. */
export const summaryEndpoint: KubeletEndpoint = {
  method: 'GET',
  path: '/stats/summary',
  rbacSubresource: 'nodes/stats',
  decode: decodeSummary,
};

/** `kubernetes.resource_metrics`: the Prometheus text endpoint metrics-server reads. */
export const resourceMetricsEndpoint: KubeletEndpoint = {
  method: 'GET',
  path: '/metrics/resource',
  rbacSubresource: 'nodes/metrics',
  decode: decodeResourceMetrics,
};

/**
 * `kubernetes`: Heapster's legacy source, the cAdvisor v1 ContainerInfo map. Heapster sent a start/end window; one
 * sample per container is all a cycle needs, so `num_stats: 1` alone.
 */
export const containerStatsEndpoint: KubeletEndpoint = {
  method: 'POST',
  path: '/stats/container',
  body: JSON.stringify({ containerName: '/', num_stats: 1, subcontainers: true }),
  rbacSubresource: 'nodes/stats',
  decode: decodeContainerStats,
};
