/** @kubestats/sink-log: writes batches to the logger, a summary line per batch and a line per metric set. */
export { logSinkFactory, logSinkSchema } from './log-sink-factory.js';
export { batchSummaryFields, LogSink, metricSetFields, type LogSinkOptions } from './log-sink.js';
