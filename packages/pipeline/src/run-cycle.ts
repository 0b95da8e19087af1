/**
 * One housekeeping cycle: scrape every source concurrently under the scrape deadline, merge their batches, run the
 * processors in order within the cycle's budget (one resolution), and report what happened. Unlike Heapster, a
 * failing or late component costs only its own contribution: late sources are abandoned at the deadline and the
 * rest is kept, and a failing processor is skipped with the batch from before it kept (Heapster dropped the whole
 * batch for every sink). Handing the batch to the sinks is the pipeline's job, not the cycle's.
 */
import {
  errorMessage,
  type Clock,
  type DataBatch,
  type Diagnostic,
  type DiagnosticInput,
  type DiagnosticStage,
  type ItemFailure,
  type MetricSet,
  type ProcessResult,
  type Processor,
  type Source,
  type SourceResult,
  type TimeWindow,
} from '@kubestats/core';
import type { CallOutcome, ComponentCall } from './component-call.js';
import type { SelfMetrics } from './self-metrics.js';
import type { WarnOnce } from './warn-once.js';

export interface CycleReport {
  readonly window: TimeWindow;
  /** The batch after processors, as handed to the sinks. */
  readonly batch: DataBatch;
  readonly startedAtMs: number;
  readonly durationMs: number;
  /** Failures of sources and processors in this cycle (sink failures happen later, in the sink workers). */
  readonly failures: readonly ItemFailure[];
  /** Diagnostics recorded during this cycle, failures included. */
  readonly diagnostics: readonly Diagnostic[];
}

/** A component instance with its unique name and its call guard. */
export interface Participant<C> {
  readonly component: C;
  readonly name: string;
  readonly call: ComponentCall;
}

export interface CycleContext {
  readonly clock: Clock;
  readonly resolutionMs: number;
  readonly scrapeTimeoutMs: number;
  readonly sources: readonly Participant<Source>[];
  readonly processors: readonly Participant<Processor>[];
  readonly metrics: SelfMetrics;
  readonly warnOnce: WarnOnce;
  /** Records a diagnostic with the clock's time and returns it. */
  readonly record: (input: DiagnosticInput) => Diagnostic;
}

type CallResult = SourceResult | ProcessResult;

