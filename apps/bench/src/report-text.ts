/** Human-readable rendering of a pipeline bench report (the `--json` flag prints the report object instead). */
import type { PipelineBenchReport } from './pipeline-bench.js';

const mib = 1024 * 1024;

function fixed(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

export function renderPipelineReport(report: PipelineBenchReport): string {
  const { options, fleet, cpu, wall, memory, floor } = report;
  const lines = [
    `kubestats bench: ${fleet.nodes} nodes × ${options.podsPerNode} pods × ${options.containersPerPod} containers ` +
      `(${fleet.pods} pods, ${fleet.containers} containers), endpoint ${options.endpoint}, discovery ${options.discovery}, ` +
      `resolution ${options.resolutionMs / 1000} s, concurrency ${options.concurrency}, ${options.counters} counters` +
      `${options.memoryShortWindowMs === undefined ? '' : `, memory sink window ${options.memoryShortWindowMs / 1000} s`}`,
    `machine: ${report.machine.cores} cores (${report.machine.cpuModel}), Node ${report.machine.node}, ${report.machine.platform}`,
    `sim: ${report.sim.placement}${report.sim.cpuMsPerCycle === undefined ? '' : `, ${fixed(report.sim.cpuMsPerCycle, 0)} ms CPU per cycle (not counted)`}` +
      `${report.sim.rssBytes === undefined ? '' : `, RSS ${fixed(report.sim.rssBytes / mib, 0)} MiB`}`,
    `startup (metadata sync): ${fixed(report.startupMs, 0)} ms; cycles: ${options.warmupCycles} warm-up + ${options.cycles} measured`,
    '',
    `CPU per cycle (median):        ${fixed(cpu.msPerCycle, 1)} ms`,
    `CPU per node per cycle:        ${fixed(cpu.msPerNodePerCycle, 4)} ms`,
    `millicores per node @ 15 s:   ${fixed(cpu.millicoresPerNode, 4)} m  (total ${fixed(cpu.millicoresTotal, 1)} m)`,
    `wall per cycle:                p50 ${fixed(wall.p50Ms, 0)} ms, p95 ${fixed(wall.p95Ms, 0)} ms, max ${fixed(wall.maxMs, 0)} ms`,
    `RSS after run:                 ${fixed(memory.afterRun.rssBytes / mib, 1)} MiB (${fixed(memory.rssPerNodeMiB, 3)} MiB/node, ` +
      `${fixed(memory.rssPer1000PodsMiB, 2)} MiB/1000 pods, marginal ${fixed(memory.marginalRssPerNodeMiB, 3)} MiB/node)`,
    `heap used after run:           ${fixed(memory.afterRun.heapUsedBytes / mib, 1)} MiB (${fixed(memory.heapPerNodeMiB, 3)} MiB/node); ` +
      `after warm-up RSS ${fixed(memory.afterWarmup.rssBytes / mib, 1)} MiB; baseline RSS ${fixed(memory.baseline.rssBytes / mib, 1)} MiB` +
      `${memory.gcBeforeReading ? ' (after full GC)' : ' (no --expose-gc: readings include garbage)'}`,
    `floor: ${floor.parser} of ${floor.bodies} bodies, ${fixed(floor.bytes / mib, 1)} MiB: ${fixed(floor.parseCpuMs, 1)} ms ` +
      `(UTF-8 decode ${fixed(floor.utf8DecodeCpuMs, 1)} ms, not in the floor) → floor ratio ${fixed(floor.ratio, 2)}`,
    '',
    'stage                              CPU ms   wall ms   share',
    ...report.stages.map(
      (stage) => `${stage.stage.padEnd(32)} ${fixed(stage.cpuMs, 1).padStart(8)} ${fixed(stage.wallMs, 1).padStart(9)} ${`${fixed(stage.cpuShare * 100, 1)}%`.padStart(7)}`,
    ),
    '',
    'per cycle: CPU ms / wall ms / metric sets / points / failures / diagnostics',
    ...report.cycles.map(
      (cycle, index) =>
        `  #${index + 1}: ${fixed(cycle.cpuMs, 1)} / ${fixed(cycle.wallMs, 1)} / ${cycle.metricSets} / ${cycle.points} / ${cycle.failures} / ${cycle.diagnostics}`,
    ),
    ...(report.failedCycles > 0
      ? ['', `WARNING: ${report.failedCycles} of ${report.cycles.length} measured cycles had failures (e.g. the scrape deadline) and are left out of the medians` +
            `${report.failedCycles === report.cycles.length ? ' - except that no cycle was clean, so the medians use them all' : ''}`]
      : []),
    '',
    'targets:',
    ...report.targets.map(
      (target) => `  ${target.met ? 'met   ' : 'MISSED'} ${target.name} ${target.target}: ${fixed(target.actual, 4)} (${fixed(target.ratio * 100, 0)}% of the limit)`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
