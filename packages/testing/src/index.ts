/** @kubestats/testing: builders, a fake clock, a recording sink and contract suites for kubestats plugins. */
export { FakeClock, flushMicrotasks } from './fake-clock.js';
export { deepFreezeBatch, findBatchDifference, snapshotBatch } from './batch-mutation.js';
export {
  buildBatch,
  buildMetricSet,
  clusterSet,
  labelsForKey,
  namespaceSet,
  nodeSet,
  podContainerSet,
  podSet,
  systemContainerSet,
  toMetricValue,
  type EntitySetInput,
  type LabeledMetricInput,
  type MetricInput,
  type MetricSetInput,
  type NamespaceSetInput,
  type NodeSetInput,
  type PodContainerSetInput,
  type PodSetInput,
  type SystemContainerSetInput,
} from './metric-set-builders.js';
export { RecordingSink } from './recording-sink.js';
export { sampleBatch, sampleTimestampMs } from './sample-batch.js';
export {
  checkBatchResultWellFormed,
  checkBatchWellFormed,
  checkExportResultWellFormed,
  checkFactory,
  checkFailuresWellFormed,
  checkHealthWellFormed,
  checkInputNotMutated,
  checkName,
  checkRejectsWhenAborted,
  checkStopIdempotent,
  ContractViolation,
  type ContractComponent,
  type FactoryCheckOptions,
  type PromptnessOptions,
} from './contract-checks.js';
export {
  defaultContractWindow,
  factoryContract,
  processorContract,
  sinkContract,
  sourceContract,
  type ProcessorContractOptions,
  type SinkContractOptions,
  type SourceContractOptions,
} from './contract-suites.js';
export { RecordingLogger } from './recording-logger.js';
export { loadSummary, summaryBatch, summaryFixtureName } from './summary-batch.js';
export { TcpProxy } from './tcp-proxy.js';
export {
  batchFromJson,
  expectMetricValue,
  goldenCaseNames,
  keyReasons,
  loadJsonBatch,
  parseFixtureTimeMs,
  parseFixtureValue,
  type JsonBatch,
  type JsonMetricSet,
  type JsonMetricValue,
} from './golden-batch.js';
export { testCertificate, testCertificateAuthority, type Pem, type TestCertificateRequest } from './test-certificates.js';