export async function runCycle(context: CycleContext, window: TimeWindow, signal: AbortSignal): Promise<CycleReport> {
  const { clock, metrics } = context;
  const startedAtMs = clock.now();
  const failures: ItemFailure[] = [];
  const diagnostics: Diagnostic[] = [];

  const record = (input: DiagnosticInput): void => {
    diagnostics.push(context.record(input));
  };
  const fail = (name: string, stage: DiagnosticStage, failure: ItemFailure): void => {
    failures.push(failure);
    metrics.componentFailures.inc({ component: name, reason: failure.reason });
    record({
      key: failure.key,
      stage,
      reason: failure.reason,
      detail: failure.detail,
      ...(failure.node === undefined ? {} : { node: failure.node }),
    });
    context.warnOnce.warn(name, failure.reason, { key: failure.key, detail: failure.detail }, 'component failure');
  };

  /** Books an outcome; returns the result when the call succeeded. */
  const settle = <R extends CallResult>(
    participant: Participant<unknown>,
    stage: DiagnosticStage,
    verb: string,
    timeoutMs: number,
    outcome: CallOutcome<R>,
  ): R | undefined => {
    const { name } = participant;
    metrics.componentDuration.observe({ component: name }, outcome.durationMs / 1000);
    switch (outcome.status) {
      case 'ok': {
        for (const failure of outcome.value.failures) fail(name, stage, failure);
        for (const diagnostic of outcome.value.diagnostics) record(diagnostic);
        metrics.componentLastSuccess.set({ component: name }, clock.now() / 1000);
        if (outcome.value.failures.length === 0) context.warnOnce.clear(name);
        return outcome.value;
      }
      case 'failed':
        fail(name, stage, {
          key: name,
          reason: 'component-failed',
          detail: `${name}: ${verb} failed: ${errorMessage(outcome.error)}`,
          cause: outcome.error,
        });
        return undefined;
      case 'deadline':
        fail(name, stage, {
          key: name,
          reason: 'component-deadline',
          detail: `${name}: ${verb} did not finish within ${timeoutMs} ms; abandoned, a late result is discarded`,
        });
        return undefined;
      case 'aborted':
        fail(name, stage, {
          key: name,
          reason: 'component-deadline',
          detail: `${name}: ${verb} aborted: ${outcome.error.message}`,
        });
        return undefined;
    }
  };

  const stillBusy = (participant: Participant<unknown>, stage: DiagnosticStage, verb: string): void => {
    const since = participant.call.busySinceMs ?? startedAtMs;
    fail(participant.name, stage, {
      key: participant.name,
      reason: 'component-deadline',
      detail: `${participant.name}: skipped, its previous ${verb} is still running after ${clock.now() - since} ms`,
    });
  };

  /** Scrapes every source concurrently, each under the scrape deadline, and merges their batches. */
  const scrapeAndMerge = async (): Promise<DataBatch> => {
    const scraped = await Promise.all(
      context.sources.map(async (participant) => {
        if (participant.call.busy) {
          stillBusy(participant, 'scrape', 'scrape');
          return undefined;
        }
        const outcome = await participant.call.run(context.scrapeTimeoutMs, signal, (callSignal) =>
          participant.component.scrape(window, callSignal),
        );
        return settle(participant, 'scrape', 'scrape', context.scrapeTimeoutMs, outcome);
      }),
    );
    // Merge in source order: a key reported twice keeps the later source's set, and is counted. With one source (the
    // usual deployment) its batch is used as is: copying ~100,000 entries per cycle would buy nothing.
    const delivered = scraped.filter((result) => result !== undefined);
    const merged: ReadonlyMap<string, MetricSet> =
      delivered.length === 1 && delivered[0] ? delivered[0].batch.metricSets : mergeSources(scraped, context, record);
    return { timestampMs: window.endMs, metricSets: merged };
  };
  // Not inlined: an async function keeps its dead locals alive across every later await, so the scraped results
  // held here would keep each source's whole batch alive through all the processors, after the first has replaced it.
  let batch = await scrapeAndMerge();

  // Process: in order, within the cycle's budget; a processor that fails or runs late is skipped.
  const cycleDeadlineMs = startedAtMs + context.resolutionMs;
  for (const participant of context.processors) {
    if (participant.call.busy) {
      stillBusy(participant, 'pipeline', 'process');
      continue;
    }
    const remainingMs = cycleDeadlineMs - clock.now();
    if (remainingMs <= 0) {
      fail(participant.name, 'pipeline', {
        key: participant.name,
        reason: 'component-deadline',
        detail: `${participant.name}: skipped, the cycle used its ${context.resolutionMs} ms budget before it ran`,
      });
      continue;
    }
    const input = batch;
    const outcome = await participant.call.run(remainingMs, signal, (callSignal) =>
      participant.component.process(input, callSignal),
    );
    const result = settle(participant, 'pipeline', 'process', remainingMs, outcome);
    if (result) batch = result.batch;
  }

  return { window, batch, startedAtMs, durationMs: clock.now() - startedAtMs, failures, diagnostics };
}

function mergeSources(
  scraped: readonly (SourceResult | undefined)[],
  context: CycleContext,
  record: (input: DiagnosticInput) => void,
): Map<string, MetricSet> {
  const merged = new Map<string, MetricSet>();
  scraped.forEach((result, index) => {
    const participant = context.sources[index];
    if (!result || !participant) return;
    let duplicates = 0;
    for (const [key, set] of result.batch.metricSets) {
      if (merged.has(key)) {
        duplicates += 1;
        record({
          key,
          stage: 'pipeline',
          reason: 'key-from-several-sources',
          detail: `${key}: reported by ${earlierSourceOf(key, scraped, index, context)} and ${participant.name}; kept ${participant.name}'s set (the later --source)`,
        });
      }
      merged.set(key, set);
    }
    if (duplicates > 0) {
      context.metrics.sourceDuplicateKeys.inc({ component: participant.name }, duplicates);
      context.warnOnce.warn(participant.name, 'duplicate-key', { duplicates }, 'source repeated keys of an earlier source');
    }
  });
  return merged;
}

/** The source that delivered `key` last before `index`; only looked up for duplicates, which are rare. */
function earlierSourceOf(
  key: string,
  scraped: readonly (SourceResult | undefined)[],
  index: number,
  context: CycleContext,
): string {
  for (let earlier = index - 1; earlier >= 0; earlier--) {
    if (scraped[earlier]?.batch.metricSets.has(key)) return context.sources[earlier]?.name ?? `source #${earlier}`;
  }
  return 'an earlier source';
}
