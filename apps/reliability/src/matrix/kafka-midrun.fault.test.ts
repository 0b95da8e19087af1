/**
 * Kafka mid-run rows of the reliability scorecard: the real pipeline with a counting source exporting to the real
 * broker (scripts/services up) and to a recording sink beside it. Every Kafka connection, bootstrap and advertised,
 * goes through the sink's KafkaFaultInjector, so the broker can be stopped or stalled after the producer connected
 * (a TCP proxy in front of the bootstrap address cannot: the client then talks to the advertised listener).
 * Counts come from the pipeline's self-metrics and health, and from the topic itself (offsets, then consumed back).
 */
import { countPoints, parseOptions, systemClock, type DataBatch, type ExportResult, type Sink } from '@kubestats/core';
import { createPipeline, type Pipeline, type SinkHealth } from '@kubestats/pipeline';
import { createKafkaSink, kafkaConfigSchema, KafkaFaultInjector } from '@kubestats/sink-kafka';
import { flushMicrotasks, RecordingSink } from '@kubestats/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaTestBroker } from '../sinks/kafka-test-broker.js';
import { countingSource } from '../sinks/sink-scenario.js';
import { captureLog } from './log-capture.js';

const broker = kafkaTestBroker('kubestats-reliability-midrun');
const resolutionMs = 10_000;
const pods = 5;
const pointsPerCycle = 2 * pods;
const results: Record<string, Record<string, unknown>> = {};

beforeAll(async () => {
  await broker.connect();
});

afterAll(async () => {
  for (const [row, counts] of Object.entries(results)) console.log(`kafka mid-run scorecard: ${row}: ${JSON.stringify(counts)}`);
  await broker.close();
});

