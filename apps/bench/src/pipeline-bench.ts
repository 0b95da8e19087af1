/**
 * The pipeline benchmark: a simulated fleet through the real kubestats pipeline, K cycles back to back, measured
 * from the kubestats process alone. Each cycle advances the bench clock by one resolution (so rates cover 15 s, as
 * in production), runs `runOnce()`, and waits for the memory sink's export of that cycle's batch. After the
 * measured cycles come the memory figures and the parse floor of the same bodies.
 */
import { cpus } from 'node:os';
import { countPoints } from '@kubestats/core';
import type { CounterStart } from 'kubelet-sim';
import { OffsetClock } from './bench-clock.js';
import { elapsedSince, sampleNow, type Sample } from './cpu-time.js';
import {
  composeKubestatsUnderTest,
  type BenchEndpoint,
  type Discovery,
} from './kubestats-under-test.js';
import { fetchBodies, measureParseFloor, type ParseFloor } from './parse-floor.js';
import type { SimLauncher } from './sim-launcher.js';
import { median, percentile } from './statistics.js';

export interface PipelineBenchOptions {
  readonly nodes: number;
  readonly podsPerNode: number;
  readonly containersPerPod: number;
  /** Measured cycles. */
  readonly cycles: number;
  /** Cycles run first and not measured (JIT, connection pools, rate state, memory sink fill). */
  readonly warmupCycles: number;
  readonly endpoint: BenchEndpoint;
  readonly discovery: Discovery;
  readonly resolutionMs: number;
  readonly concurrency: number;
  readonly kubeletTimeoutMs: number;
  /** Parse passes over the bodies for the floor (median taken). */
  readonly floorRepeats: number;
  readonly seed: number;
  /**
   * kubelet-sim's counter history: `realistic` (node counters ~1–5e15, 16 digits, and 5 % of nodes with a pod above
   * 2^53, as on a long-lived cluster) or `small` (every counter below 10^15, the sim's own default).
   */
  readonly counters: CounterStart;
  /** The pipeline's scrape deadline; undefined keeps its default (half the resolution, at most 20 s). */
  readonly scrapeTimeoutMs?: number | undefined;
  /** The memory sink's short window; undefined keeps its default (140 s, about ten 15 s batches). */
  readonly memoryShortWindowMs?: number | undefined;
}

export const defaultPipelineBenchOptions: PipelineBenchOptions = {
  nodes: 100,
  podsPerNode: 30,
  containersPerPod: 2,
  cycles: 5,
  // Ten cycles fill the memory sink's 140 s short window at 15 s, so memory is read at steady state.
  warmupCycles: 10,
  endpoint: 'summary',
  discovery: 'apiserver',
  resolutionMs: 15_000,
  concurrency: 20,
  kubeletTimeoutMs: 10_000,
  floorRepeats: 3,
  seed: 1,
  // Real kubelets serve 16-digit CPU counters after about a day of uptime; the decoder's cost depends on it.
  counters: 'realistic',
};

export interface StageFigure {
  /** `scrape`, `process/<processor name>`, `export`. */
  readonly stage: string;
  readonly cpuMs: number;
  readonly wallMs: number;
  /** Share of the cycle's CPU. */
  readonly cpuShare: number;
}

export interface CycleFigure {
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly metricSets: number;
  readonly points: number;
  readonly failures: number;
  readonly diagnostics: number;
  readonly stages: Readonly<Record<string, Sample>>;
}

export interface MemoryFigure {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  readonly externalBytes: number;
}

export interface TargetCheck {
  readonly name: string;
  readonly target: string;
  readonly actual: number;
  readonly limit: number;
  readonly met: boolean;
  /** actual ÷ limit: below 1 is headroom, above 1 is how far it is missed. */
  readonly ratio: number;
}

