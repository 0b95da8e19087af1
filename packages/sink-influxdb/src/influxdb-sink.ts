/**
 * The InfluxDB sink: maps each batch to Heapster's line protocol, sets up the database and retention policy on first
 * contact, and writes in `batchSize` chunks with up to `concurrency` requests in flight. It connects lazily: a server
 * that is down at start only makes health() not-ready, and exports reject (retryable) until it answers.
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
  type ItemFailure,
  type Logger,
  type Sink,
} from '@kubestats/core';
import { describePolicy, InfluxdbError, type InfluxdbConnection, type RetentionPolicySpec } from './influxdb-client.js';
import type { InfluxdbSinkConfig } from './influxdb-options.js';
import { toLineProtocol, type LinePoint, type LineProtocolOptions } from './line-protocol.js';

export interface InfluxdbSinkOptions {
  readonly config: InfluxdbSinkConfig;
  readonly connection: InfluxdbConnection;
  readonly logger: Logger;
}

/** What one chunk's write came to; kept per batch so a retried batch does not rewrite what already landed. */

export class InfluxdbSink implements Sink {
  readonly name = 'sink/influxdb';
  readonly #config: InfluxdbSinkConfig;
  readonly #connection: InfluxdbConnection;
  readonly #logger: Logger;
  readonly #lineOptions: LineProtocolOptions;
  readonly #policy: RetentionPolicySpec;
  #setupDone = false;
  #health: ComponentHealth;
  /** Chunks of a batch already accepted by InfluxDB, for when the host retries the same batch. */
  readonly #progress = new WeakMap<DataBatch, Map<number, ChunkOutcome>>();

  constructor(options: InfluxdbSinkOptions) {
    this.#config = options.config;
    this.#connection = options.connection;
    this.#logger = options.logger;
    this.#lineOptions = {
      withFields: options.config.withfields,
      clusterName: options.config.cluster_name,
      disableCounterMetrics: options.config.disable_counter_metrics,
    };
    this.#policy = { name: options.config.rp, durationMs: options.config.retention };
    this.#health = { ready: false, detail: `not connected yet to ${this.#connection.address}` };
  }

  health(): ComponentHealth {
    return this.#health;
  }

  /** Tries to reach InfluxDB and set up the database; a failure is reported in health(), never thrown. */
  async start(signal: AbortSignal): Promise<void> {
    try {
      await this.#ensureSetup(signal);
    } catch (error) {
      if (signal.aborted) return;
      // Already recorded in health by #ensureSetup; the first export retries.
      this.#logger.debug({ err: error }, 'influxdb not reachable at start');
    }
  }

  stop(): Promise<void> {
    // Requests are per call and abortable; there is no connection to close.
    return Promise.resolve();
  }

  async export(batch: DataBatch, signal: AbortSignal): Promise<ExportResult> {
    if (signal.aborted) throw abortReason(signal);
    return raceAbort(this.#export(batch, signal), signal);
  }

  async #export(batch: DataBatch, signal: AbortSignal): Promise<ExportResult> {
    const mapped = toLineProtocol(batch, this.#lineOptions);
    const chunks = chunk(mapped.points, this.#config.batchSize);
    const outcomes = this.#progress.get(batch) ?? new Map<number, ChunkOutcome>();
    this.#progress.set(batch, outcomes);
    if (chunks.length > 0) {
      try {
        await this.#ensureSetup(signal);
      } catch (error) {
        throw this.#wholeBatchError(error, mapped.points.length);
      }
      await this.#writeChunks(chunks, outcomes, signal);
    }
    this.#progress.delete(batch);
    return exportResultOf(this.name, mapped.failures, outcomes.values());
  }

  /** Writes the chunks not yet delivered, `concurrency` at a time; throws (retryable) after the first that must be retried. */
  async #writeChunks(chunks: readonly (readonly LinePoint[])[], outcomes: Map<number, ChunkOutcome>, signal: AbortSignal): Promise<void> {
    const pending = chunks.map((_, index) => index).filter((index) => !outcomes.has(index));
    let retryable: unknown;
    const worker = async (): Promise<void> => {
      for (let index = pending.shift(); index !== undefined && retryable === undefined; index = pending.shift()) {
        const points = chunks[index] ?? [];
        try {
          await this.#connection.write(points.map((point) => point.line).join('\n'), this.#config.db, this.#config.rp, signal);
          outcomes.set(index, { written: points.length, rejected: 0 });
          this.#markReady();
        } catch (error) {
          const outcome = this.#chunkOutcome(error, points);
          if (outcome) outcomes.set(index, outcome);
          else retryable ??= error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#config.concurrency, pending.length) }, worker));
    if (retryable !== undefined) throw this.#wholeBatchError(retryable, undefined);
  }

  /** A permanent chunk outcome, or undefined when the chunk must be retried. */
  #chunkOutcome(error: unknown, points: readonly LinePoint[]): ChunkOutcome | undefined {
    if (!(error instanceof InfluxdbError)) return undefined;
    if (error.kind === 'partial-write') {
      this.#markReady();
      const rejected = Math.min(error.droppedPoints ?? points.length, points.length);
      return { written: points.length - rejected, rejected, failure: this.#rejection(error, rejected) };
    }
    if (error.kind === 'rejected') {
      this.#markReady();
      return { written: 0, rejected: points.length, failure: this.#rejection(error, points.length) };
    }
    if (error.kind === 'database-not-found') this.#setupDone = false;
    return undefined;
  }

  #rejection(error: InfluxdbError, points: number): ItemFailure {
    return { key: this.name, reason: 'sink-rejected', detail: `${points} points rejected: ${error.message}` };
  }

  /** The error an export rejects with when nothing (more) can be written now: retryable unless retrying is futile. */
  #wholeBatchError(error: unknown, points: number | undefined): Error {
    if (error instanceof InfluxdbError) {
      this.#markNotReady(error.message);
      if (error.kind === 'unauthorized' || error.kind === 'rejected') {
        return new PermanentError(`${this.name}: ${points ?? 'all'} points not written: ${error.message}`, { cause: error });
      }
      return error;
    }
    return error instanceof Error ? error : new Error(String(error));
  }

  async #ensureSetup(signal: AbortSignal): Promise<void> {
    if (this.#setupDone) return;
    try {
      const setup = await this.#connection.ensureDatabase(this.#config.db, this.#policy, signal);
      this.#setupDone = true;
      this.#markReady();
      const fields = { db: this.#config.db, rp: describePolicy(this.#policy), ...setup };
      if (setup.createdDatabase || setup.createdPolicy || setup.alteredPolicy) this.#logger.info(fields, 'influxdb database ready');
      if (!setup.policyIsDefault) {
        this.#logger.warn(fields, 'retention policy is not the database default; queries must name it');
      }
    } catch (error) {
      if (error instanceof InfluxdbError) this.#markNotReady(error.message);
      throw error;
    }
  }

  #markReady(): void {
    if (this.#health.ready) return;
    this.#health = { ready: true, detail: `writing to ${this.#connection.address} db=${this.#config.db} rp=${this.#config.rp}` };
    this.#logger.info({ address: this.#connection.address }, 'influxdb reachable');
  }

  #markNotReady(detail: string): void {
    const wasReady = this.#health.ready;
    this.#health = { ready: false, detail };
    if (wasReady) this.#logger.warn({ address: this.#connection.address, detail }, 'influxdb not reachable');
  }
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

