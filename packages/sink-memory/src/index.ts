/** @kubestats/sink-memory: the in-memory store of recent batches and key series behind the metrics APIs. */
export { memorySinkFactory, memorySinkSchema } from './memory-sink-factory.js';
export { MemorySink, type KeyFilter, type MemorySinkOptions, type MemorySinkStats } from './memory-sink.js';
export type { SeriesPoint, TimeRange } from './columnar-window.js';
