/**
 * The sink throughput bench: points per CPU second into the real InfluxDB or Kafka (`scripts/services up`), through
 * the kubestats sink and through the raw client (`influx` writePoints, kafkajs sendBatch) writing the same points in
 * the same chunk sizes, so the sink's own overhead shows as a ratio. The batch is a real one: a simulated fleet
 * scraped and processed by the pipeline (two cycles, so rates are in it).
 */
import {
  metricValueAsNumber,
  parseOptions,
  silentLogger,
  type DataBatch,
  type Sink,
} from '@kubestats/core';
import { influxdbConfigSchema, influxdbSinkFactory } from '@kubestats/sink-influxdb';
import { kafkaConfigSchema, kafkaSinkFactory, toKafkaMessages } from '@kubestats/sink-kafka';
import { InfluxDB, type IPoint } from 'influx';
import { Kafka, logLevel } from 'kafkajs';
import { OffsetClock } from './bench-clock.js';
import { elapsedSince, sampleNow } from './cpu-time.js';
import { composeKubestatsUnderTest, type BenchEndpoint } from './kubestats-under-test.js';
import type { SimLauncher } from './sim-launcher.js';
import { median } from './statistics.js';

export type SinkKind = 'influxdb' | 'kafka';
export const sinkKinds: readonly SinkKind[] = ['influxdb', 'kafka'];

export interface SinkBenchOptions {
  readonly sink: SinkKind;
  readonly nodes: number;
  readonly podsPerNode: number;
  readonly containersPerPod: number;
  readonly endpoint: BenchEndpoint;
  /** Measured exports of the batch, each way. */
  readonly repeats: number;
  readonly influxdbUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly seed: number;
}

export interface WriterFigure {
  readonly points: number;
  /** Medians over the repeats. */
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly pointsPerCpuSecond: number;
  readonly pointsPerWallSecond: number;
}

export interface SinkBenchReport {
  readonly kind: 'sink';
  readonly options: SinkBenchOptions;
  readonly batch: { readonly metricSets: number; readonly points: number };
  readonly sink: WriterFigure;
  readonly raw: WriterFigure & { readonly client: string };
  /** Raw points per CPU second ÷ sink points per CPU second: 1 means no overhead, 2 means the sink costs double. */
  readonly overheadRatio: number;
}

const benchDatabase = 'kubestats_bench';
const rawDatabase = 'kubestats_bench_raw';
const benchTopic = 'kubestats-bench';
const rawTopic = 'kubestats-bench-raw';

/** A real processed batch: two cycles of the pipeline over the simulated fleet, the second one's output. */
export async function simulatedBatch(options: SinkBenchOptions, launchSim: SimLauncher): Promise<DataBatch> {
  const clock = new OffsetClock();
  const sim = await launchSim(
    { nodes: options.nodes, podsPerNode: options.podsPerNode, containersPerPod: options.containersPerPod, seed: options.seed },
    clock,
  );
  try {
    const kubestats = composeKubestatsUnderTest({
      endpoint: options.endpoint,
      discovery: 'apiserver',
      apiServerUrl: sim.apiServerUrl,
      kubelets: sim.kubelets,
      resolutionMs: 15_000,
      concurrency: 20,
      kubeletTimeoutMs: 10_000,
      clock,
    });
    try {
      await kubestats.start();
      let batch: DataBatch | undefined;
      for (let cycle = 0; cycle < 2; cycle += 1) {
        clock.startCycle(15_000);
        await sim.syncClock(clock.offsetMs);
        batch = (await kubestats.pipeline.runOnce()).batch;
      }
      if (!batch) throw new Error('sink bench: the pipeline produced no batch');
      return batch;
    } finally {
      await kubestats.stop();
    }
  } finally {
    await sim.stop();
  }
}

async function measureWrites(repeats: number, points: number, write: (index: number) => Promise<void>): Promise<WriterFigure> {
  await write(-1); // Warm-up: connections, JIT, topic metadata.
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let index = 0; index < repeats; index += 1) {
    const start = sampleNow();
    await write(index);
    const elapsed = elapsedSince(start);
    cpu.push(elapsed.cpuMs);
    wall.push(elapsed.wallMs);
  }
  const cpuMs = median(cpu);
  const wallMs = median(wall);
  return { points, cpuMs, wallMs, pointsPerCpuSecond: (points / cpuMs) * 1000, pointsPerWallSecond: (points / wallMs) * 1000 };
}

/** Each repeat writes the batch at a new timestamp, so InfluxDB stores new points rather than overwriting. */
function shifted(batch: DataBatch, index: number): DataBatch {
  return { ...batch, timestampMs: batch.timestampMs + (index + 1) * 1000 };
}

