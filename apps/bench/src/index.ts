/** kubestats-bench: the benchmark harness (pipeline over a simulated fleet, sink throughput) for embedding and tests. */
export { OffsetClock } from './bench-clock.js';
export { parseBenchArgs, runBenchCli, usageExitCode, type BenchCommand, type BenchIo } from './bench-cli.js';
export {
  benchEndpoints,
  composeKubestatsUnderTest,
  discoveries,
  heapsterProcessorOrder,
  type BenchEndpoint,
  type Discovery,
  type KubestatsUnderTest,
  type KubestatsUnderTestOptions,
} from './kubestats-under-test.js';
export { fetchBodies, measureParseFloor, type ParseFloor } from './parse-floor.js';
export {
  defaultPipelineBenchOptions,
  runPipelineBench,
  summarise,
  type CycleFigure,
  type MemoryFigure,
  type PipelineBenchOptions,
  type PipelineBenchReport,
  type StageFigure,
  type TargetCheck,
} from './pipeline-bench.js';
export { renderPipelineReport } from './report-text.js';
export { childProcessSim, inProcessSim, simRunnerPath, type ChildSimOptions, type SimHandle, type SimLauncher } from './sim-launcher.js';
export { renderSinkReport, runSinkBench, sinkKinds, type SinkBenchOptions, type SinkBenchReport, type SinkKind } from './sink-bench.js';
export { median, percentile } from './statistics.js';
export { renderProfileSummary, summariseCpuProfile, type CpuProfile, type HotSpot, type ProfileSummary } from './cpu-profile-summary.js';
