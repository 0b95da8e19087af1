/**
 * The I/O half of the Kafka sink: a kafkajs producer (idempotent when acks=all) that connects lazily and sends
 * prepared messages with sendBatch. Every error leaves here classified by what the sink should do about it; kafkajs's
 * own retries are kept minimal because the pipeline host owns retries and backoff.
 */
import { readFile } from 'node:fs/promises';
import kafkajs from 'kafkajs';
import type { ISocketFactory, KafkaConfig, logCreator, Producer, SASLOptions } from 'kafkajs';
import { abortReason, raceAbort, type Logger } from '@kubestats/core';

const { CompressionCodecs, CompressionTypes, Kafka, logLevel, Partitioners } = kafkajs;

export type KafkaErrorKind =
  /** Broker unreachable, timeout, leader not available…: retry later. */
  | 'unavailable'
  /** The broker refused these messages for good (too large, invalid record, not authorized for the topic). */
  | 'rejected'
  /** SASL/TLS credentials refused. */
  | 'unauthorized';

export class KafkaSinkError extends Error {
  override readonly name = 'KafkaSinkError';
  readonly kind: KafkaErrorKind;

  constructor(message: string, kind: KafkaErrorKind, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.kind = kind;
  }
}

export interface OutgoingMessage {
  readonly key: string | null;
  readonly value: string;
}

/** The operations the sink needs; the real one is kafkajs, tests may substitute their own. */
export interface KafkaConnection {
  /** `h1:9092,h2:9092`: for messages and logs. */
  readonly address: string;
  connect(signal: AbortSignal): Promise<void>;
  send(topic: string, messages: readonly OutgoingMessage[], signal: AbortSignal): Promise<void>;
  disconnect(): Promise<void>;
}

export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4';
export type Acks = 'all' | 'leader' | 'none';

export interface KafkaConnectionOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly compression: Compression;
  readonly acks: Acks;
  readonly timeoutMs: number;
  readonly sasl?: { readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; readonly username: string; readonly password: string };
  readonly tls?: { readonly caFile?: string; readonly certFile?: string; readonly keyFile?: string; readonly insecure: boolean };
  readonly logger: Logger;
  /** Opens every broker connection instead of kafkajs' own; for fault injection and tests only (never from the URI). */
  readonly socketFactory?: ISocketFactory;
}

const ackValues: Record<Acks, number> = { all: -1, leader: 1, none: 0 };
const compressionTypes = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
} as const;

/** Whether kafkajs can compress with `compression` (snappy and lz4 need a codec package registered by the app). */
export function compressionAvailable(compression: Compression): boolean {
  if (compression === 'none' || compression === 'gzip') return true;
  // kafkajs ships placeholders that throw "not implemented" until a codec package replaces them.
  const codecFactory = (CompressionCodecs as Record<number, (() => unknown) | undefined>)[compressionTypes[compression]];
  try {
    return codecFactory?.() !== undefined;
  } catch {
    return false;
  }
}

/** Broker error types that retrying the same messages cannot fix. */
const rejectedTypes = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_REQUIRED_ACKS',
  'INVALID_TOPIC_EXCEPTION',
  'TOPIC_AUTHORIZATION_FAILED',
  'UNSUPPORTED_COMPRESSION_TYPE',
  'UNSUPPORTED_FOR_MESSAGE_FORMAT',
]);
const unauthorizedTypes = new Set(['CLUSTER_AUTHORIZATION_FAILED', 'SASL_AUTHENTICATION_FAILED', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED']);

interface KafkaJsErrorShape {
  readonly name?: string;
  readonly message?: string;
  readonly type?: string;
  readonly cause?: unknown;
  readonly originalError?: unknown;
}

/** kafkajs wraps the real error in KafkaJSNumberOfRetriesExceeded (cause) and sometimes `originalError`. */
function rootError(error: unknown): KafkaJsErrorShape {
  if (error === null || typeof error !== 'object') return { message: String(error) };
  let current = error as KafkaJsErrorShape;
  for (let depth = 0; depth < 5; depth++) {
    const inner = current.name === 'KafkaJSNumberOfRetriesExceeded' ? current.cause ?? current.originalError : current.originalError;
    if (inner === undefined || inner === null || typeof inner !== 'object') break;
    current = inner;
  }
  return current;
}

export function classifyKafkaError(error: unknown, address: string, what: string): KafkaSinkError {
  if (error instanceof KafkaSinkError) return error;
  const root = rootError(error);
  const detail = root.type !== undefined ? `${root.type}: ${root.message ?? ''}` : (root.message ?? String(error));
  const message = `kafka ${address}: ${what}: ${detail}`;
  if (root.name === 'KafkaJSSASLAuthenticationError' || (root.type !== undefined && unauthorizedTypes.has(root.type))) {
    return new KafkaSinkError(message, 'unauthorized', error);
  }
  if (root.type !== undefined && rejectedTypes.has(root.type)) return new KafkaSinkError(message, 'rejected', error);
  return new KafkaSinkError(message, 'unavailable', error);
}

/** kafkajs logs through this; everything goes to debug, the sink logs state changes itself (no per-failure noise). */
function kafkaLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, label, log }) => {
      const { message, ...fields } = log;
      logger.debug({ kafkajs: namespace, level: label, ...fields }, String(message));
    };
}

