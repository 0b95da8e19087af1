/**
 * The `kubelet-sim` command line: parses flags with commander (bad flags exit 2 with what is wrong and the
 * valid form), starts the simulated cluster, prints the apiserver URL and the kubelet ports, and stops on
 * SIGINT/SIGTERM. The process-facing parts (output, exit, signals) are injected so tests drive it in-process.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { COUNTER_STARTS, DEFAULT_BIG_COUNTER_FRACTION, type CounterStart } from './counter-history.js';
import { parseQuirks, QUIRK_KINDS, type QuirkSpec } from './quirk-spec.js';
import { startSimulatedCluster, type SimClusterOptions, type SimulatedCluster } from './simulated-cluster.js';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export interface CliRun {
  readonly kind: 'run';
  readonly options: SimClusterOptions;
  readonly json: boolean;
}

export type CliParse = CliRun | { readonly kind: 'exit'; readonly code: number };

export const USAGE_EXIT_CODE = 2;

function integer(min: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min) throw new InvalidArgumentError(`expected an integer >= ${min}, got ${JSON.stringify(value)}`);
    return Number(value);
  };
}

function fraction(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !(parsed >= 0 && parsed <= 1)) throw new InvalidArgumentError(`expected a number from 0 to 1, got ${JSON.stringify(value)}`);
  return parsed;
}

function quirkList(value: string, previous: QuirkSpec[] | undefined): QuirkSpec[] {
  try {
    return [...(previous ?? []), ...parseQuirks(value)];
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function buildProgram(io: CliIo): Command {
  return new Command('kubelet-sim')
    .description('A simulated Kubernetes cluster over real HTTP: a minimal apiserver and one kubelet per node, with a deterministic workload and opt-in quirks.')
    .addOption(new Option('--nodes <n>', 'number of nodes (one kubelet port each)').argParser(integer(1)).default(3))
    .addOption(new Option('--pods-per-node <n>', 'pods on each node').argParser(integer(0)).default(10))
    .addOption(new Option('--containers-per-pod <n>', 'containers in each pod').argParser(integer(1)).default(2))
    .addOption(new Option('--seed <n>', 'workload seed: the same seed serves the same cluster').argParser(integer(0)).default(1))
    .addOption(new Option('--namespaces <n>', 'namespaces the pods spread over').argParser(integer(1)).default(3))
    .addOption(
      new Option('--quirks <list>', `comma-separated kind[=value][:target], repeatable; kinds: ${QUIRK_KINDS.join(', ')}; target: a node, namespace/pod, or a share (0.2 or 20%)`).argParser(quirkList),
    )
    .addOption(new Option('--host <ip>', 'address every server listens on').default('127.0.0.1'))
    .addOption(new Option('--port <n>', 'apiserver port (0 = any free port)').argParser(integer(0)).default(0))
    .addOption(new Option('--kubelet-base-port <n>', 'first kubelet port, node i gets base+i (0 = any free ports)').argParser(integer(0)).default(0))
    .addOption(new Option('--churn-interval <ms>', 'every ms: delete a pod, add a pod, restart a container (seeded)').argParser(integer(1)))
    .addOption(new Option('--counters <start>', 'CPU history the counters start with: small, or realistic (node counters ~1e15-5e15, some pods above 2^53) (default: small)').choices(COUNTER_STARTS))
    .addOption(new Option('--big-counter-fraction <f>', `realistic counters: share of nodes with one pod above 2^53 (default: ${DEFAULT_BIG_COUNTER_FRACTION})`).argParser(fraction))
    .addOption(new Option('--json', 'print the endpoints as one JSON line instead of a table'))
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(run kubelet-sim --help for every flag and its valid form)');
}

interface RawOptions {
  nodes: number;
  podsPerNode: number;
  containersPerPod: number;
  seed: number;
  namespaces: number;
  quirks?: QuirkSpec[];
  host: string;
  port: number;
  kubeletBasePort: number;
  churnInterval?: number;
  counters?: CounterStart;
  bigCounterFraction?: number;
  json?: boolean;
}

/** Parses argv (without node and script); help/version/usage errors come back as an exit code. */
export function parseCli(argv: readonly string[], io: CliIo): CliParse {
  const program = buildProgram(io);
  try {
    program.parse([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      return { kind: 'exit', code: err.exitCode === 0 ? 0 : USAGE_EXIT_CODE };
    }
    throw err;
  }
  const o = program.opts<RawOptions>();
  return {
    kind: 'run',
    json: o.json === true,
    options: {
      nodes: o.nodes,
      podsPerNode: o.podsPerNode,
      containersPerPod: o.containersPerPod,
      seed: o.seed,
      namespaces: o.namespaces,
      quirks: o.quirks ?? [],
      host: o.host,
      apiServerPort: o.port,
      kubeletBasePort: o.kubeletBasePort,
      ...(o.churnInterval === undefined ? {} : { churn: { intervalMs: o.churnInterval } }),
      ...(o.counters === undefined ? {} : { counters: o.counters }),
      ...(o.bigCounterFraction === undefined ? {} : { bigCounterFraction: o.bigCounterFraction }),
    },
  };
}

function describeQuirk(q: QuirkSpec): string {
  const target = q.node ?? q.pod ?? (q.fraction === undefined ? 'all' : `${q.fraction * 100}%`);
  const value = q.delayMs ?? q.bytes ?? q.shape;
  return `${q.kind}${value === undefined ? '' : `=${value}`}:${target}`;
}

export function describeCluster(cluster: SimulatedCluster, run: CliRun): string {
  if (run.json) {
    return `${JSON.stringify({ apiServerUrl: cluster.apiServerUrl, kubelets: cluster.kubelets, quirks: cluster.quirks })}\n`;
  }
  const pods = cluster.truth.listPods();
  const containers = pods.reduce((n, p) => n + p.containers.length, 0);
  const lines = [
    `kubelet-sim: ${cluster.kubelets.length} nodes, ${pods.length} pods, ${containers} containers (seed ${run.options.seed ?? 1})`,
    `apiserver: ${cluster.apiServerUrl}`,
    'kubelets (node  host:port):',
    ...cluster.kubelets.map((k) => `  ${k.nodeName}  ${k.host}:${k.port}`),
    `quirks: ${cluster.quirks.length === 0 ? 'none' : cluster.quirks.map(describeQuirk).join(', ')}`,
    'Ctrl-C to stop',
  ];
  return `${lines.join('\n')}\n`;
}

export interface CliProcess {
  readonly io: CliIo;
  exit(code: number): void;
  /** Registers the stop handler for SIGINT/SIGTERM. */
  onSignal(handler: (signal: string) => void): void;
}

/** Runs the CLI: returns the running cluster (undefined when it exited early). */
export async function runCli(argv: readonly string[], proc: CliProcess): Promise<SimulatedCluster | undefined> {
  const parsed = parseCli(argv, proc.io);
  if (parsed.kind === 'exit') {
    proc.exit(parsed.code);
    return undefined;
  }
  let cluster: SimulatedCluster;
  try {
    cluster = await startSimulatedCluster(parsed.options);
  } catch (err) {
    proc.io.err(`kubelet-sim: cannot start: ${(err as Error).message}\n`);
    proc.exit(1);
    return undefined;
  }
  proc.io.out(describeCluster(cluster, parsed));
  proc.onSignal((signal) => {
    proc.io.err(`kubelet-sim: ${signal}, stopping\n`);
    cluster.stop().then(
      () => proc.exit(0),
      (err: unknown) => {
        proc.io.err(`kubelet-sim: stop failed: ${(err as Error).message}\n`);
        proc.exit(1);
      },
    );
  });
  return cluster;
}
