/**
 * The `kafka` sink factory: `--sink=kafka:?brokers=h1:9092&timeseriestopic=heapster-metrics…`. Validates option
 * combinations (SASL needs user and password, TLS cert needs key, snappy/lz4 need a codec) without I/O.
 * `createKafkaSink(init, hooks)` is the same with programmatic hooks no URI can set (fault injection, tests).
 */
import { ConfigError, type ConfigProblem, type PluginInit, type SinkFactory } from '@kubestats/core';
import { compressionAvailable, createKafkaConnection, type KafkaConnectionOptions } from './kafka-client.js';
import type { KafkaSocketFactory } from './kafka-fault-injector.js';
import { kafkaConfigSchema, type KafkaSinkConfig } from './kafka-options.js';
import { KafkaSink } from './kafka-sink.js';

function connectionOptions(config: KafkaSinkConfig, init: PluginInit<KafkaSinkConfig>): KafkaConnectionOptions {
  const problems: ConfigProblem[] = [];
  if (config.brokers.length === 0) problems.push({ path: 'brokers', message: 'at least one broker host:port is required' });
  if ((config.user === undefined) !== (config.password === undefined)) {
    problems.push({ path: config.user === undefined ? 'user' : 'password', message: 'SASL needs both user and password' });
  }
  if ((config.cert === undefined) !== (config.key === undefined)) {
    problems.push({ path: config.cert === undefined ? 'cert' : 'key', message: 'a TLS client certificate needs both cert and key' });
  }
  if (!compressionAvailable(config.compression)) {
    problems.push({
      path: 'compression',
      message: `${config.compression} needs a codec registered in kafkajs CompressionCodecs (e.g. kafkajs-snappy, kafkajs-lz4), and none is; use gzip or none`,
    });
  }
  if (problems.length > 0) throw new ConfigError('sink kafka', problems);
  const tlsEnabled = config.cacert !== undefined || config.cert !== undefined;
  return {
    brokers: config.brokers,
    clientId: config.clientId,
    compression: config.compression,
    acks: config.acks,
    timeoutMs: config.timeout,
    ...(config.user !== undefined && config.password !== undefined
      ? { sasl: { mechanism: config.sasl, username: config.user, password: config.password } }
      : {}),
    ...(tlsEnabled
      ? {
          tls: {
            insecure: config.insecuressl,
            ...(config.cacert === undefined ? {} : { caFile: config.cacert }),
            ...(config.cert === undefined ? {} : { certFile: config.cert }),
            ...(config.key === undefined ? {} : { keyFile: config.key }),
          },
        }
      : {}),
    logger: init.logger.child({ component: 'sink/kafka', library: 'kafkajs' }),
  };
}

/** Programmatic hooks, deliberately outside the config schema so no sink URI can reach them. */
export interface KafkaSinkHooks {
  /**
   * Opens every broker connection (bootstrap and advertised) instead of kafkajs' default; for fault injection and
   * tests, e.g. `new KafkaFaultInjector().socketFactory`.
   */
  readonly socketFactory?: KafkaSocketFactory;
}

/** The `kafka` sink for `init`, with optional hooks (what `kafkaSinkFactory.create` does with none). */
export function createKafkaSink(init: PluginInit<KafkaSinkConfig>, hooks: KafkaSinkHooks = {}): KafkaSink {
  const options = connectionOptions(init.config, init);
  const connection = createKafkaConnection(hooks.socketFactory ? { ...options, socketFactory: hooks.socketFactory } : options);
  return new KafkaSink({ config: init.config, connection, logger: init.logger.child({ component: 'sink/kafka' }) });
}

export const kafkaSinkFactory = {
  kind: 'sink',
  type: 'kafka',
  description: "Produces every point to Kafka as Heapster's JSON message, keyed per pod or node, in batched sends.",
  configSchema: kafkaConfigSchema,
  create(init: PluginInit<KafkaSinkConfig>): KafkaSink {
    return createKafkaSink(init);
  },
} as const satisfies SinkFactory<typeof kafkaConfigSchema>;
