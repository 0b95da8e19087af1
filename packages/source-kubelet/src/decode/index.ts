/**
 * The pure half of the kubelet source: payload → MetricSets + diagnostics for `/stats/summary`,
 * `/metrics/resource` (and `/metrics/cadvisor`) and the legacy `/stats/container`. No I/O here.
 */
export { decodeContainerStats } from './container-stats-decoder.js';
export { compareCandidates, Liveness, type CgroupSample } from './cgroup-metric-sets.js';
export type { DecodeContext, DecodeResult } from './decode-context.js';
export { DecodeError } from './decode-error.js';
export { decodeResultToJson } from './decode-result-json.js';
export { unlimitedThreshold } from './decode-session.js';
export { needsLosslessParse, parseJsonBody } from './json-body.js';
export { decodeResourceMetrics, resourceFamilies } from './resource-metrics-decoder.js';
export { decodeSummary } from './summary-decoder.js';
export { kubeletUsageNanoCoresMetric, logsResourceId, rootResourceId, volumeResourcePrefix } from './summary-names.js';
