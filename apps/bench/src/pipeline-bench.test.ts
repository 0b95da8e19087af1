import { processorFactories } from 'kubestats';
import { describe, expect, it } from 'vitest';
import { heapsterProcessorOrder } from './kubestats-under-test.js';
import { defaultPipelineBenchOptions, runPipelineBench } from './pipeline-bench.js';
import { renderPipelineReport } from './report-text.js';
import { inProcessSim } from './sim-launcher.js';

const small = { ...defaultPipelineBenchOptions, nodes: 3, podsPerNode: 2, containersPerPod: 2, cycles: 2, warmupCycles: 1, floorRepeats: 1 };

describe('runPipelineBench', () => {
  it('runs 3 nodes × 2 cycles through the pipeline and reports sane fields', async () => {
    const report = await runPipelineBench(small, inProcessSim);

    expect(report.fleet).toEqual({ nodes: 3, pods: 6, containers: 12 });
    expect(report.sim.placement).toBe('in-process');
    expect(report.cycles).toHaveLength(2);
    for (const cycle of report.cycles) {
      expect(cycle.failures).toBe(0);
      // 3 nodes + 6 pods + 12 containers + system containers + namespaces + cluster, at least.
      expect(cycle.metricSets).toBeGreaterThanOrEqual(3 + 6 + 12 + 1);
      expect(cycle.points).toBeGreaterThan(cycle.metricSets);
      expect(cycle.cpuMs).toBeGreaterThan(0);
      expect(Object.keys(cycle.stages)).toEqual(expect.arrayContaining(['scrape', 'export']));
    }
    expect(report.stages.map((stage) => stage.stage)).toEqual(expect.arrayContaining(['scrape', 'export']));
    expect(report.stages.filter((stage) => stage.stage.startsWith('process/'))).toHaveLength(heapsterProcessorOrder.length);
    expect(report.cpu.msPerNodePerCycle).toBeCloseTo(report.cpu.msPerCycle / 3, 10);
    expect(report.cpu.millicoresPerNode).toBeCloseTo(report.cpu.msPerNodePerCycle / 15, 10);
    expect(report.wall.p95Ms).toBeGreaterThanOrEqual(report.wall.p50Ms);
    expect(report.memory.afterRun.rssBytes).toBeGreaterThan(0);
    expect(report.memory.rssPerNodeMiB).toBeCloseTo(report.memory.afterRun.rssBytes / 1024 / 1024 / 3, 10);
    expect(report.floor).toMatchObject({ parser: 'JSON.parse', bodies: 3, repeats: 1 });
    expect(report.floor.bytes).toBeGreaterThan(1000);
    expect(report.floor.ratio).toBeCloseTo(report.cpu.msPerCycle / report.floor.parseCpuMs, 10);
    expect(report.targets.map((target) => target.name)).toEqual(['cycle wall p95', 'CPU per node', 'RSS per node', 'floor ratio']);
    expect(renderPipelineReport(report)).toContain('floor ratio');
  }, 60_000);

  it('measures the resource endpoint against the Prometheus text parse', async () => {
    const report = await runPipelineBench({ ...small, endpoint: 'resource', discovery: 'static', cycles: 1 }, inProcessSim);
    expect(report.floor.parser).toBe('parse-prometheus-text-format');
    expect(report.cycles[0]?.failures).toBe(0);
    expect(report.cycles[0]?.metricSets).toBeGreaterThan(0);
  }, 60_000);

  it('rejects impossible options naming each one', async () => {
    await expect(runPipelineBench({ ...small, nodes: 0, cycles: 0 }, inProcessSim)).rejects.toThrow(/nodes: .*>= 1.*cycles: .*>= 1/);
  });
});

describe('heapsterProcessorOrder', () => {
  it('is the app’s processor chain, in the same order', () => {
    expect(heapsterProcessorOrder.map((factory) => factory.type)).toEqual(processorFactories.map((factory) => factory.type));
  });
});
