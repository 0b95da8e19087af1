/**
 * Heapster's `log` sink adapted to structured logging: one summary line per batch, and one line per metric set (in
 * key order, labels and metrics sorted) for reading what the pipeline produced. Bigints are logged as strings:
 * JSON has no bigint, and pino would throw on one.
 */
import {
  abortReason,
  countPoints,
  entityTypeOfKey,
  LabelKeys,
  type DataBatch,
  type ExportResult,
  type LabeledMetric,
  type Logger,
  type MetricSet,
  type MetricValue,
  type Sink,
} from '@kubestats/core';

export interface LogSinkOptions {
  /** Log the per-set lines at info instead of debug. */
  readonly points: boolean;
}

/** pino's level check; optional because core's Logger does not require it. */
interface LevelAwareLogger extends Logger {
  isLevelEnabled?(level: string): boolean;
}

function isoTime(epochMs: number): string | undefined {
  return epochMs > 0 ? new Date(epochMs).toISOString() : undefined;
}

function loggedValue(value: MetricValue): string | number {
  return value.kind === 'int' ? value.value.toString() : value.value;
}

function sortedRecord<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function labeledMetricOrder(metric: LabeledMetric): string {
  return `${metric.name}\u0000${JSON.stringify(sortedRecord(Object.entries(metric.labels)))}`;
}

/** The fields of one set's line. */
export function metricSetFields(set: MetricSet): Record<string, unknown> {
  return {
    key: set.key,
    scrapeTime: isoTime(set.scrapeTimeMs),
    collectionStartTime: isoTime(set.collectionStartTimeMs),
    createTime: isoTime(set.entityCreateTimeMs),
    labels: sortedRecord(Object.entries(set.labels)),
    metrics: sortedRecord([...set.metricValues].map(([name, value]) => [name, loggedValue(value)] as const)),
    labeledMetrics: [...set.labeledMetrics]
      .sort((a, b) => (labeledMetricOrder(a) < labeledMetricOrder(b) ? -1 : 1))
      .map((metric) => ({ name: metric.name, labels: sortedRecord(Object.entries(metric.labels)), value: loggedValue(metric.value) })),
  };
}

/** The fields of a batch's summary line. */
export function batchSummaryFields(batch: DataBatch): Record<string, unknown> {
  const setsByType: Record<string, number> = {};
  for (const set of batch.metricSets.values()) {
    const type = set.labels[LabelKeys.type] ?? entityTypeOfKey(set.key) ?? 'unknown';
    setsByType[type] = (setsByType[type] ?? 0) + 1;
  }
  return {
    timestamp: new Date(batch.timestampMs).toISOString(),
    sets: batch.metricSets.size,
    points: countPoints(batch),
    setsByType: sortedRecord(Object.entries(setsByType)),
  };
}

export class LogSink implements Sink {
  readonly name = 'sink/log';
  readonly #logger: LevelAwareLogger;
  readonly #options: LogSinkOptions;

  constructor(options: LogSinkOptions, logger: Logger) {
    this.#options = options;
    this.#logger = logger;
  }

  export(batch: DataBatch, signal: AbortSignal): Promise<ExportResult> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    const summary = batchSummaryFields(batch);
    this.#logger.info(summary, 'data batch');
    const level = this.#options.points ? 'info' : 'debug';
    // Building every set's fields is the expensive part; skip it when the line would be dropped anyway.
    if (this.#logger.isLevelEnabled?.(level) !== false) {
      const keys = [...batch.metricSets.keys()].sort();
      for (const key of keys) {
        const set = batch.metricSets.get(key);
        if (set) this.#logger[level](metricSetFields(set), 'metric set');
      }
    }
    return Promise.resolve({ pointsWritten: summary.points as number, pointsRejected: 0, failures: [] });
  }
}