export interface PipelineBenchReport {
  readonly kind: 'pipeline';
  readonly options: PipelineBenchOptions;
  readonly machine: { readonly cores: number; readonly cpuModel: string; readonly node: string; readonly platform: string };
  readonly fleet: { readonly nodes: number; readonly pods: number; readonly containers: number };
  readonly sim: { readonly placement: string; readonly cpuMsPerCycle: number | undefined; readonly rssBytes: number | undefined };
  readonly startupMs: number;
  readonly cycles: readonly CycleFigure[];
  readonly cpu: {
    readonly msPerCycle: number;
    readonly msPerNodePerCycle: number;
    /** CPU ms per node per cycle ÷ 15 (s): metrics-server's "millicores per node" at a 15 s resolution. */
    readonly millicoresPerNode: number;
    readonly millicoresTotal: number;
  };
  readonly wall: { readonly p50Ms: number; readonly p95Ms: number; readonly maxMs: number };
  readonly stages: readonly StageFigure[];
  readonly memory: {
    readonly baseline: MemoryFigure;
    readonly afterWarmup: MemoryFigure;
    readonly afterRun: MemoryFigure;
    /** Whether a full GC ran before each reading (node --expose-gc). */
    readonly gcBeforeReading: boolean;
    readonly rssPerNodeMiB: number;
    readonly rssPer1000PodsMiB: number;
    readonly heapPerNodeMiB: number;
    /** (RSS after run − RSS before composing kubestats) per node: the part that grows with the fleet. */
    readonly marginalRssPerNodeMiB: number;
  };
  readonly floor: ParseFloor & { readonly ratio: number };
  readonly targets: readonly TargetCheck[];
  /** Measured cycles that had source or processor failures (their figures are not like the others'). */
  readonly failedCycles: number;
}

const mib = 1024 * 1024;

function readMemory(): { figure: MemoryFigure; gc: boolean } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const usage = process.memoryUsage();
  return {
    figure: { rssBytes: usage.rss, heapUsedBytes: usage.heapUsed, heapTotalBytes: usage.heapTotal, externalBytes: usage.external },
    gc: gc !== undefined,
  };
}

function check(name: string, target: string, actual: number, limit: number): TargetCheck {
  return { name, target, actual, limit, met: actual <= limit, ratio: actual / limit };
}

function checkOptions(options: PipelineBenchOptions): void {
  const problems = Object.entries({
    nodes: [options.nodes, 1],
    podsPerNode: [options.podsPerNode, 0],
    containersPerPod: [options.containersPerPod, 1],
    cycles: [options.cycles, 1],
    warmupCycles: [options.warmupCycles, 0],
    resolutionMs: [options.resolutionMs, 1000],
    concurrency: [options.concurrency, 1],
    floorRepeats: [options.floorRepeats, 1],
  } as const)
    .filter(([, [value, min]]) => !Number.isInteger(value) || value < min)
    .map(([name, [value, min]]) => `${name}: must be an integer >= ${min}, got ${value}`);
  if (problems.length > 0) throw new Error(`bench options: ${problems.join('; ')}`);
}

export async function runPipelineBench(options: PipelineBenchOptions, launchSim: SimLauncher): Promise<PipelineBenchReport> {
  checkOptions(options);
  const clock = new OffsetClock();
  const sim = await launchSim(
    { nodes: options.nodes, podsPerNode: options.podsPerNode, containersPerPod: options.containersPerPod, seed: options.seed, counters: options.counters },
    clock,
  );
  try {
    const baseline = readMemory();
    const startup = sampleNow();
    const kubestats = composeKubestatsUnderTest({
      endpoint: options.endpoint,
      discovery: options.discovery,
      apiServerUrl: sim.apiServerUrl,
      kubelets: sim.kubelets,
      resolutionMs: options.resolutionMs,
      concurrency: options.concurrency,
      kubeletTimeoutMs: options.kubeletTimeoutMs,
      memoryShortWindowMs: options.memoryShortWindowMs,
      scrapeTimeoutMs: options.scrapeTimeoutMs,
      clock,
    });
    try {
      await kubestats.start();
      const startupMs = elapsedSince(startup).wallMs;

      const runCycle = async (): Promise<CycleFigure> => {
        clock.startCycle(options.resolutionMs);
        await sim.syncClock(clock.offsetMs);
        kubestats.ledger.take();
        const exported = kubestats.sink.nextExport();
        const start = sampleNow();
        const report = await kubestats.pipeline.runOnce();
        await exported;
        const total = elapsedSince(start);
        return {
          cpuMs: total.cpuMs,
          wallMs: total.wallMs,
          metricSets: report.batch.metricSets.size,
          points: countPoints(report.batch),
          failures: report.failures.length,
          diagnostics: report.diagnostics.length,
          stages: Object.fromEntries(kubestats.ledger.take()),
        };
      };

      for (let cycle = 0; cycle < options.warmupCycles; cycle += 1) await runCycle();
      const afterWarmup = readMemory();
      const simBefore = await sim.usage();
      const cycles: CycleFigure[] = [];
      for (let cycle = 0; cycle < options.cycles; cycle += 1) cycles.push(await runCycle());
      const simAfter = await sim.usage();
      const afterRun = readMemory();

      const bodies = await fetchBodies(sim.kubelets, options.endpoint, options.concurrency);
      const floor = measureParseFloor(bodies, options.endpoint, options.floorRepeats);
      return summarise({
        options,
        sim: {
          placement: sim.placement,
          cpuMsPerCycle: simBefore && simAfter ? (simAfter.cpuMs - simBefore.cpuMs) / options.cycles : undefined,
          rssBytes: simAfter?.rssBytes,
        },
        startupMs,
        cycles,
        memory: { baseline: baseline.figure, afterWarmup: afterWarmup.figure, afterRun: afterRun.figure, gc: afterRun.gc },
        floor,
      });
    } finally {
      await kubestats.stop();
    }
  } finally {
    await sim.stop();
  }
}

