/**
 * The host's options as the app passes them, and their resolution into a complete, validated set. Defaults live here
 * once, so the README, the code and the tests agree on them.
 */
import {
  ConfigError,
  type Clock,
  type ConfigProblem,
  type DiagnosticsLog,
  type Logger,
  type Processor,
  type Sink,
  type Source,
} from '@kubestats/core';
import type { Registry } from 'prom-client';

/** What a full sink queue does with one more batch. */
export type DropPolicy = 'drop-oldest' | 'drop-newest' | 'block';

export interface SinkRegistration {
  readonly sink: Sink;
  /** Batches waiting for this sink, not counting the one being exported; default 5. */
  readonly queueCapacity?: number;
  /** Default `drop-oldest`: the freshest data is worth more than old data a slow sink has not reached. */
  readonly dropPolicy?: DropPolicy;
  /** Deadline of one export attempt, and how long a `block` hand-off waits for space; default 20000 (Heapster's sink_export_data_timeout). */
  readonly exportTimeoutMs?: number;
}

export interface RetryOptions {
  /** Backoff before the first retry; doubles per attempt. Default 1000. */
  readonly initialBackoffMs?: number;
  /** Ceiling of the backoff. Default 30000. */
  readonly maxBackoffMs?: number;
  /** Export attempts per batch, the first included, before it is dropped. Default 5. */
  readonly maxAttempts?: number;
}

export interface PipelineOptions {
  /** Scraped concurrently; batches merged in this order (a key seen twice: the later source wins, counted). */
  readonly sources: readonly Source[];
  /** Run in order. */
  readonly processors: readonly Processor[];
  /** Exported concurrently, each through its own bounded queue and worker. */
  readonly sinks: readonly SinkRegistration[];
  readonly resolutionMs: number;
  /** Cycles fire at window end + offset (Heapster: a fixed 5 s); default min(5000, resolution / 4). */
  readonly scrapeOffsetMs?: number;
  /** Deadline for sources, from the cycle start; default min(20000, resolution / 2). */
  readonly scrapeTimeoutMs?: number;
  /** Bound of each stop phase (in-flight cycle + sink flush, then component stop()); default 25000. */
  readonly stopTimeoutMs?: number;
  readonly retry?: RetryOptions;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** prom-client registry for self-metrics; a new one when absent. */
  readonly registry?: Registry;
  /** Where diagnostics are recorded (the explain API reads it); a new one when absent. */
  readonly diagnostics?: DiagnosticsLog;
}

export interface ResolvedSinkRegistration {
  readonly sink: Sink;
  readonly queueCapacity: number;
  readonly dropPolicy: DropPolicy;
  readonly exportTimeoutMs: number;
}

export interface ResolvedRetry {
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly maxAttempts: number;
}

export interface ResolvedTiming {
  readonly resolutionMs: number;
  readonly scrapeOffsetMs: number;
  readonly scrapeTimeoutMs: number;
  readonly stopTimeoutMs: number;
  readonly retry: ResolvedRetry;
}

export const defaultQueueCapacity = 5;
export const defaultDropPolicy: DropPolicy = 'drop-oldest';
export const defaultExportTimeoutMs = 20_000;
/** Below Kubernetes' default 30 s termination grace period, so the flush finishes before SIGKILL. */
export const defaultStopTimeoutMs = 25_000;
export const defaultRetry: ResolvedRetry = { initialBackoffMs: 1000, maxBackoffMs: 30_000, maxAttempts: 5 };

const dropPolicies: readonly DropPolicy[] = ['drop-oldest', 'drop-newest', 'block'];

function checkNumber(
  problems: ConfigProblem[],
  path: string,
  value: number | undefined,
  rule: { readonly min: number; readonly integer?: boolean; readonly exclusiveMin?: boolean },
): void {
  if (value === undefined) return;
  const belowMin = rule.exclusiveMin ? value <= rule.min : value < rule.min;
  if (!Number.isFinite(value) || belowMin || (rule.integer && !Number.isInteger(value))) {
    const bound = `${rule.exclusiveMin ? '>' : '>='} ${rule.min}`;
    problems.push({ path, message: `must be a${rule.integer ? 'n integer' : ' finite number'} ${bound}, got ${value}` });
  }
}

/** Fills in defaults and checks every timing option; throws one ConfigError listing every problem. */
export function resolveTiming(options: PipelineOptions): ResolvedTiming {
  const problems: ConfigProblem[] = [];
  const { resolutionMs } = options;
  checkNumber(problems, 'resolutionMs', resolutionMs, { min: 0, exclusiveMin: true, integer: true });
  const scrapeOffsetMs = options.scrapeOffsetMs ?? Math.min(5000, Math.floor(resolutionMs / 4));
  const scrapeTimeoutMs = options.scrapeTimeoutMs ?? Math.min(20_000, Math.floor(resolutionMs / 2));
  const stopTimeoutMs = options.stopTimeoutMs ?? defaultStopTimeoutMs;
  const retry: ResolvedRetry = {
    initialBackoffMs: options.retry?.initialBackoffMs ?? defaultRetry.initialBackoffMs,
    maxBackoffMs: options.retry?.maxBackoffMs ?? defaultRetry.maxBackoffMs,
    maxAttempts: options.retry?.maxAttempts ?? defaultRetry.maxAttempts,
  };
  checkNumber(problems, 'scrapeOffsetMs', scrapeOffsetMs, { min: 0 });
  if (scrapeOffsetMs >= resolutionMs) {
    problems.push({ path: 'scrapeOffsetMs', message: `must be below resolutionMs (${resolutionMs}), got ${scrapeOffsetMs}` });
  }
  checkNumber(problems, 'scrapeTimeoutMs', scrapeTimeoutMs, { min: 0, exclusiveMin: true });
  if (scrapeTimeoutMs > resolutionMs) {
    problems.push({ path: 'scrapeTimeoutMs', message: `must not exceed resolutionMs (${resolutionMs}), got ${scrapeTimeoutMs}` });
  }
  checkNumber(problems, 'stopTimeoutMs', stopTimeoutMs, { min: 0 });
  checkNumber(problems, 'retry.initialBackoffMs', retry.initialBackoffMs, { min: 0 });
  checkNumber(problems, 'retry.maxBackoffMs', retry.maxBackoffMs, { min: retry.initialBackoffMs });
  checkNumber(problems, 'retry.maxAttempts', retry.maxAttempts, { min: 1, integer: true });
  options.sinks.forEach((registration, index) => {
    checkNumber(problems, `sinks[${index}].queueCapacity`, registration.queueCapacity, { min: 1, integer: true });
    checkNumber(problems, `sinks[${index}].exportTimeoutMs`, registration.exportTimeoutMs, { min: 0, exclusiveMin: true });
    if (registration.dropPolicy !== undefined && !dropPolicies.includes(registration.dropPolicy)) {
      problems.push({
        path: `sinks[${index}].dropPolicy`,
        message: `must be one of ${dropPolicies.join(', ')}, got ${String(registration.dropPolicy)}`,
      });
    }
  });
  if (problems.length > 0) throw new ConfigError('pipeline options', problems);
  return { resolutionMs, scrapeOffsetMs, scrapeTimeoutMs, stopTimeoutMs, retry };
}

export function resolveSinkRegistration(registration: SinkRegistration): ResolvedSinkRegistration {
  return {
    sink: registration.sink,
    queueCapacity: registration.queueCapacity ?? defaultQueueCapacity,
    dropPolicy: registration.dropPolicy ?? defaultDropPolicy,
    exportTimeoutMs: registration.exportTimeoutMs ?? defaultExportTimeoutMs,
  };
}
