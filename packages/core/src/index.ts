/** @kubestats/core: the model, catalogue, keys, contracts and diagnostics every kubestats package shares. */
export { abortReason, systemClock, sleep, type Clock, type TimerHandle } from './clock.js';
export {
  staticClusterMetadata,
  type ClusterMetadata,
  type ContainerInfo,
  type NamespaceInfo,
  type NodeAddress,
  type NodeInfo,
  type PodInfo,
  type ResourceList,
} from './cluster-metadata.js';
export {
  defineSchema,
  formatDurationMs,
  parseDurationMs,
  parseOptions,
  secretOptionNames,
  type BooleanOption,
  type ConfigOf,
  type ConfigSchema,
  type DurationOption,
  type EnumOption,
  type IntOption,
  type ListOption,
  type OptionSpec,
  type ParseOptionsResult,
  type StringOption,
} from './config-schema.js';
export {
  cleanResult,
  type ComponentHealth,
  type ExportResult,
  type ItemFailure,
  type PluginFactory,
  type PluginInit,
  type PluginKind,
  type ProcessResult,
  type Processor,
  type ProcessorFactory,
  type Sink,
  type SinkFactory,
  type Source,
  type SourceFactory,
  type SourceResult,
  type TimeWindow,
} from './contracts.js';
export {
  allDiagnosticReasons,
  diagnosticReasons,
  DiagnosticsLog,
  isDiagnosticReason,
  type Diagnostic,
  type DiagnosticInput,
  type DiagnosticReason,
  type DiagnosticsLogOptions,
  type DiagnosticStage,
} from './diagnostics.js';
export {
  nodeLabelsOf,
  podContainerLabelsOf,
  podLabelsOf,
  resourceLabelsOf,
  systemContainerLabelsOf,
  type NodeLabelValues,
  type PodLabelValues,
} from './entity-labels.js';
export { ConfigError, errorMessage, isPermanentError, PermanentError, type ConfigProblem } from './errors.js';
export {
  clusterKey,
  entityTypeOfKey,
  namespaceKey,
  nodeKey,
  parseKey,
  podContainerKey,
  podKey,
  systemContainerKey,
  type ParsedKey,
} from './keys.js';
export {
  EntityTypes,
  isEntityType,
  joinObjectLabels,
  LabelKeys,
  type EntityType,
  type LabelKey,
} from './label-keys.js';
export { silentLogger, type LogFn, type Logger } from './logger.js';
export {
  aggregatedUsageMetrics,
  customMetricPrefix,
  metricCatalogue,
  metricDescriptor,
  Metrics,
  nodeAggregatedMetrics,
  rateDefinitions,
  type MetricDescriptor,
  type MetricUnit,
  type RateDefinition,
  type StandardMetricId,
} from './metric-catalogue.js';
export {
  batchOf,
  emptyBatch,
  floatValue,
  intValue,
  metricValueAsNumber,
  withChanges,
  type DataBatch,
  type FloatMetricValue,
  type IntMetricValue,
  type LabeledMetric,
  type MetricSet,
  type MetricType,
  type MetricValue,
} from './metric-set.js';
export { countPoints } from './batch-points.js';
export { entityOfSet } from './set-entity.js';
export { rateWindowMsOf, withRateWindowMs } from './rate-window.js';
export { exportResultOf, type ChunkOutcome } from './export-outcome.js';
export { raceAbort } from './race-abort.js';
export { redactPluginUri, resolvePluginConfig, type ResolvedPluginConfig } from './plugin-config.js';
export { expandEnvironment, parsePluginUri, type ParsePluginUriResult, type PluginUri } from './plugin-uri.js';
