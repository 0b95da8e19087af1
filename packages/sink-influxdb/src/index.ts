/** @kubestats/sink-influxdb: the `influxdb` sink, Heapster's InfluxDB 1.x schema with honoured retention policies. */
export { influxdbSinkFactory, influxdbUrl } from './influxdb-sink-factory.js';
export { InfluxdbSink, type InfluxdbSinkOptions } from './influxdb-sink.js';
export { influxdbConfigSchema, type InfluxdbSinkConfig } from './influxdb-options.js';
export {
  classifyInfluxdbError,
  createInfluxdbConnection,
  InfluxdbError,
  type DatabaseSetup,
  type InfluxdbConnection,
  type InfluxdbConnectionOptions,
  type InfluxdbErrorKind,
  type RetentionPolicySpec,
} from './influxdb-client.js';
export {
  escapeMeasurement,
  escapeTag,
  excludedTagKeys,
  formatFloat,
  formatTimestampNs,
  measurementAndField,
  toLineProtocol,
  type LinePoint,
  type LineProtocolOptions,
  type LineProtocolResult,
} from './line-protocol.js';
