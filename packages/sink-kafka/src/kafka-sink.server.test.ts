/**
 * The Kafka sink against the real broker started by `scripts/services up`: a batch from a real kubelet summary
 * produced and consumed back byte for byte in Heapster's JSON, one pod per partition, gzip, and faults through a TCP
 * proxy in front of the bootstrap broker.
 */
import { countPoints, isPermanentError, parseOptions, silentLogger, systemClock, type DataBatch, type MetricValue } from '@kubestats/core';
import { RecordingLogger, sinkContract, summaryBatch, TcpProxy } from '@kubestats/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consume, createTopic, deleteTopics, kafkaBrokers, requireKafka } from './fixtures/kafka-server.js';
import { kafkaConfigSchema } from './kafka-options.js';
import { kafkaSinkFactory } from './kafka-sink-factory.js';
import type { KafkaSink } from './kafka-sink.js';

const topics: string[] = [];
const sinks: KafkaSink[] = [];
// The summary's own capture minute (2023-11-10T06:21:00Z).
const timestampMs = Date.UTC(2023, 10, 10, 6, 21, 0);

function makeSink(options: Record<string, unknown>, logger = silentLogger): KafkaSink {
  const parsed = parseOptions(kafkaConfigSchema, { brokers: kafkaBrokers, ...options });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const sink = kafkaSinkFactory.create({ config: parsed.config, target: undefined, logger, clock: systemClock, metadata: undefined });
  sinks.push(sink);
  return sink;
}

async function topic(label: string, partitions = 1): Promise<string> {
  const name = await createTopic(label, partitions);
  topics.push(name);
  return name;
}

/** Heapster's message for every point, built with JSON.stringify from the sets (not with the sink's own encoder). */
function expectedMessages(batch: DataBatch): string[] {
  const sorted = (labels: Record<string, string>): Record<string, string> =>
    Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
  const number = (value: MetricValue): number => Number(value.value);
  const out: string[] = [];
  for (const set of batch.metricSets.values()) {
    const points = [...set.metricValues].map(([name, value]) => ({ name, value, labels: set.labels }));
    points.push(...set.labeledMetrics.map((metric) => ({ name: metric.name, value: metric.value, labels: { ...set.labels, ...metric.labels } })));
    for (const point of points) {
      out.push(
        JSON.stringify({
          MetricsName: point.name,
          MetricsValue: { value: number(point.value) },
          MetricsTimestamp: '2023-11-10T06:21:00Z',
          MetricsTags: sorted(point.labels),
        }),
      );
    }
  }
  return out.sort();
}

beforeAll(async () => {
  await requireKafka();
});

afterAll(async () => {
  for (const sink of sinks) await sink.stop();
  await deleteTopics(topics);
});

describe('Kafka sink on the real broker', () => {
  it('produces the nri k8s-1.28 summary batch as Heapster JSON, read back byte for byte, one pod per partition', async () => {
    const name = await topic('shape', 4);
    const logger = new RecordingLogger();
    const sink = makeSink({ timeseriestopic: name, user: undefined }, logger);
    await sink.start(new AbortController().signal);
    expect(sink.health().ready).toBe(true);
    const batch = summaryBatch(timestampMs);
    const result = await sink.export(batch, new AbortController().signal);
    expect(result).toEqual({ pointsWritten: countPoints(batch), pointsRejected: 0, failures: [] });

    const consumed = await consume(name, countPoints(batch));
    expect(consumed.map((message) => message.value).sort()).toEqual(expectedMessages(batch));

    const partitionsByPod = new Map<string, Set<number>>();
    for (const message of consumed) {
      const tags = (JSON.parse(message.value) as { MetricsTags: Record<string, string> }).MetricsTags;
      const entity = tags.pod_name === undefined ? (tags.nodename ?? '') : `${tags.namespace_name ?? ''}/${tags.pod_name}`;
      expect(message.key).toBe(entity);
      partitionsByPod.set(entity, (partitionsByPod.get(entity) ?? new Set()).add(message.partition));
    }
    expect([...partitionsByPod.values()].every((partitions) => partitions.size === 1)).toBe(true);
    expect(new Set([...partitionsByPod.values()].flatMap((partitions) => [...partitions])).size).toBeGreaterThan(1);
  }, 60_000);

  it('gzip-compressed batches read back the same', async () => {
    const name = await topic('gzip');
    const sink = makeSink({ timeseriestopic: name, compression: 'gzip', batchSize: 50 });
    const batch = summaryBatch(timestampMs, 2);
    expect((await sink.export(batch, new AbortController().signal)).pointsWritten).toBe(countPoints(batch));
    expect((await consume(name, countPoints(batch))).map((message) => message.value).sort()).toEqual(expectedMessages(batch));
  }, 60_000);

  it('snappy without a registered codec is a config error naming the option', () => {
    expect(() => makeSink({ compression: 'snappy' })).toThrow(/compression: snappy needs a codec/);
  });
});