async function measureSink(sink: Sink, batch: DataBatch, repeats: number): Promise<WriterFigure> {
  const signal = new AbortController().signal;
  await sink.start?.(signal);
  try {
    let written = 0;
    const figure = await measureWrites(repeats, 0, async (index) => {
      const result = await sink.export(shifted(batch, index), signal);
      if (result.failures.length > 0) throw new Error(`sink bench: ${sink.name} failed: ${result.failures[0]?.detail ?? ''}`);
      written = result.pointsWritten;
    });
    return { ...figure, points: written, pointsPerCpuSecond: (written / figure.cpuMs) * 1000, pointsPerWallSecond: (written / figure.wallMs) * 1000 };
  } finally {
    await sink.stop?.();
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/** The batch as the points a user of the raw `influx` client would write: measurement = metric, tags = labels. */
function influxPoints(batch: DataBatch): IPoint[] {
  const points: IPoint[] = [];
  for (const set of batch.metricSets.values()) {
    const tags = Object.fromEntries(Object.entries(set.labels).filter(([, value]) => value !== ''));
    for (const [name, value] of set.metricValues) {
      points.push({ measurement: name, tags, fields: { value: metricValueAsNumber(value) }, timestamp: batch.timestampMs });
    }
    for (const labeled of set.labeledMetrics) {
      points.push({
        measurement: labeled.name,
        tags: { ...tags, ...Object.fromEntries(Object.entries(labeled.labels).filter(([, value]) => value !== '')) },
        fields: { value: metricValueAsNumber(labeled.value) },
        timestamp: batch.timestampMs,
      });
    }
  }
  return points;
}

async function influxdbFigures(options: SinkBenchOptions, batch: DataBatch): Promise<Pick<SinkBenchReport, 'sink' | 'raw'>> {
  const parsed = parseOptions(influxdbConfigSchema, { db: benchDatabase });
  if (!parsed.ok) throw new Error(`sink bench: influxdb options: ${JSON.stringify(parsed.problems)}`);
  const sink = influxdbSinkFactory.create({ config: parsed.config, target: options.influxdbUrl, logger: silentLogger, clock: new OffsetClock(), metadata: undefined });
  const sinkFigure = await measureSink(sink, batch, options.repeats);

  const url = new URL(options.influxdbUrl);
  const client = new InfluxDB({ host: url.hostname, port: Number(url.port || 8086), database: rawDatabase });
  await client.createDatabase(rawDatabase);
  const points = influxPoints(batch);
  const rawFigure = await measureWrites(options.repeats, points.length, async (index) => {
    const offsetMs = (index + 1) * 1000;
    for (const chunk of chunks(points, parsed.config.batchSize)) {
      await client.writePoints(
        chunk.map((point) => ({ ...point, timestamp: Number(point.timestamp) + offsetMs })),
        { precision: 'ms' },
      );
    }
  });
  return { sink: sinkFigure, raw: { ...rawFigure, client: 'influx writePoints' } };
}

async function kafkaFigures(options: SinkBenchOptions, batch: DataBatch): Promise<Pick<SinkBenchReport, 'sink' | 'raw'>> {
  const parsed = parseOptions(kafkaConfigSchema, { brokers: [...options.kafkaBrokers], timeseriestopic: benchTopic });
  if (!parsed.ok) throw new Error(`sink bench: kafka options: ${JSON.stringify(parsed.problems)}`);
  const sink = kafkaSinkFactory.create({ config: parsed.config, target: undefined, logger: silentLogger, clock: new OffsetClock(), metadata: undefined });
  const sinkFigure = await measureSink(sink, batch, options.repeats);

  const messages = toKafkaMessages(batch, { partitionKey: parsed.config.partitionKey, maxMessageBytes: parsed.config.maxMessageBytes }).messages.map(
    (message) => ({ key: message.key, value: message.value }),
  );
  const kafka = new Kafka({ clientId: 'kubestats-bench-raw', brokers: [...options.kafkaBrokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: rawTopic }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  // Same delivery guarantee as the sink's default acks=all (idempotent producer).
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const rawFigure = await measureWrites(options.repeats, messages.length, async () => {
      for (const chunk of chunks(messages, parsed.config.batchSize)) {
        await producer.sendBatch({ topicMessages: [{ topic: rawTopic, messages: chunk }], acks: -1 });
      }
    });
    return { sink: sinkFigure, raw: { ...rawFigure, client: 'kafkajs sendBatch' } };
  } finally {
    await producer.disconnect();
  }
}

export async function runSinkBench(options: SinkBenchOptions, launchSim: SimLauncher): Promise<SinkBenchReport> {
  if (!Number.isInteger(options.repeats) || options.repeats < 1) throw new Error(`bench options: repeats: must be an integer >= 1, got ${options.repeats}`);
  const batch = await simulatedBatch(options, launchSim);
  const figures = options.sink === 'influxdb' ? await influxdbFigures(options, batch) : await kafkaFigures(options, batch);
  let points = 0;
  for (const set of batch.metricSets.values()) points += set.metricValues.size + set.labeledMetrics.length;
  return {
    kind: 'sink',
    options,
    batch: { metricSets: batch.metricSets.size, points },
    ...figures,
    overheadRatio: figures.raw.pointsPerCpuSecond / figures.sink.pointsPerCpuSecond,
  };
}

export function renderSinkReport(report: SinkBenchReport): string {
  const row = (label: string, figure: WriterFigure): string =>
    `${label.padEnd(22)} ${String(figure.points).padStart(8)} points  CPU ${figure.cpuMs.toFixed(1).padStart(8)} ms  wall ${figure.wallMs.toFixed(1).padStart(8)} ms  ` +
    `${Math.round(figure.pointsPerCpuSecond).toLocaleString('en-US')} points/CPU-s  ${Math.round(figure.pointsPerWallSecond).toLocaleString('en-US')} points/s`;
  return [
    `kubestats sink bench: ${report.options.sink}, batch of ${report.batch.points} points in ${report.batch.metricSets} metric sets ` +
      `(${report.options.nodes} nodes × ${report.options.podsPerNode} pods × ${report.options.containersPerPod} containers), median of ${report.options.repeats}`,
    row(`sink/${report.options.sink}`, report.sink),
    row(report.raw.client, report.raw),
    `overhead ratio (raw points/CPU-s ÷ sink points/CPU-s): ${report.overheadRatio.toFixed(2)}`,
    '',
  ].join('\n');
}
