/**
 * @kubestats/source-kubelet: discovers nodes and scrapes kubelets (`/stats/summary`, `/metrics/resource`, legacy
 * `/stats/container`) into DataBatches.
 */
export {
  legacySourceFactory,
  resourceMetricsSourceFactory,
  summarySourceFactory,
  type KubeletSourceFactory,
} from './kubelet-source-factories.js';
export { defaultAddressTypes, kubeletSourceConfigSchema, type KubeletSourceConfig } from './kubelet-config-schema.js';
export { KubeletSource, serviceAccountCaPath, type KubeletSourceFiles } from './kubelet-source.js';
export { containerStatsEndpoint, resourceMetricsEndpoint, summaryEndpoint, type KubeletEndpoint } from './kubelet-endpoint.js';
export { discoverTargets, type Discovery, type DiscoveryOptions } from './discovery/discover-targets.js';
export { staticTargets } from './discovery/static-targets.js';
export { targetAddress, targetUrl, type KubeletTarget } from './discovery/kubelet-target.js';
export { mergeNodeResults, type MergeResult, type NodeSets } from './merge-node-results.js';
export { KubeletClient, type KubeletClientOptions, type KubeletRequest } from './transport/kubelet-client.js';
export { ScrapeError } from './transport/scrape-error.js';
export { serviceAccountTokenPath } from './transport/bearer-token-file.js';
export {
  decodeContainerStats,
  decodeResourceMetrics,
  decodeSummary,
  DecodeError,
  type DecodeContext,
  type DecodeResult,
} from './decode/index.js';
