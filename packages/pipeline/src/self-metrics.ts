/**
 * The host's self-metrics, registered on one prom-client Registry. Every name starts with `kubestats_`; labels carry
 * component names, sink names and diagnostic reasons only (never URIs or options, which may hold secrets).
 */
import type { DiagnosticReason, DiagnosticsLog } from '@kubestats/core';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Seconds; spans sub-second processor calls up to Heapster's 20 s deadlines and minute-long cycles. */
const durationBuckets = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];

export interface HealthGauges {
  readonly ready: boolean;
  readonly healthy: boolean;
  readonly live: boolean;
  readonly latestBatchTimestampMs: number | undefined;
}

export class SelfMetrics {
  readonly cycleDuration: Histogram<never>;
  readonly componentDuration: Histogram<'component'>;
  readonly componentFailures: Counter<'component' | 'reason'>;
  readonly componentLastSuccess: Gauge<'component'>;
  readonly diagnostics: Counter<'reason'>;
  readonly sourceDuplicateKeys: Counter<'component'>;
  readonly sinkQueueDepth: Gauge<'sink'>;
  readonly sinkDroppedBatches: Counter<'sink' | 'reason'>;
  readonly sinkDroppedPoints: Counter<'sink' | 'reason'>;
  readonly sinkPointsWritten: Counter<'sink'>;
  readonly sinkRetries: Counter<'sink'>;
  readonly cyclesCompleted: Counter<never>;
  readonly cyclesSkipped: Counter<never>;

  constructor(registry: Registry, health: () => HealthGauges, diagnosticsLog: DiagnosticsLog) {
    const registers = [registry];
    this.cycleDuration = new Histogram({
      name: 'kubestats_cycle_duration_seconds',
      help: 'Duration of a housekeeping cycle: scrape, process and hand-off to the sink queues.',
      buckets: durationBuckets,
      registers,
    });
    this.componentDuration = new Histogram({
      name: 'kubestats_component_duration_seconds',
      help: 'Duration of one scrape, process or export call, by component (abandoned calls count up to their deadline).',
      labelNames: ['component'],
      buckets: durationBuckets,
      registers,
    });
    this.componentFailures = new Counter({
      name: 'kubestats_component_failures_total',
      help: 'Failures by component and reason: whole calls that failed or passed their deadline, and item failures they reported.',
      labelNames: ['component', 'reason'],
      registers,
    });
    this.componentLastSuccess = new Gauge({
      name: 'kubestats_component_last_success_timestamp_seconds',
      help: 'When a call of the component last succeeded, in Unix seconds.',
      labelNames: ['component'],
      registers,
    });
    this.diagnostics = new Counter({
      name: 'kubestats_diagnostics_total',
      help: 'Diagnostics recorded (skips, drops, dedupes, delays), by reason.',
      labelNames: ['reason'],
      registers,
    });
    this.sourceDuplicateKeys = new Counter({
      name: 'kubestats_source_duplicate_keys_total',
      help: 'Metric sets a source reported under a key an earlier source already had; the later source won.',
      labelNames: ['component'],
      registers,
    });
    this.sinkQueueDepth = new Gauge({
      name: 'kubestats_sink_queue_depth',
      help: 'Batches held for a sink: waiting plus the one being exported.',
      labelNames: ['sink'],
      registers,
    });
    this.sinkDroppedBatches = new Counter({
      name: 'kubestats_sink_dropped_batches_total',
      help: 'Batches a sink never wrote, by reason.',
      labelNames: ['sink', 'reason'],
      registers,
    });
    this.sinkDroppedPoints = new Counter({
      name: 'kubestats_sink_dropped_points_total',
      help: 'Points a sink never wrote, by reason (dropped batches, and points the backend rejected).',
      labelNames: ['sink', 'reason'],
      registers,
    });
    this.sinkPointsWritten = new Counter({
      name: 'kubestats_sink_points_written_total',
      help: 'Points a sink reported as written.',
      labelNames: ['sink'],
      registers,
    });
    this.sinkRetries = new Counter({
      name: 'kubestats_sink_retries_total',
      help: 'Export retries after retryable failures.',
      labelNames: ['sink'],
      registers,
    });
    this.cyclesCompleted = new Counter({
      name: 'kubestats_cycles_completed_total',
      help: 'Housekeeping cycles that ran to the end.',
      registers,
    });
    this.cyclesSkipped = new Counter({
      name: 'kubestats_cycles_skipped_total',
      help: 'Ticks skipped because the previous cycle was still running or the timer fired late.',
      registers,
    });
    new Gauge({
      name: 'kubestats_ready',
      help: '1 once the first cycle completed.',
      registers,
      collect() {
        this.set(health().ready ? 1 : 0);
      },
    });
    new Gauge({
      name: 'kubestats_healthy',
      help: '1 while the newest batch is younger than 3 resolutions and not empty.',
      registers,
      collect() {
        this.set(health().healthy ? 1 : 0);
      },
    });
    new Gauge({
      name: 'kubestats_live',
      help: '1 while ticks still fire on time and no cycle is stuck.',
      registers,
      collect() {
        this.set(health().live ? 1 : 0);
      },
    });
    new Gauge({
      name: 'kubestats_diagnostics_log_keys',
      help: 'Keys the diagnostics log (what explain reads) holds now.',
      registers,
      collect() {
        this.set(diagnosticsLog.keyCount);
      },
    });
    new Counter({
      name: 'kubestats_diagnostics_log_forgotten_keys_total',
      help: 'Keys the diagnostics log forgot because it was full; explain has no reason for what they covered.',
      registers,
      collect() {
        this.reset();
        this.inc(diagnosticsLog.forgottenKeyCount);
      },
    });
    new Gauge({
      name: 'kubestats_latest_batch_timestamp_seconds',
      help: 'Timestamp (window end) of the newest complete batch, in Unix seconds.',
      registers,
      collect() {
        const latest = health().latestBatchTimestampMs;
        if (latest !== undefined) this.set(latest / 1000);
      },
    });
  }

  countDiagnostic(reason: DiagnosticReason): void {
    this.diagnostics.inc({ reason });
  }
}
