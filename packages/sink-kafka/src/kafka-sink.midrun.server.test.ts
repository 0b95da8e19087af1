/**
 * Mid-run faults of the Kafka sink on the real broker (scripts/services up), injected under every broker connection
 * with KafkaFaultInjector: the broker stopped after the producer connected (connections cut and refused), dying with a
 * produce request in flight, and stalling. A TCP proxy in front of the bootstrap address cannot do this, because after
 * metadata kafkajs dials the broker's advertised listener directly.
 */
import { countPoints, isPermanentError, parseOptions, silentLogger, systemClock, type DataBatch } from '@kubestats/core';
import { summaryBatch, TcpProxy } from '@kubestats/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consume, createTopic, deleteTopics, kafkaBrokers, requireKafka, topicMessageCount } from './fixtures/kafka-server.js';
import { KafkaFaultInjector } from './kafka-fault-injector.js';
import { kafkaConfigSchema } from './kafka-options.js';
import { createKafkaSink } from './kafka-sink-factory.js';
import type { KafkaSink } from './kafka-sink.js';

const topics: string[] = [];
const sinks: KafkaSink[] = [];
// The summary's own capture minute (2023-11-10T06:21:00Z); each batch of a test gets its own minute after it.
const baseMs = Date.UTC(2023, 10, 10, 6, 21, 0);
const minute = (index: number): string => new Date(baseMs + index * 60_000).toISOString().replace('.000Z', 'Z');

async function setup(label: string, brokers = kafkaBrokers): Promise<{ sink: KafkaSink; injector: KafkaFaultInjector; topic: string }> {
  const topic = await createTopic(label, 2);
  topics.push(topic);
  const parsed = parseOptions(kafkaConfigSchema, { brokers, timeseriestopic: topic, timeout: '2s' });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const injector = new KafkaFaultInjector();
  const sink = createKafkaSink(
    { config: parsed.config, target: undefined, logger: silentLogger, clock: systemClock, metadata: undefined },
    { socketFactory: injector.socketFactory },
  );
  sinks.push(sink);
  return { sink, injector, topic };
}

const batchAt = (index: number): DataBatch => summaryBatch(baseMs + index * 60_000, 1);
const live = (): AbortSignal => new AbortController().signal;

/** Messages per MetricsTimestamp among everything in the topic (consumed back, so every copy counts). */
async function messagesPerMinute(topic: string): Promise<Map<string, number>> {
  const total = await topicMessageCount(topic);
  const counts = new Map<string, number>();
  for (const message of await consume(topic, total)) {
    const stamp = (JSON.parse(message.value) as { MetricsTimestamp: string }).MetricsTimestamp;
    counts.set(stamp, (counts.get(stamp) ?? 0) + 1);
  }
  return counts;
}

beforeAll(async () => {
  await requireKafka();
});

afterAll(async () => {
  for (const sink of sinks) await sink.stop();
  await deleteTopics(topics);
});

describe('Kafka sink, broker faults mid-run (every connection through KafkaFaultInjector)', () => {
  it('broker stopped after the producer connected: exports reject retryably with the reason; back up: the batch lands exactly once', async () => {
    // Bootstrap through a proxy, so the advertised listener is a different address: both must come through the injector.
    const [host = '127.0.0.1', port = '9092'] = (kafkaBrokers[0] ?? '').split(':');
    const proxy = new TcpProxy({ host, port: Number(port) });
    await proxy.listen();
    const { sink, injector, topic } = await setup('midrun-stop', [proxy.address]);
    const first = batchAt(0);
    expect((await sink.export(first, live())).pointsWritten).toBe(countPoints(first));
    expect(new Set(injector.connectionTargets)).toEqual(new Set([proxy.address, `${host}:${port}`]));
    expect(injector.openConnections).toBeGreaterThanOrEqual(1);

    injector.stopBroker();
    const second = batchAt(1);
    for (let attempt = 0; attempt < 2; attempt++) {
      const failed: unknown = await sink.export(second, live()).catch((caught: unknown) => caught);
      expect(failed).toBeInstanceOf(Error);
      expect(isPermanentError(failed)).toBe(false);
      expect(String(failed)).toContain(`kafka ${proxy.address}: produce ${countPoints(second)} messages to ${topic}`);
      expect(String(failed)).toMatch(/Connection error: (connect ECONNREFUSED|read ECONNRESET)/);
    }
    expect(sink.health().ready).toBe(false);
    expect(sink.health().detail).toMatch(/Connection error: (connect ECONNREFUSED|read ECONNRESET)/);
    expect(injector.connectionsRefused).toBeGreaterThan(0);

    injector.startBroker();
    expect(await sink.export(second, live())).toEqual({ pointsWritten: countPoints(second), pointsRejected: 0, failures: [] });
    expect(sink.health().ready).toBe(true);
    const counts = await messagesPerMinute(topic);
    expect(Object.fromEntries(counts)).toEqual({ [minute(0)]: countPoints(first), [minute(1)]: countPoints(second) });
    await proxy.close();
  }, 20_000);

  it('broker dies with a produce request in flight: the export rejects, the retry delivers the batch exactly once', async () => {
    const { sink, injector, topic } = await setup('midrun-inflight');
    await sink.export(batchAt(0), live());
    injector.hold();
    const batch = batchAt(1);
    const outcome = sink.export(batch, live()).catch((caught: unknown) => caught);
    await injector.heldWrite(1);
    injector.stopBroker();
    const failed = await outcome;
    expect(isPermanentError(failed)).toBe(false);
    expect(String(failed)).toMatch(/Connection error: (connect ECONNREFUSED|read ECONNRESET)/);
    injector.release();
    injector.startBroker();
    expect((await sink.export(batch, live())).pointsWritten).toBe(countPoints(batch));
    const counts = await messagesPerMinute(topic);
    expect(counts.get(minute(1))).toBe(countPoints(batch));
    expect(await topicMessageCount(topic)).toBe(countPoints(batchAt(0)) + countPoints(batch));
  }, 20_000);

  it('stalled broker on an established connection: export rejects with the abort reason at once, and recovers after', async () => {
    const { sink, injector, topic } = await setup('midrun-slow');
    await sink.export(batchAt(0), live());
    injector.hold();
    const controller = new AbortController();
    const outcome = sink.export(batchAt(1), controller.signal).catch((caught: unknown) => caught);
    await injector.heldWrite(1);
    const reason = new Error('export deadline');
    controller.abort(reason);
    expect(await outcome).toBe(reason);

    // The stall ends: the aborted request was already handed to kafkajs and may still land (at least once), and the
    // next batch goes through on the same producer.
    injector.release();
    const next = batchAt(2);
    expect((await sink.export(next, live())).pointsWritten).toBe(countPoints(next));
    expect((await messagesPerMinute(topic)).get(minute(2))).toBe(countPoints(next));
  }, 20_000);
});