/** Every message in the topic, counted from its offsets (every copy counts) and consumed back, per MetricsTimestamp. */
async function landed(topic: string): Promise<{ total: number; perTimestamp: Map<string, number> }> {
  const total = await broker.messageCount(topic);
  const perTimestamp = new Map<string, number>();
  if (total === 0) return { total, perTimestamp };
  const consumer = broker.kafka.consumer({ groupId: `${topic}-reader` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let read = 0;
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: ({ message }) => {
            const stamp = (JSON.parse(message.value?.toString('utf8') ?? '{}') as { MetricsTimestamp?: string }).MetricsTimestamp ?? '';
            perTimestamp.set(stamp, (perTimestamp.get(stamp) ?? 0) + 1);
            if (++read >= total) resolve();
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return { total, perTimestamp };
}

/** The Kafka sink as the pipeline sees it, telling the test when each export settles (no polling, no sleeps). */
class ObservedSink implements Sink {
  readonly name: string;
  settled = 0;
  readonly #inner: Sink;
  #waiters: { readonly count: number; readonly resolve: () => void }[] = [];

  constructor(inner: Sink) {
    this.#inner = inner;
    this.name = inner.name;
  }

  /** Resolves once `count` exports have settled (succeeded or failed) in total. */
  async exportsSettled(count: number): Promise<void> {
    if (this.settled >= count) return;
    await new Promise<void>((resolve) => this.#waiters.push({ count, resolve }));
  }

  start(signal: AbortSignal): Promise<void> {
    return this.#inner.start?.(signal) ?? Promise.resolve();
  }

  stop(): Promise<void> {
    return this.#inner.stop?.() ?? Promise.resolve();
  }

  health(): { ready: boolean; detail: string } {
    return this.#inner.health?.() ?? { ready: true, detail: 'ok' };
  }

  async export(batch: DataBatch, signal: AbortSignal): Promise<ExportResult> {
    try {
      return await this.#inner.export(batch, signal);
    } finally {
      this.settled++;
      const ready = this.#waiters.filter((waiter) => this.settled >= waiter.count);
      this.#waiters = this.#waiters.filter((waiter) => this.settled < waiter.count);
      for (const waiter of ready) waiter.resolve();
    }
  }
}

interface Rig {
  readonly pipeline: Pipeline;
  readonly injector: KafkaFaultInjector;
  readonly kafkaSink: ObservedSink;
  readonly recording: RecordingSink;
  readonly source: ReturnType<typeof countingSource>;
  /** RFC 3339 timestamp of cycle `index`, as the Kafka messages carry it. */
  stamp(index: number): string;
  /** Runs the next cycle; resolves once the recording sink has that cycle's batch. */
  cycle(): Promise<void>;
  sinkHealth(name: string): SinkHealth;
  counter(metric: string, sink: string): Promise<Record<string, number>>;
}

function startRig(topic: string, options: { queueCapacity: number; exportTimeoutMs: number; kafkaTimeout: string }): Rig {
  const parsed = parseOptions(kafkaConfigSchema, { brokers: [broker.address], timeseriestopic: topic, timeout: options.kafkaTimeout });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const log = captureLog('warn');
  const injector = new KafkaFaultInjector();
  const kafkaSink = new ObservedSink(
    createKafkaSink({ config: parsed.config, target: undefined, logger: log.logger, clock: systemClock, metadata: undefined }, { socketFactory: injector.socketFactory }),
  );
  const recording = new RecordingSink('sink/recording');
  const source = countingSource(pods);
  const pipeline = createPipeline({
    sources: [source],
    processors: [],
    sinks: [
      { sink: kafkaSink, queueCapacity: options.queueCapacity, dropPolicy: 'drop-oldest', exportTimeoutMs: options.exportTimeoutMs },
      { sink: recording, queueCapacity: options.queueCapacity, dropPolicy: 'drop-oldest' },
    ],
    resolutionMs,
    stopTimeoutMs: 15_000,
    retry: { initialBackoffMs: 50, maxBackoffMs: 200, maxAttempts: 1000 },
    clock: systemClock,
    logger: log.logger,
  });
  // Whole minutes half an hour ago, so every cycle has its own, distinct timestamp.
  const firstEndMs = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000;
  let cycles = 0;
  return {
    pipeline,
    injector,
    kafkaSink,
    recording,
    source,
    stamp: (index) => new Date(firstEndMs + index * resolutionMs).toISOString().replace('.000Z', 'Z'),
    async cycle() {
      const endMs = firstEndMs + cycles * resolutionMs;
      cycles++;
      await pipeline.runOnce({ startMs: endMs - resolutionMs, endMs });
      await recording.waitForExports(cycles);
    },
    sinkHealth(name) {
      const health = pipeline.health().sinks.find((sink) => sink.name === name);
      if (!health) throw new Error(`no sink named ${name} in ${pipeline.health().sinks.map((sink) => sink.name).join(', ')}`);
      return health;
    },
    async counter(metric, sink) {
      const values = (await pipeline.registry.getSingleMetric(metric)?.get())?.values ?? [];
      const byReason: Record<string, number> = {};
      for (const entry of values) {
        if (entry.labels.sink !== sink) continue;
        const reason = String(entry.labels.reason ?? 'total');
        byReason[reason] = (byReason[reason] ?? 0) + entry.value;
      }
      return byReason;
    },
  };
}

const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((total, value) => total + value, 0);

describe('Kafka mid-run faults through the pipeline (real broker, every connection through KafkaFaultInjector)', () => {
  it('Kafka stopped mid-run for longer than the queue holds: landed + counted dropped = scraped exactly; the other sink gets every batch', async () => {
    const topic = await broker.createTopic('midrun-stop', 2);
    const rig = startRig(topic, { queueCapacity: 3, exportTimeoutMs: 5000, kafkaTimeout: '2s' });
    const kafkaName = rig.kafkaSink.name;

    for (let index = 0; index < 3; index++) {
      await rig.cycle();
      await rig.kafkaSink.exportsSettled(index + 1);
    }
    // The queue books the result a few promise turns after the export settles.
    await flushMicrotasks();
    expect(rig.sinkHealth(kafkaName)).toMatchObject({ ready: true, queueDepth: 0, droppedPoints: 0 });

    rig.injector.stopBroker();
    const downCycles = 8;
    for (let index = 0; index < downCycles; index++) {
      await rig.cycle();
      // On time: the recording sink has this cycle's batch before the next cycle, while Kafka's queue is stuck.
      expect(rig.recording.exported).toHaveLength(3 + index + 1);
      expect(rig.sinkHealth('sink/recording')).toMatchObject({ queueDepth: 0, droppedPoints: 0 });
    }
    // The first export after the stop and two retries have failed (the cycles themselves never wait for Kafka).
    await rig.kafkaSink.exportsSettled(3 + 3);
    const down = rig.sinkHealth(kafkaName);
    expect(down.ready).toBe(false);
    expect(down.detail).toMatch(/ECONNREFUSED|ECONNRESET/);
    expect(down.queueDepth).toBe(3 + 1);
    expect(down.droppedPoints).toBe((downCycles - 4) * pointsPerCycle);

    rig.injector.startBroker();
    await rig.pipeline.stop();
    const scraped = rig.source.batches.reduce((total, batch) => total + countPoints(batch), 0);
    const written = sum(await rig.counter('kubestats_sink_points_written_total', kafkaName));
    const dropped = await rig.counter('kubestats_sink_dropped_points_total', kafkaName);
    const retries = sum(await rig.counter('kubestats_sink_retries_total', kafkaName));
    const inTopic = await landed(topic);
    results['stopped mid-run (3 up, 8 down, queue 3)'] = { scraped, written, dropped, landed: inTopic.total, retries, refused: rig.injector.connectionsRefused };

    expect(scraped).toBe(11 * pointsPerCycle);
    expect(retries).toBeGreaterThanOrEqual(3);
    expect(dropped).toEqual({ 'sink-queue-overflow': 4 * pointsPerCycle });
    expect(rig.sinkHealth(kafkaName).droppedPoints).toBe(sum(dropped));
    expect(inTopic.total).toBe(written);
    expect(inTopic.total + sum(dropped)).toBe(scraped);
    // Which batches: the 3 before, the one in export when it stopped, the 3 newest waiting; each exactly once.
    const kept = [0, 1, 2, 3, 8, 9, 10];
    expect(Object.fromEntries(inTopic.perTimestamp)).toEqual(Object.fromEntries(kept.map((index) => [rig.stamp(index), pointsPerCycle])));
    expect(rig.recording.exported).toHaveLength(11);
    expect(sum(await rig.counter('kubestats_sink_points_written_total', 'sink/recording'))).toBe(scraped);
    expect(await rig.counter('kubestats_sink_dropped_points_total', 'sink/recording')).toEqual({});
  }, 20_000);

  it('Kafka stalled (requests held) across cycles: the other sink gets every batch on time; Kafka catches up, nothing lost or doubled', async () => {
    const topic = await broker.createTopic('midrun-slow', 2);
    const rig = startRig(topic, { queueCapacity: 3, exportTimeoutMs: 10_000, kafkaTimeout: '10s' });
    const kafkaName = rig.kafkaSink.name;

    await rig.cycle();
    await rig.kafkaSink.exportsSettled(1);
    rig.injector.hold();
    await rig.cycle();
    await rig.injector.heldWrite(1);
    for (let index = 0; index < 3; index++) {
      await rig.cycle();
      expect(rig.recording.exported).toHaveLength(3 + index);
      expect(rig.sinkHealth('sink/recording')).toMatchObject({ queueDepth: 0, droppedPoints: 0 });
    }
    expect(rig.kafkaSink.settled).toBe(1);
    expect(rig.sinkHealth(kafkaName)).toMatchObject({ queueDepth: 4, droppedPoints: 0 });

    rig.injector.release();
    await rig.pipeline.stop();
    const scraped = rig.source.batches.reduce((total, batch) => total + countPoints(batch), 0);
    const written = sum(await rig.counter('kubestats_sink_points_written_total', kafkaName));
    const dropped = await rig.counter('kubestats_sink_dropped_points_total', kafkaName);
    const inTopic = await landed(topic);
    results['stalled for 4 cycles (queue 3)'] = { scraped, written, dropped, landed: inTopic.total, heldWrites: rig.injector.heldWrites };

    expect(scraped).toBe(5 * pointsPerCycle);
    expect(written).toBe(scraped);
    expect(dropped).toEqual({});
    expect(inTopic.total).toBe(scraped);
    expect(Object.fromEntries(inTopic.perTimestamp)).toEqual(Object.fromEntries([0, 1, 2, 3, 4].map((index) => [rig.stamp(index), pointsPerCycle])));
    expect(sum(await rig.counter('kubestats_sink_points_written_total', 'sink/recording'))).toBe(scraped);
  }, 20_000);
});
