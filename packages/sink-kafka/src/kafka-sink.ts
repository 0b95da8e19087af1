/**
 * The Kafka sink: maps each batch to Heapster's JSON messages, keyed per entity, and produces them in chunks with
 * sendBatch (bounded by message count and bytes, so no record batch outgrows the broker's limit). It connects
 * lazily: a broker that is down at start only makes health() not-ready, and exports reject (retryable) until it answers.
 */
import {
  abortReason,
  exportResultOf,
  PermanentError,
  raceAbort,
  type ChunkOutcome,
  type ComponentHealth,
  type DataBatch,
  type ExportResult,
  type Logger,
  type Sink,
} from '@kubestats/core';
import { toKafkaMessages, type HeapsterKafkaMessage, type KafkaMessageOptions } from './heapster-kafka-message.js';
import { KafkaSinkError, type KafkaConnection } from './kafka-client.js';
import type { KafkaSinkConfig } from './kafka-options.js';

export interface KafkaSinkOptions {
  readonly config: KafkaSinkConfig;
  readonly connection: KafkaConnection;
  readonly logger: Logger;
}

/** Record overhead per message inside a record batch (attributes, varints, offsets), for chunk sizing. */
const recordOverheadBytes = 64;


/** Splits messages into sendBatch calls of at most `count` messages and `maxBytes` bytes. */
export function chunkMessages(messages: readonly HeapsterKafkaMessage[], count: number, maxBytes: number): HeapsterKafkaMessage[][] {
  const chunks: HeapsterKafkaMessage[][] = [];
  let current: HeapsterKafkaMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = message.bytes + recordOverheadBytes;
    if (current.length > 0 && (current.length >= count || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export class KafkaSink implements Sink {
  readonly name = 'sink/kafka';
  readonly #config: KafkaSinkConfig;
  readonly #connection: KafkaConnection;
  readonly #logger: Logger;
  readonly #messageOptions: KafkaMessageOptions;
  #health: ComponentHealth;
  /** Chunks of a batch the brokers already acknowledged, so a retried batch is not produced twice. */
  readonly #progress = new WeakMap<DataBatch, Map<number, ChunkOutcome>>();

  constructor(options: KafkaSinkOptions) {
    this.#config = options.config;
    this.#connection = options.connection;
    this.#logger = options.logger;
    this.#messageOptions = { partitionKey: options.config.partitionKey, maxMessageBytes: options.config.maxMessageBytes };
    this.#health = { ready: false, detail: `not connected yet to ${this.#connection.address}` };
  }

  health(): ComponentHealth {
    return this.#health;
  }

  /** Tries to connect; a failure is reported in health(), never thrown. */
  async start(signal: AbortSignal): Promise<void> {
    try {
      await this.#connection.connect(signal);
      this.#markReady();
    } catch (error) {
      if (signal.aborted) return;
      this.#noteFailure(error);
    }
  }

  async stop(): Promise<void> {
    await this.#connection.disconnect();
    if (this.#health.ready) this.#health = { ready: false, detail: 'stopped' };
  }

  async export(batch: DataBatch, signal: AbortSignal): Promise<ExportResult> {
    if (signal.aborted) throw abortReason(signal);
    return raceAbort(this.#export(batch, signal), signal);
  }

  async #export(batch: DataBatch, signal: AbortSignal): Promise<ExportResult> {
    const mapped = toKafkaMessages(batch, this.#messageOptions);
    const chunks = chunkMessages(mapped.messages, this.#config.batchSize, this.#config.maxMessageBytes);
    const outcomes = this.#progress.get(batch) ?? new Map<number, ChunkOutcome>();
    this.#progress.set(batch, outcomes);
    // In order: a later chunk never overtakes an earlier one, so an entity's points keep their order.
    for (const [index, messages] of chunks.entries()) {
      if (outcomes.has(index)) continue;
      try {
        await this.#connection.send(this.#config.timeseriestopic, messages, signal);
        outcomes.set(index, { written: messages.length, rejected: 0 });
        this.#markReady();
      } catch (error) {
        if (signal.aborted) throw abortReason(signal);
        if (error instanceof KafkaSinkError && error.kind === 'rejected') {
          this.#markReady();
          outcomes.set(index, {
            written: 0,
            rejected: messages.length,
            failure: { key: this.name, reason: 'sink-rejected', detail: `${messages.length} messages rejected: ${error.message}` },
          });
          continue;
        }
        this.#noteFailure(error);
        if (error instanceof KafkaSinkError && error.kind === 'unauthorized') {
          this.#progress.delete(batch);
          throw new PermanentError(`${this.name}: ${error.message}`, { cause: error });
        }
        throw error instanceof Error ? error : new Error(String(error));
      }
    }
    this.#progress.delete(batch);
    return exportResultOf(this.name, mapped.failures, outcomes.values());
  }

  #markReady(): void {
    if (this.#health.ready) return;
    this.#health = { ready: true, detail: `producing to ${this.#config.timeseriestopic} on ${this.#connection.address}` };
    this.#logger.info({ brokers: this.#connection.address }, 'kafka reachable');
  }

  #noteFailure(error: unknown): void {
    const detail = error instanceof Error ? error.message : String(error);
    const wasReady = this.#health.ready;
    this.#health = { ready: false, detail };
    if (wasReady) this.#logger.warn({ brokers: this.#connection.address, detail }, 'kafka not reachable');
  }
}
