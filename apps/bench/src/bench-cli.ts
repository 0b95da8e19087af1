/**
 * The `bench` command line: `--nodes N --pods-per-node P --containers-per-pod C --cycles K --endpoint
 * summary|resource|container [--json]` for the pipeline bench, `--sink influxdb|kafka` for the sink bench. Flags are
 * parsed with commander (as kubelet-sim does); output and exit are injected so tests drive it in-process.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { benchEndpoints, discoveries, type BenchEndpoint, type Discovery } from './kubestats-under-test.js';
import { COUNTER_STARTS, type CounterStart } from 'kubelet-sim';
import { defaultPipelineBenchOptions, runPipelineBench, type PipelineBenchOptions } from './pipeline-bench.js';
import { renderPipelineReport } from './report-text.js';
import { childProcessSim, type SimLauncher } from './sim-launcher.js';
import { renderSinkReport, runSinkBench, sinkKinds, type SinkKind } from './sink-bench.js';

export interface BenchIo {
  out(text: string): void;
  err(text: string): void;
}

export const usageExitCode = 2;

function integer(min: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min) throw new InvalidArgumentError(`expected an integer >= ${min}, got ${JSON.stringify(value)}`);
    return Number(value);
  };
}

interface RawOptions {
  nodes: number;
  podsPerNode: number;
  containersPerPod: number;
  cycles: number;
  warmup: number;
  endpoint: BenchEndpoint;
  discovery: Discovery;
  resolution: number;
  concurrency: number;
  kubeletTimeout: number;
  floorRepeats: number;
  seed: number;
  counters: CounterStart;
  simHeap: number;
  memoryWindow?: number;
  scrapeTimeout?: number;
  sink?: SinkKind;
  repeats: number;
  influxdb: string;
  kafka: string;
  json?: boolean;
}

function buildProgram(io: BenchIo): Command {
  const d = defaultPipelineBenchOptions;
  return new Command('kubestats-bench')
    .description('Benchmarks kubestats over a simulated fleet (kubelet-sim in a child process): CPU and memory per node, the floor ratio; or a sink\u2019s throughput against its raw client.')
    .addOption(new Option('--nodes <n>', 'simulated nodes').argParser(integer(1)).default(d.nodes))
    .addOption(new Option('--pods-per-node <n>', 'pods on each node').argParser(integer(0)).default(d.podsPerNode))
    .addOption(new Option('--containers-per-pod <n>', 'containers in each pod').argParser(integer(1)).default(d.containersPerPod))
    .addOption(new Option('--cycles <n>', 'measured cycles, run back to back').argParser(integer(1)).default(d.cycles))
    .addOption(new Option('--warmup <n>', 'unmeasured cycles first').argParser(integer(0)).default(d.warmupCycles))
    .addOption(new Option('--endpoint <name>', 'kubelet endpoint scraped').choices(benchEndpoints).default(d.endpoint))
    .addOption(new Option('--discovery <how>', 'kubelets found through the sim apiserver, or a static kubelets= list').choices(discoveries).default(d.discovery))
    .addOption(new Option('--resolution <ms>', 'resolution the figures are expressed at (each cycle advances the clock by it)').argParser(integer(1000)).default(d.resolutionMs))
    .addOption(new Option('--concurrency <n>', 'kubelets scraped at once (the source option)').argParser(integer(1)).default(d.concurrency))
    .addOption(new Option('--kubelet-timeout <ms>', 'per-kubelet timeout (the source option)').argParser(integer(100)).default(d.kubeletTimeoutMs))
    .addOption(new Option('--floor-repeats <n>', 'parse passes for the floor (median)').argParser(integer(1)).default(d.floorRepeats))
    .addOption(new Option('--seed <n>', 'kubelet-sim workload seed').argParser(integer(0)).default(d.seed))
    .addOption(new Option('--counters <start>', 'kubelet-sim counter history: realistic (16-digit node counters, some above 2^53) or small').choices(COUNTER_STARTS).default(d.counters))
    .addOption(new Option('--scrape-timeout <ms>', 'pipeline scrape deadline (default half the resolution, at most 20 s)').argParser(integer(1)))
    .addOption(new Option('--memory-window <ms>', 'memory sink shortWindow (default its own, 140 s)').argParser(integer(1)))
    .addOption(new Option('--sim-heap <mib>', 'V8 heap ceiling of the kubelet-sim child').argParser(integer(256)).default(8192))
    .addOption(new Option('--sink <name>', 'run the sink throughput bench instead').choices(sinkKinds))
    .addOption(new Option('--repeats <n>', 'sink bench: measured exports each way').argParser(integer(1)).default(5))
    .addOption(new Option('--influxdb <url>', 'sink bench: InfluxDB 1.x URL').default('http://127.0.0.1:8086'))
    .addOption(new Option('--kafka <brokers>', 'sink bench: Kafka brokers host:port,…').default('127.0.0.1:9092'))
    .addOption(new Option('--json', 'print the report as one JSON object'))
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(run with --help for every flag and its valid form)');
}

export type BenchCommand =
  | { readonly kind: 'pipeline'; readonly options: PipelineBenchOptions; readonly json: boolean; readonly simHeapMiB: number }
  | {
      readonly kind: 'sink';
      readonly options: Parameters<typeof runSinkBench>[0];
      readonly json: boolean;
      readonly simHeapMiB: number;
    }
  | { readonly kind: 'exit'; readonly code: number };

/** Parses argv (without node and script; a leading `--` from `npm run bench --` is ignored). */
export function parseBenchArgs(argv: readonly string[], io: BenchIo): BenchCommand {
  const program = buildProgram(io);
  try {
    program.parse(argv[0] === '--' ? argv.slice(1) : [...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return { kind: 'exit', code: error.exitCode === 0 ? 0 : usageExitCode };
    throw error;
  }
  if (program.args.length > 0) {
    io.err(`error: unexpected argument ${JSON.stringify(program.args[0])}\n(run with --help for every flag and its valid form)\n`);
    return { kind: 'exit', code: usageExitCode };
  }
  const o = program.opts<RawOptions>();
  const json = o.json === true;
  if (o.sink !== undefined) {
    return {
      kind: 'sink',
      json,
      simHeapMiB: o.simHeap,
      options: {
        sink: o.sink,
        nodes: o.nodes,
        podsPerNode: o.podsPerNode,
        containersPerPod: o.containersPerPod,
        endpoint: o.endpoint,
        repeats: o.repeats,
        influxdbUrl: o.influxdb,
        kafkaBrokers: o.kafka.split(',').map((broker) => broker.trim()).filter((broker) => broker !== ''),
        seed: o.seed,
      },
    };
  }
  return {
    kind: 'pipeline',
    json,
    simHeapMiB: o.simHeap,
    options: {
      nodes: o.nodes,
      podsPerNode: o.podsPerNode,
      containersPerPod: o.containersPerPod,
      cycles: o.cycles,
      warmupCycles: o.warmup,
      endpoint: o.endpoint,
      discovery: o.discovery,
      resolutionMs: o.resolution,
      concurrency: o.concurrency,
      kubeletTimeoutMs: o.kubeletTimeout,
      floorRepeats: o.floorRepeats,
      seed: o.seed,
      counters: o.counters,
      memoryShortWindowMs: o.memoryWindow,
      scrapeTimeoutMs: o.scrapeTimeout,
    },
  };
}

/** Runs the bench; resolves with the exit code. `launchSim` defaults to the child-process sim. */
export async function runBenchCli(argv: readonly string[], io: BenchIo, launchSim?: SimLauncher): Promise<number> {
  const command = parseBenchArgs(argv, io);
  if (command.kind === 'exit') return command.code;
  const launcher = launchSim ?? childProcessSim({ maxOldSpaceMiB: command.simHeapMiB });
  try {
    if (command.kind === 'sink') {
      const report = await runSinkBench(command.options, launcher);
      io.out(command.json ? `${JSON.stringify(report)}\n` : renderSinkReport(report));
    } else {
      const report = await runPipelineBench(command.options, launcher);
      io.out(command.json ? `${JSON.stringify(report)}\n` : renderPipelineReport(report));
    }
    return 0;
  } catch (error) {
    io.err(`kubestats-bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}
