/** @kubestats/pipeline: the kubestats host, Heapster's housekeeping loop with sink queues, self-metrics and health. */
export { backoffDelayMs } from './backoff.js';
export { assessHealth, healthyBatchAgeResolutions, type PipelineHealth, type SinkHealth } from './health.js';
export {
  createPipeline,
  diagnosticsRetentionResolutions,
  pipelineDiagnosticKey,
  type Pipeline,
} from './pipeline.js';
export {
  defaultDropPolicy,
  defaultExportTimeoutMs,
  defaultQueueCapacity,
  defaultRetry,
  defaultStopTimeoutMs,
  resolveTiming,
  type DropPolicy,
  type PipelineOptions,
  type ResolvedTiming,
  type RetryOptions,
  type SinkRegistration,
} from './pipeline-options.js';
export type { CycleReport } from './run-cycle.js';
export { lastCompleteWindow } from './tick-schedule.js';