describe('Kafka sink faults (through a TCP proxy in front of the bootstrap broker)', () => {
  const [host = '127.0.0.1', port = '9092'] = (kafkaBrokers[0] ?? '').split(':');

  it('broker down at start: health says so, export rejects retryably, the password appears nowhere', async () => {
    const proxy = new TcpProxy({ host, port: Number(port) });
    await proxy.reservePortClosed();
    const name = await topic('down', 2);
    const sink = makeSink({ brokers: [proxy.address], timeseriestopic: name, password: 'kafka-secret-1', user: 'u', timeout: '2s' });
    await sink.start(new AbortController().signal);
    expect(sink.health()).toMatchObject({ ready: false });
    expect(sink.health().detail).toContain(proxy.address);
    const batch = summaryBatch(timestampMs, 1);
    const failed: unknown = await sink.export(batch, new AbortController().signal).catch((caught: unknown) => caught);
    expect(failed).toBeInstanceOf(Error);
    expect(isPermanentError(failed)).toBe(false);
    expect(String(failed)).not.toContain('kafka-secret-1');
    await proxy.close();
  }, 60_000);

  it('broker back up: the same batch is delivered once, nothing lost, nothing doubled', async () => {
    const proxy = new TcpProxy({ host, port: Number(port) });
    await proxy.reservePortClosed();
    const name = await topic('recover', 2);
    const sink = makeSink({ brokers: [proxy.address], timeseriestopic: name, timeout: '2s' });
    const batch = summaryBatch(timestampMs, 1);
    await expect(sink.export(batch, new AbortController().signal)).rejects.toThrow(proxy.address);
    await proxy.listen();
    expect((await sink.export(batch, new AbortController().signal)).pointsWritten).toBe(countPoints(batch));
    // One more marker batch: reading up to it proves no extra copy of the first batch arrived in between.
    const marker = summaryBatch(timestampMs + 60_000, 0);
    await sink.export(marker, new AbortController().signal);
    const consumed = await consume(name, countPoints(batch) + countPoints(marker));
    expect(consumed.filter((message) => message.value.includes('"2023-11-10T06:21:00Z"')).map((message) => message.value).sort()).toEqual(expectedMessages(batch));
    await proxy.close();
  }, 60_000);

  it('slow broker: export rejects with the abort reason as soon as the signal aborts', async () => {
    const proxy = new TcpProxy({ host, port: Number(port) });
    await proxy.listen();
    proxy.hold();
    const name = await topic('slow');
    const sink = makeSink({ brokers: [proxy.address], timeseriestopic: name });
    const controller = new AbortController();
    const outcome = sink.export(summaryBatch(timestampMs, 1), controller.signal).catch((caught: unknown) => caught);
    await proxy.heldTraffic();
    const reason = new Error('cycle deadline');
    controller.abort(reason);
    expect(await outcome).toBe(reason);
    await proxy.close();
  }, 30_000);
});

// Created once with its leader elected: a topic auto-created by the first produce answers NOT_LEADER_FOR_PARTITION
// until the controller has elected one, which a single contract export must not depend on.
let contractTopic: Promise<string> | undefined;

sinkContract({
  name: 'kafka sink (real broker)',
  create: async () => makeSink({ timeseriestopic: await (contractTopic ??= topic('contract')) }),
});
