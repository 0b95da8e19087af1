/** @kubestats/sink-kafka: the `kafka` sink, Heapster's JSON messages produced in batches and keyed per entity. */
export { createKafkaSink, kafkaSinkFactory, type KafkaSinkHooks } from './kafka-sink-factory.js';
export { KafkaFaultInjector, type KafkaSocketFactory } from './kafka-fault-injector.js';
export { chunkMessages, KafkaSink, type KafkaSinkOptions } from './kafka-sink.js';
export { kafkaConfigSchema, type KafkaSinkConfig } from './kafka-options.js';
export {
  classifyKafkaError,
  compressionAvailable,
  createKafkaConnection,
  KafkaSinkError,
  type Acks,
  type Compression,
  type KafkaConnection,
  type KafkaConnectionOptions,
  type KafkaErrorKind,
  type OutgoingMessage,
} from './kafka-client.js';
export {
  entityPartitionKey,
  formatRfc3339,
  goJsonString,
  heapsterPointJson,
  metricValueJson,
  toKafkaMessages,
  type HeapsterKafkaMessage,
  type KafkaMessageOptions,
  type KafkaMessagesResult,
  type PartitionKeyMode,
} from './heapster-kafka-message.js';
