/**
 * Delivery semantics of the Kafka sink with a scripted connection (no broker): chunking by count and bytes, in-order
 * sends, resuming a retried batch without producing acknowledged chunks twice, permanent vs retryable errors, health.
 */
import { isPermanentError, parseOptions, silentLogger } from '@kubestats/core';
import { buildBatch, nodeSet } from '@kubestats/testing';
import { describe, expect, it } from 'vitest';
import { classifyKafkaError, KafkaSinkError, type KafkaConnection, type KafkaErrorKind, type OutgoingMessage } from './kafka-client.js';
import { kafkaConfigSchema } from './kafka-options.js';
import { chunkMessages, KafkaSink } from './kafka-sink.js';

class ScriptedConnection implements KafkaConnection {
  readonly address = 'broker.test:9092';
  readonly sends: (readonly OutgoingMessage[])[] = [];
  connectError: Error | undefined;
  failOn: ((call: number) => Error | undefined) | undefined;
  disconnects = 0;

  connect(): Promise<void> {
    return this.connectError ? Promise.reject(this.connectError) : Promise.resolve();
  }

  send(_topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    this.sends.push(messages);
    const failure = this.failOn?.(this.sends.length);
    return failure ? Promise.reject(failure) : Promise.resolve();
  }

  disconnect(): Promise<void> {
    this.disconnects++;
    return Promise.resolve();
  }
}

function sinkWith(connection: KafkaConnection, options: Record<string, unknown> = {}): KafkaSink {
  const parsed = parseOptions(kafkaConfigSchema, { brokers: ['broker.test:9092'], ...options });
  if (!parsed.ok) throw new Error('bad options');
  return new KafkaSink({ config: parsed.config, connection, logger: silentLogger });
}

const batch = buildBatch(1_700_000_000_000, [nodeSet({ node: 'n1', metrics: { uptime: 1n, 'cpu/usage_rate': 2n, 'memory/usage': 3n, 'memory/rss': 4n, 'cpu/request': 5n } })]);
const signal = new AbortController().signal;
const failure = (kind: KafkaErrorKind): KafkaSinkError => new KafkaSinkError(`kafka test: ${kind}`, kind);

describe('KafkaSink delivery', () => {
  it('sends batchSize-message chunks in order and counts every point', async () => {
    const connection = new ScriptedConnection();
    const result = await sinkWith(connection, { batchSize: 2 }).export(batch, signal);
    expect(connection.sends.map((messages) => messages.length)).toEqual([2, 2, 1]);
    expect(connection.sends.flat().map((message) => JSON.parse(message.value) as { MetricsName: string }).map((point) => point.MetricsName)).toEqual([
      'uptime',
      'cpu/usage_rate',
      'memory/usage',
      'memory/rss',
      'cpu/request',
    ]);
    expect(result).toEqual({ pointsWritten: 5, pointsRejected: 0, failures: [] });
  });

  it('a retried batch resumes after the acknowledged chunks: nothing produced twice', async () => {
    const connection = new ScriptedConnection();
    connection.failOn = (call) => (call === 2 ? failure('unavailable') : undefined);
    const sink = sinkWith(connection, { batchSize: 2 });
    await expect(sink.export(batch, signal)).rejects.toThrow('kafka test: unavailable');
    expect(sink.health()).toEqual({ ready: false, detail: 'kafka test: unavailable' });
    connection.failOn = undefined;
    expect(await sink.export(batch, signal)).toEqual({ pointsWritten: 5, pointsRejected: 0, failures: [] });
    // chunk 1 once, chunk 2 failed then sent, chunk 3 once.
    expect(connection.sends.map((messages) => messages.length)).toEqual([2, 2, 2, 1]);
  });

  it('a chunk the broker rejects for good is counted and the rest still goes out', async () => {
    const connection = new ScriptedConnection();
    connection.failOn = (call) => (call === 1 ? failure('rejected') : undefined);
    const result = await sinkWith(connection, { batchSize: 2 }).export(batch, signal);
    expect([result.pointsWritten, result.pointsRejected, result.failures.map((item) => item.reason)]).toEqual([3, 2, ['sink-rejected']]);
  });

  it('refused credentials and all-rejected batches are PermanentErrors', async () => {
    const refused = new ScriptedConnection();
    refused.failOn = () => failure('unauthorized');
    expect(isPermanentError(await sinkWith(refused).export(batch, signal).catch((caught: unknown) => caught))).toBe(true);
    const rejecting = new ScriptedConnection();
    rejecting.failOn = () => failure('rejected');
    expect(isPermanentError(await sinkWith(rejecting).export(batch, signal).catch((caught: unknown) => caught))).toBe(true);
  });

  it('start() never throws; health is not ready with the reason until connected; stop() disconnects', async () => {
    const connection = new ScriptedConnection();
    connection.connectError = failure('unavailable');
    const sink = sinkWith(connection);
    expect(sink.health()).toEqual({ ready: false, detail: 'not connected yet to broker.test:9092' });
    await sink.start(signal);
    expect(sink.health()).toEqual({ ready: false, detail: 'kafka test: unavailable' });
    connection.connectError = undefined;
    await sink.start(signal);
    expect(sink.health().ready).toBe(true);
    await sink.stop();
    await sink.stop();
    expect(connection.disconnects).toBe(2);
  });

  it('chunks by bytes so no produce request outgrows maxMessageBytes', () => {
    const message = (bytes: number) => ({ setKey: 'k', key: 'k', value: 'x'.repeat(bytes - 1), bytes });
    const chunks = chunkMessages([message(400), message(400), message(400), message(100)], 100, 1000);
    expect(chunks.map((chunk) => chunk.length)).toEqual([2, 2]);
  });
});

describe('classifyKafkaError', () => {
  const cases: [string, unknown, KafkaErrorKind][] = [
    ['connection refused', Object.assign(new Error('Connection error: connect ECONNREFUSED'), { name: 'KafkaJSConnectionError' }), 'unavailable'],
    ['leader not available', Object.assign(new Error('There is no leader'), { name: 'KafkaJSProtocolError', type: 'LEADER_NOT_AVAILABLE' }), 'unavailable'],
    [
      'retries exceeded wrapping a timeout',
      Object.assign(new Error('retries'), { name: 'KafkaJSNumberOfRetriesExceeded', cause: Object.assign(new Error('Request timed out'), { name: 'KafkaJSRequestTimeoutError' }) }),
      'unavailable',
    ],
    ['message too large', Object.assign(new Error('too large'), { name: 'KafkaJSProtocolError', type: 'MESSAGE_TOO_LARGE' }), 'rejected'],
    ['SASL refused', Object.assign(new Error('SASL PLAIN authentication failed'), { name: 'KafkaJSSASLAuthenticationError' }), 'unauthorized'],
  ];
  for (const [label, error, kind] of cases) {
    it(`${label} -> ${kind}`, () => {
      const classified = classifyKafkaError(error, 'b:9092', 'produce 3 messages to t');
      expect(classified.kind).toBe(kind);
      expect(classified.message).toMatch(/^kafka b:9092: produce 3 messages to t: /);
    });
  }
});
