/**
 * One sink scenario: the real pipeline with a counting source (a fixed set of pods per cycle, one timestamp per
 * cycle) and one real sink behind a TcpFaultProxy, driven cycle by cycle while the test applies faults. At the end it
 * flushes (pipeline.stop) and compares what was scraped with what the pipeline counted as written and dropped.
 */
import { countPoints, systemClock, type DataBatch, type Sink, type Source } from '@kubestats/core';
import { createPipeline, type Pipeline } from '@kubestats/pipeline';
import { buildBatch, podSet } from '@kubestats/testing';
import { captureLog, type CapturedLog } from '../matrix/log-capture.js';

export const scenarioResolutionMs = 10_000;

export interface ScenarioCounts {
  readonly scraped: number;
  readonly written: number;
  readonly dropped: number;
  readonly droppedByReason: Readonly<Record<string, number>>;
}

/** Pods whose sets carry two points each (cpu/usage_rate, memory/usage): 2 × pods points per cycle. */
export function countingSource(pods: number): Source & { readonly batches: DataBatch[] } {
  const batches: DataBatch[] = [];
  return {
    name: 'source/counting',
    batches,
    scrape: (window) => {
      const sets = Array.from({ length: pods }, (_, index) =>
        podSet({ namespace: 'reliability', pod: `pod-${index}`, node: 'node-0', metrics: { 'cpu/usage_rate': BigInt(index + 1), 'memory/usage': BigInt(1000 + index) } }),
      );
      const batch = buildBatch(window.endMs, sets);
      batches.push(batch);
      return Promise.resolve({ batch, failures: [], diagnostics: [] });
    },
  };
}

async function counterValues(registry: Pipeline['registry'], name: string): Promise<{ labels: Record<string, string | number>; value: number }[]> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return [];
  const data = await metric.get();
  return data.values.map((entry) => ({ labels: entry.labels as Record<string, string | number>, value: entry.value }));
}

export interface SinkScenario {
  readonly pipeline: Pipeline;
  readonly source: ReturnType<typeof countingSource>;
  readonly log: CapturedLog;
  /** Timestamp of cycle `index` (whole seconds, in the last hour so InfluxDB keeps it). */
  readonly firstTimestampMs: number;
  cycle(): Promise<void>;
  /** Resolves once the sink has written or dropped everything scraped so far (polls the counters; bounded). */
  drained(): Promise<void>;
  /** Flushes within the stop bound and returns scraped / written / dropped points, from the pipeline's counters. */
  finish(): Promise<ScenarioCounts>;
}

export function startSinkScenario(sink: Sink, options: { pods?: number; queueCapacity?: number; exportTimeoutMs?: number; maxAttempts?: number } = {}): SinkScenario {
  const source = countingSource(options.pods ?? 5);
  const log = captureLog();
  const pipeline = createPipeline({
    sources: [source],
    processors: [],
    sinks: [{ sink, queueCapacity: options.queueCapacity ?? 3, dropPolicy: 'drop-oldest', exportTimeoutMs: options.exportTimeoutMs ?? 3000 }],
    resolutionMs: scenarioResolutionMs,
    stopTimeoutMs: 20_000,
    retry: { initialBackoffMs: 50, maxBackoffMs: 200, maxAttempts: options.maxAttempts ?? 1000 },
    clock: systemClock,
    logger: log.logger,
  });
  const firstTimestampMs = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000;
  let cycles = 0;
  return {
    pipeline,
    source,
    log,
    firstTimestampMs,
    async cycle() {
      const endMs = firstTimestampMs + cycles * scenarioResolutionMs;
      cycles++;
      await pipeline.runOnce({ startMs: endMs - scenarioResolutionMs, endMs });
    },
    async drained() {
      const scraped = source.batches.reduce((sum, batch) => sum + countPoints(batch), 0);
      for (let attempt = 0; attempt < 500; attempt++) {
        const written = (await counterValues(pipeline.registry, 'kubestats_sink_points_written_total')).reduce((sum, entry) => sum + entry.value, 0);
        const dropped = (await counterValues(pipeline.registry, 'kubestats_sink_dropped_points_total')).reduce((sum, entry) => sum + entry.value, 0);
        if (written + dropped >= scraped) return;
        // Waiting on the sink's real socket I/O, not on time: a short poll, bounded at ~5 s.
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error('sink scenario: the sink did not drain within ~5 s');
    },
    async finish() {
      await pipeline.stop();
      const written = (await counterValues(pipeline.registry, 'kubestats_sink_points_written_total')).reduce((sum, entry) => sum + entry.value, 0);
      const droppedEntries = await counterValues(pipeline.registry, 'kubestats_sink_dropped_points_total');
      const droppedByReason: Record<string, number> = {};
      for (const entry of droppedEntries) droppedByReason[String(entry.labels.reason)] = (droppedByReason[String(entry.labels.reason)] ?? 0) + entry.value;
      return {
        scraped: source.batches.reduce((sum, batch) => sum + countPoints(batch), 0),
        written,
        dropped: droppedEntries.reduce((sum, entry) => sum + entry.value, 0),
        droppedByReason,
      };
    },
  };
}
