/**
 * Kafka sink scenarios on the real broker (scripts/services up) with a TCP proxy in front of the bootstrap address:
 * down at start within and beyond the queue bound, and a broker rejecting every message (topic max.message.bytes).
 * What landed is read from the topic's offsets. The broker advertises its own address after bootstrap, so a proxy
 * cannot cut an established producer; killed mid-run and slow are covered by matrix/kafka-midrun.fault.test.ts,
 * which routes every broker connection through the sink's fault-injecting socket factory.
 */
import { parseOptions, silentLogger, systemClock } from '@kubestats/core';
import { kafkaConfigSchema, kafkaSinkFactory } from '@kubestats/sink-kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaTestBroker } from './kafka-test-broker.js';
import { startSinkScenario, type ScenarioCounts } from './sink-scenario.js';
import { TcpFaultProxy } from './tcp-fault-proxy.js';

const broker = kafkaTestBroker('kubestats-reliability');
const results: Record<string, ScenarioCounts & { landed: number }> = {};

beforeAll(async () => {
  await broker.connect();
});

afterAll(async () => {
  for (const [scenario, counts] of Object.entries(results)) console.log(`kafka scorecard: ${scenario}: ${JSON.stringify(counts)}`);
  await broker.close();
});

function kafkaSink(proxy: TcpFaultProxy, topic: string) {
  const parsed = parseOptions(kafkaConfigSchema, { brokers: [proxy.address], timeseriestopic: topic, timeout: '2s' });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return kafkaSinkFactory.create({ config: parsed.config, target: undefined, logger: silentLogger, clock: systemClock, metadata: undefined });
}

describe('Kafka sink on the real broker, bootstrap through a TCP proxy', () => {
  it('down at start, within the queue bound → zero points lost once it is up', async () => {
    const proxy = new TcpFaultProxy(broker.host, broker.port);
    await proxy.reserveDown();
    const topic = await broker.createTopic('down-within');
    const scenario = startSinkScenario(kafkaSink(proxy, topic), { queueCapacity: 3, exportTimeoutMs: 5000 });
    for (let cycle = 0; cycle < 3; cycle++) await scenario.cycle();
    await proxy.up();
    const counts = await scenario.finish();
    const landed = await broker.messageCount(topic);
    results['down at start (3 cycles, queue 3)'] = { ...counts, landed };
    expect(counts).toMatchObject({ scraped: 30, written: 30, dropped: 0 });
    expect(landed).toBe(30);
    await proxy.down();
  });

  it('down at start, beyond the queue bound → exactly the counted drops are missing', async () => {
    const proxy = new TcpFaultProxy(broker.host, broker.port);
    await proxy.reserveDown();
    const topic = await broker.createTopic('down-beyond');
    const scenario = startSinkScenario(kafkaSink(proxy, topic), { queueCapacity: 3, exportTimeoutMs: 5000 });
    for (let cycle = 0; cycle < 8; cycle++) await scenario.cycle();
    await proxy.up();
    const counts = await scenario.finish();
    const landed = await broker.messageCount(topic);
    results['down at start (8 cycles, queue 3)'] = { ...counts, landed };
    expect(counts.dropped).toBeGreaterThan(0);
    expect(counts.droppedByReason['sink-queue-overflow']).toBe(counts.dropped);
    expect(counts.written + counts.dropped).toBe(counts.scraped);
    expect(landed).toBe(counts.written);
    await proxy.down();
  });

  it('broker rejecting every message (max.message.bytes) → all counted as sink-rejected, nothing lands', async () => {
    const proxy = new TcpFaultProxy(broker.host, broker.port);
    await proxy.up();
    const topic = await broker.createTopic('rejecting', 1, [{ name: 'max.message.bytes', value: '64' }]);
    const scenario = startSinkScenario(kafkaSink(proxy, topic), { queueCapacity: 3, exportTimeoutMs: 5000 });
    for (let cycle = 0; cycle < 2; cycle++) await scenario.cycle();
    const counts = await scenario.finish();
    const landed = await broker.messageCount(topic);
    results['rejecting every message'] = { ...counts, landed };
    expect(counts.scraped).toBe(20);
    expect(counts.written).toBe(0);
    expect(counts.dropped).toBe(20);
    expect(landed).toBe(0);
    await proxy.down();
  });
});