function saslOptions(sasl: NonNullable<KafkaConnectionOptions['sasl']>): SASLOptions {
  return { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password };
}


/** The production connection over kafkajs. Creating it does no I/O. */
export function createKafkaConnection(options: KafkaConnectionOptions): KafkaConnection {
  const address = options.brokers.join(',');
  const idempotent = options.acks === 'all';
  let producer: Producer | undefined;
  let connecting: Promise<Producer> | undefined;

  async function buildConfig(): Promise<KafkaConfig> {
    const config: KafkaConfig = {
      clientId: options.clientId,
      brokers: [...options.brokers],
      connectionTimeout: options.timeoutMs,
      requestTimeout: options.timeoutMs,
      // One quick retry inside kafkajs (the idempotent producer requires at least one); the host retries the rest.
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 1000 },
      logLevel: logLevel.INFO,
      logCreator: kafkaLogCreator(options.logger),
    };
    if (options.socketFactory) config.socketFactory = options.socketFactory;
    if (options.sasl) config.sasl = saslOptions(options.sasl);
    if (options.tls) {
      const { caFile, certFile, keyFile, insecure } = options.tls;
      config.ssl = {
        rejectUnauthorized: !insecure,
        ...(caFile === undefined ? {} : { ca: [await readFile(caFile, 'utf8')] }),
        ...(certFile === undefined ? {} : { cert: await readFile(certFile, 'utf8') }),
        ...(keyFile === undefined ? {} : { key: await readFile(keyFile, 'utf8') }),
      };
    }
    return config;
  }

  async function connectProducer(): Promise<Producer> {
    const created = new Kafka(await buildConfig()).producer({
      idempotent,
      maxInFlightRequests: idempotent ? 1 : 5,
      allowAutoTopicCreation: true,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    try {
      await created.connect();
    } catch (error) {
      await created.disconnect().catch(() => undefined);
      throw error;
    }
    producer = created;
    return created;
  }

  async function connected(): Promise<Producer> {
    if (producer) return producer;
    connecting ??= connectProducer().finally(() => {
      connecting = undefined;
    });
    return connecting;
  }

  return {
    address,
    async connect(signal) {
      try {
        await raceAbort(connected(), signal);
      } catch (error) {
        if (signal.aborted) throw abortReason(signal);
        throw classifyKafkaError(error, address, 'connect');
      }
    },
    async send(topic, messages, signal) {
      try {
        const ready = await raceAbort(connected(), signal);
        await raceAbort(
          ready.sendBatch({
            topicMessages: [{ topic, messages: messages.map((message) => ({ key: message.key, value: message.value })) }],
            acks: ackValues[options.acks],
            timeout: options.timeoutMs,
            compression: compressionTypes[options.compression],
          }),
          signal,
        );
      } catch (error) {
        if (signal.aborted) throw abortReason(signal);
        throw classifyKafkaError(error, address, `produce ${messages.length} messages to ${topic}`);
      }
    },
    async disconnect() {
      const current = producer ?? (await connecting?.catch(() => undefined));
      producer = undefined;
      await current?.disconnect();
    },
  };
}
