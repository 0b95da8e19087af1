/**
 * The Kafka sink's options: Heapster's URI options (`kafka:?brokers=h1:9092&timeseriestopic=…`) plus SASL mechanism,
 * partition key, acks, chunking and timeout. The one source for the config type, validation and docs.
 */
import { defineSchema, type ConfigOf } from '@kubestats/core';

export const kafkaConfigSchema = defineSchema({
  brokers: { type: 'list', required: true, description: 'Bootstrap brokers, host:port (repeat the option or separate with commas).' },
  timeseriestopic: { type: 'string', default: 'heapster-metrics', description: 'Topic the metric messages go to.' },
  eventstopic: {
    type: 'string',
    default: 'heapster-events',
    description: 'Accepted for compatibility with Heapster URIs shared with the eventer; kubestats exports no events.',
  },
  compression: {
    type: 'enum',
    values: ['none', 'gzip', 'snappy', 'lz4'],
    default: 'none',
    description: 'Record batch compression. snappy and lz4 need a codec registered in kafkajs (see README).',
  },
  user: { type: 'string', description: 'SASL user name (needs password).' },
  password: { type: 'string', secret: true, description: 'SASL password (needs user; never logged).' },
  sasl: {
    type: 'enum',
    values: ['plain', 'scram-sha-256', 'scram-sha-512'],
    default: 'plain',
    description: 'SASL mechanism used with user and password.',
  },
  cacert: { type: 'string', description: 'PEM file of the CA that signed the brokers; enables TLS.' },
  cert: { type: 'string', description: 'PEM client certificate file (with key); enables TLS.' },
  key: { type: 'string', description: 'PEM client key file (with cert).' },
  insecuressl: { type: 'boolean', default: false, description: 'With TLS, do not verify the broker certificates.' },
  partitionKey: {
    type: 'enum',
    values: ['entity', 'set', 'metric', 'none'],
    default: 'entity',
    description:
      'Message key: entity = namespace/pod for pods and containers, the node name for nodes (keeps an entity on one partition); set = metric-set key; metric = metric name; none = no key (Heapster).',
  },
  acks: {
    type: 'enum',
    values: ['all', 'leader', 'none'],
    default: 'all',
    description: 'Acknowledgement required per produce request. all enables the idempotent producer.',
  },
  batchSize: { type: 'int', default: 1000, min: 1, description: 'Messages per produce call (sendBatch).' },
  maxMessageBytes: {
    type: 'int',
    default: 1_000_000,
    min: 1024,
    description: "Largest message (and produce chunk) in bytes; keep at or below the topic's max.message.bytes.",
  },
  clientId: { type: 'string', default: 'kafka-sink', description: 'Kafka client id (Heapster used kafka-sink).' },
  timeout: { type: 'duration', default: 10_000, minMs: 1, description: 'Connection and request timeout.' },
});

export type KafkaSinkConfig = ConfigOf<typeof kafkaConfigSchema>;