interface Measurements {
  readonly options: PipelineBenchOptions;
  readonly sim: PipelineBenchReport['sim'];
  readonly startupMs: number;
  readonly cycles: readonly CycleFigure[];
  readonly memory: { readonly baseline: MemoryFigure; readonly afterWarmup: MemoryFigure; readonly afterRun: MemoryFigure; readonly gc: boolean };
  readonly floor: ParseFloor;
}

/** Medians over the measured cycles, per-node figures and the target checks. */
export function summarise(measurements: Measurements): PipelineBenchReport {
  const { options, cycles: allCycles, memory, floor } = measurements;
  // A cycle with failures (a scrape abandoned at the deadline, a processor skipped) did less work: the medians use
  // the clean cycles, all of them only when none is clean (the warning in the report says so).
  const clean = allCycles.filter((cycle) => cycle.failures === 0);
  const cycles = clean.length > 0 ? clean : allCycles;
  const pods = options.nodes * options.podsPerNode;
  // The metrics-server-equivalent figure is defined at a 15 s resolution, whatever --resolution the run used.
  const resolutionS = 15;
  const msPerCycle = median(cycles.map((cycle) => cycle.cpuMs));
  const msPerNodePerCycle = msPerCycle / options.nodes;
  const millicoresPerNode = msPerNodePerCycle / resolutionS;
  const wallSamples = cycles.map((cycle) => cycle.wallMs);
  const stageNames = [...new Set(cycles.flatMap((cycle) => Object.keys(cycle.stages)))];
  const stages = stageNames.map((stage): StageFigure => {
    const cpuMs = median(cycles.map((cycle) => cycle.stages[stage]?.cpuMs ?? 0));
    return { stage, cpuMs, wallMs: median(cycles.map((cycle) => cycle.stages[stage]?.wallMs ?? 0)), cpuShare: cpuMs / msPerCycle };
  });
  const rssPerNodeMiB = memory.afterRun.rssBytes / mib / options.nodes;
  const ratio = msPerCycle / floor.parseCpuMs;
  const wall = { p50Ms: percentile(wallSamples, 50), p95Ms: percentile(wallSamples, 95), maxMs: Math.max(...wallSamples) };
  // "Well inside the resolution": within the default scrape deadline, half the 15 s resolution.
  const wallLimitMs = 7500;
  return {
    kind: 'pipeline',
    options,
    machine: { cores: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform}-${process.arch}` },
    fleet: { nodes: options.nodes, pods, containers: pods * options.containersPerPod },
    sim: measurements.sim,
    startupMs: measurements.startupMs,
    cycles: allCycles,
    cpu: { msPerCycle, msPerNodePerCycle, millicoresPerNode, millicoresTotal: msPerCycle / resolutionS },
    wall,
    stages,
    memory: {
      baseline: memory.baseline,
      afterWarmup: memory.afterWarmup,
      afterRun: memory.afterRun,
      gcBeforeReading: memory.gc,
      rssPerNodeMiB,
      rssPer1000PodsMiB: pods === 0 ? Number.NaN : (memory.afterRun.rssBytes / mib / pods) * 1000,
      heapPerNodeMiB: memory.afterRun.heapUsedBytes / mib / options.nodes,
      marginalRssPerNodeMiB: (memory.afterRun.rssBytes - memory.baseline.rssBytes) / mib / options.nodes,
    },
    floor: { ...floor, ratio },
    failedCycles: allCycles.length - clean.length,
    targets: [
      check('cycle wall p95', `<= ${wallLimitMs} ms (half the resolution)`, wall.p95Ms, wallLimitMs),
      check('CPU per node', '<= 0.1 millicore', millicoresPerNode, 0.1),
      check('RSS per node', '<= 0.5 MiB', rssPerNodeMiB, 0.5),
      check('floor ratio', '<= 2', ratio, 2),
    ],
  };
}
