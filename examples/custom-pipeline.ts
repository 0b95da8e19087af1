/**
 * A custom pipeline composed in code, without the bundled app: scrape a fixed list of kubelets' /stats/summary,
 * compute rates, roll containers up into pods, and export to the memory sink plus a sink written right here.
 * Run it against any kubelets you can reach, e.g. `node --import tsx examples/custom-pipeline.ts`, or see
 * custom-pipeline.test.ts, which runs it against kubelet-sim.
 */
import {
  EntityTypes,
  LabelKeys,
  Metrics,
  resolvePluginConfig,
  silentLogger,
  systemClock,
  type DataBatch,
  type ExportResult,
  type Logger,
  type Sink,
} from '@kubestats/core';
import { createPipeline, type Pipeline } from '@kubestats/pipeline';
import { podAggregatorFactory } from '@kubestats/processor-aggregate';
import { rateProcessorFactory } from '@kubestats/processor-rate';
import { memorySinkFactory, type MemorySink } from '@kubestats/sink-memory';
import { summarySourceFactory } from '@kubestats/source-kubelet';

/** A sink of our own: remembers the busiest pods of the latest batch. Writing one is this much code. */
export class BusiestPodsSink implements Sink {
  readonly name = 'sink/busiest-pods';
  busiest: { pod: string; cpuMillicores: number }[] = [];

  constructor(private readonly limit: number) {}

  export(batch: DataBatch, signal: AbortSignal): Promise<ExportResult> {
    signal.throwIfAborted();
    const pods: { pod: string; cpuMillicores: number }[] = [];
    for (const set of batch.metricSets.values()) {
      const cpu = set.metricValues.get(Metrics.cpuUsageRate.name);
      if (set.labels[LabelKeys.type] !== EntityTypes.pod || cpu?.kind !== 'int') continue;
      pods.push({ pod: `${set.labels[LabelKeys.namespaceName]}/${set.labels[LabelKeys.podName]}`, cpuMillicores: Number(cpu.value) });
    }
    this.busiest = pods.sort((a, b) => b.cpuMillicores - a.cpuMillicores).slice(0, this.limit);
    return Promise.resolve({ pointsWritten: this.busiest.length, pointsRejected: 0, failures: [] });
  }
}

export interface CustomPipeline {
  readonly pipeline: Pipeline;
  readonly memory: MemorySink;
  readonly busiest: BusiestPodsSink;
}

/** Composes the pipeline; `kubelets` are `host:port` of kubelets serving plain HTTP. */
export function composeCustomPipeline(kubelets: readonly string[], resolutionMs: number, logger: Logger = silentLogger): CustomPipeline {
  const services = { logger, clock: systemClock, metadata: undefined };
  // Plugins are configured exactly as on the command line: a Heapster-style URI validated against their schema.
  const source = summarySourceFactory.create({
    ...resolvePluginConfig(summarySourceFactory, `kubernetes.summary_api:?inClusterConfig=false&kubelets=${kubelets.join(',')}`),
    ...services,
  });
  const rate = rateProcessorFactory.create({ ...resolvePluginConfig(rateProcessorFactory, 'rate'), ...services });
  const podAggregator = podAggregatorFactory.create({ ...resolvePluginConfig(podAggregatorFactory, 'pod_aggregator'), ...services });
  const memory = memorySinkFactory.create({ ...resolvePluginConfig(memorySinkFactory, 'memory'), ...services });
  const busiest = new BusiestPodsSink(3);
  const pipeline = createPipeline({
    sources: [source],
    processors: [rate, podAggregator],
    sinks: [{ sink: memory }, { sink: busiest }],
    resolutionMs,
    logger,
  });
  return { pipeline, memory, busiest };
}
