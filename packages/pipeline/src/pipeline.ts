/**
 * The host: Heapster's housekeeping loop done right. Ticks aligned to the wall clock run one cycle at a time (a tick
 * that finds the previous cycle running is skipped and counted, never queued or overlapped); each cycle's batch is
 * handed to every sink's own queue, so a slow or dead sink delays neither the others nor the next cycle. Everything
 * the loop drops, skips or retries is counted in self-metrics and recorded as a diagnostic.
 */
import {
  DiagnosticsLog,
  errorMessage,
  silentLogger,
  systemClock,
  type Clock,
  type Diagnostic,
  type DiagnosticInput,
  type Logger,
  type Processor,
  type Source,
  type TimeWindow,
} from '@kubestats/core';
import { Registry } from 'prom-client';
import { clockTimeoutSignal, settlesBeforeAbort } from './clock-signal.js';
import { ComponentCall } from './component-call.js';
import { uniqueNames } from './component-names.js';
import { assessHealth, type PipelineHealth } from './health.js';
import {
  resolveSinkRegistration,
  resolveTiming,
  type PipelineOptions,
  type ResolvedTiming,
} from './pipeline-options.js';
import { runCycle, type CycleContext, type CycleReport, type Participant } from './run-cycle.js';
import { SelfMetrics } from './self-metrics.js';
import { SinkQueue } from './sink-queue.js';
import { lastCompleteWindow, TickSchedule, type Tick } from './tick-schedule.js';
import { WarnOnce } from './warn-once.js';

export interface Pipeline {
  /** Starts every component, then ticks aligned to the wall clock until stop(). */
  start(): Promise<void>;
  /**
   * Runs one full cycle now (after any cycle in flight) and resolves once its batch is handed to the sink queues.
   * Starts the components first if start() has not. Default window: the last complete resolution interval.
   */
  runOnce(window?: TimeWindow): Promise<CycleReport>;
  /**
   * Stops ticking, waits for the cycle in flight and flushes the sink queues, both within stopTimeoutMs; drops what
   * is left (reason sink-stopped); then stops every component, each within stopTimeoutMs. Rejects naming the
   * components whose stop() failed or hung, after all of them had their chance.
   */
  stop(): Promise<void>;
  health(): PipelineHealth;
  /** Calls `listener` after every completed cycle; returns the unsubscribe function. */
  onCycle(listener: (report: CycleReport) => void): () => void;
  readonly diagnostics: DiagnosticsLog;
  readonly registry: Registry;
}

/** Diagnostics older than this many resolutions are forgotten, so a cleared problem stops being explained. */
export const diagnosticsRetentionResolutions = 3;

/** The key of diagnostics about the loop itself (skipped ticks). */
export const pipelineDiagnosticKey = 'pipeline';

export function createPipeline(options: PipelineOptions): Pipeline {
  return new HousekeepingPipeline(options);
}

interface RunningCycle {
  readonly startedAtMs: number;
  readonly controller: AbortController;
  /** Settles (never rejects) when the cycle is over. */
  readonly settled: Promise<void>;
}

interface Lifecycle {
  start?(signal: AbortSignal): Promise<void>;
  stop?(): Promise<void>;
}

interface NamedLifecycle {
  readonly name: string;
  readonly component: Lifecycle;
}

class HousekeepingPipeline implements Pipeline {
  readonly diagnostics: DiagnosticsLog;
  readonly registry: Registry;
  readonly #timing: ResolvedTiming;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #metrics: SelfMetrics;
  readonly #warnOnce: WarnOnce;
  readonly #sources: Participant<Source>[];
  readonly #processors: Participant<Processor>[];
  readonly #queues: SinkQueue[];
  readonly #components: NamedLifecycle[];
  readonly #schedule: TickSchedule;
  readonly #lifetime = new AbortController();
  readonly #listeners = new Set<(report: CycleReport) => void>();
  #componentsStarted: Promise<void> | undefined;
  #started: Promise<void> | undefined;
  #stopped: Promise<void> | undefined;
  #cycle: RunningCycle | undefined;
  #cyclesCompleted = 0;
  #cyclesSkipped = 0;
  #latestBatch: { readonly timestampMs: number; readonly metricSetCount: number } | undefined;

  constructor(options: PipelineOptions) {
    this.#timing = resolveTiming(options);
    this.#clock = options.clock ?? systemClock;
    this.#logger = (options.logger ?? silentLogger).child({ component: 'pipeline' });
    this.registry = options.registry ?? new Registry();
    this.diagnostics = options.diagnostics ?? new DiagnosticsLog();
    this.#warnOnce = new WarnOnce(this.#logger);
    this.#metrics = new SelfMetrics(this.registry, () => this.health(), this.diagnostics);

    const names = uniqueNames([
      ...options.sources.map((source) => source.name),
      ...options.processors.map((processor) => processor.name),
      ...options.sinks.map((registration) => registration.sink.name),
    ]);
    let next = 0;
    const participant = <C>(component: C): Participant<C> => {
      const name = names[next++] ?? `component#${next}`;
      return { component, name, call: new ComponentCall(this.#clock, name) };
    };
    this.#sources = options.sources.map(participant);
    this.#processors = options.processors.map(participant);
    this.#queues = options.sinks.map((registration) => {
      const name = names[next++] ?? `sink#${next}`;
      return new SinkQueue({
        name,
        registration: resolveSinkRegistration(registration),
        retry: this.#timing.retry,
        clock: this.#clock,
        metrics: this.#metrics,
        record: (input) => this.#record(input),
        warnOnce: this.#warnOnce,
        logger: this.#logger,
      });
    });
    this.#components = [
      ...this.#sources,
      ...this.#processors,
      ...options.sinks.map((registration, index) => ({
        component: registration.sink,
        name: this.#queues[index]?.name ?? registration.sink.name,
      })),
    ];
    this.#schedule = new TickSchedule(this.#clock, this.#timing.resolutionMs, this.#timing.scrapeOffsetMs, (tick) =>
      this.#onTick(tick),
    );
  }

  start(): Promise<void> {
    if (this.#stopped) return Promise.reject(new Error('pipeline: start() after stop()'));
    this.#started ??= this.#startComponents().then(() => {
      if (this.#stopped) return;
      this.#schedule.start();
      this.#logger.info(
        { resolutionMs: this.#timing.resolutionMs, nextTickAtMs: this.#schedule.nextDueAtMs },
        'pipeline started',
      );
    });
    return this.#started;
  }

  async runOnce(window?: TimeWindow): Promise<CycleReport> {
    if (this.#stopped) throw new Error('pipeline: runOnce() after stop()');
    await this.#startComponents();
    // Cycles never overlap: wait for whichever cycle runs (a tick may start another meanwhile).
    while (this.#cycle) await this.#cycle.settled;
    if (this.#stopped) throw new Error('pipeline: runOnce() after stop()');
    return this.#startCycle(window ?? lastCompleteWindow(this.#clock.now(), this.#timing.resolutionMs));
  }

  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  health(): PipelineHealth {
    return assessHealth({
      nowMs: this.#clock.now(),
      resolutionMs: this.#timing.resolutionMs,
      scrapeTimeoutMs: this.#timing.scrapeTimeoutMs,
      cyclesCompleted: this.#cyclesCompleted,
      cyclesSkipped: this.#cyclesSkipped,
      latestBatch: this.#latestBatch,
      nextTickDueAtMs: this.#schedule.nextDueAtMs,
      cycleRunningSinceMs: this.#cycle?.startedAtMs,
      sinks: this.#queues.map((queue) => queue.health()),
    });
  }

  onCycle(listener: (report: CycleReport) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #startComponents(): Promise<void> {
    this.#componentsStarted ??= (async () => {
      const signal = this.#lifetime.signal;
      const outcomes = await Promise.allSettled(this.#components.map(async ({ component }) => component.start?.(signal)));
      const problems = outcomes.flatMap((outcome, index) =>
        outcome.status === 'rejected'
          ? [`${this.#components[index]?.name ?? `component ${index}`}: ${errorMessage(outcome.reason)}`]
          : [],
      );
      if (problems.length > 0) {
        const cause = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
        throw new Error(`pipeline start: ${problems.join('; ')}`, { cause });
      }
    })();
    return this.#componentsStarted;
  }

  #onTick(tick: Tick): void {
    if (tick.missedTicks > 0) {
      const lateMs = this.#clock.now() - tick.dueAtMs;
      this.#skip(tick.missedTicks, `the tick timer fired ${lateMs} ms late; ${tick.missedTicks} ticks were missed`);
    }
    const running = this.#cycle;
    if (running) {
      this.#skip(
        1,
        `the cycle started at ${new Date(running.startedAtMs).toISOString()} was still running at the tick due ` +
          `${new Date(tick.dueAtMs).toISOString()}`,
      );
      return;
    }
    this.#startCycle(tick.window).catch((error: unknown) => {
      this.#logger.error({ err: error, window: tick.window }, 'cycle failed');
    });
  }

  #skip(ticks: number, detail: string): void {
    this.#cyclesSkipped += ticks;
    this.#metrics.cyclesSkipped.inc(ticks);
    this.#record({ key: pipelineDiagnosticKey, stage: 'pipeline', reason: 'cycle-overrun', detail });
    this.#warnOnce.warn(pipelineDiagnosticKey, 'cycle-overrun', { ticks, detail }, 'tick skipped');
  }

  #startCycle(window: TimeWindow): Promise<CycleReport> {
    const controller = new AbortController();
    const startedAtMs = this.#clock.now();
    const done = this.#runCycle(window, controller.signal);
    const cycle: RunningCycle = {
      startedAtMs,
      controller,
      settled: done.then(
        () => undefined,
        () => undefined,
      ),
    };
    this.#cycle = cycle;
    void cycle.settled.then(() => {
      if (this.#cycle === cycle) this.#cycle = undefined;
    });
    return done;
  }

  async #runCycle(window: TimeWindow, signal: AbortSignal): Promise<CycleReport> {
    const context: CycleContext = {
      clock: this.#clock,
      resolutionMs: this.#timing.resolutionMs,
      scrapeTimeoutMs: this.#timing.scrapeTimeoutMs,
      sources: this.#sources,
      processors: this.#processors,
      metrics: this.#metrics,
      warnOnce: this.#warnOnce,
      record: (input) => this.#record(input),
    };
    const report = await runCycle(context, window, signal);
    for (const queue of this.#queues) queue.offer(report.batch);

    this.#cyclesCompleted += 1;
    this.#metrics.cyclesCompleted.inc();
    this.#metrics.cycleDuration.observe(report.durationMs / 1000);
    this.#latestBatch = { timestampMs: report.batch.timestampMs, metricSetCount: report.batch.metricSets.size };
    this.diagnostics.expireBefore(
      this.#clock.now() - diagnosticsRetentionResolutions * this.#timing.resolutionMs,
    );
    this.#logger.debug(
      {
        windowEndMs: window.endMs,
        metricSets: report.batch.metricSets.size,
        failures: report.failures.length,
        durationMs: report.durationMs,
      },
      'cycle complete',
    );
    for (const listener of this.#listeners) {
      try {
        listener(report);
      } catch (error) {
        this.#logger.error({ err: error }, 'cycle listener threw');
      }
    }
    return report;
  }

  #record(input: DiagnosticInput): Diagnostic {
    const diagnostic: Diagnostic = { ...input, atMs: this.#clock.now() };
    this.diagnostics.record(diagnostic);
    this.#metrics.countDiagnostic(diagnostic.reason);
    return diagnostic;
  }

  async #stop(): Promise<void> {
    const { stopTimeoutMs } = this.#timing;
    this.#schedule.cancel();

    // Phase 1: the cycle in flight, then the sink queues, within stopTimeoutMs together.
    const flushBound = clockTimeoutSignal(this.#clock, stopTimeoutMs, `pipeline stop: flush exceeded ${stopTimeoutMs} ms`);
    const cycle = this.#cycle;
    if (cycle && !(await settlesBeforeAbort(cycle.settled, flushBound.signal))) {
      cycle.controller.abort(new Error('pipeline stopping'));
      // Every component call resolves on abort, so the cycle ends within microtasks and hands its batch off.
      await cycle.settled;
    }
    await Promise.all(this.#queues.map((queue) => queue.whenIdle(flushBound.signal)));
    flushBound.cancel();
    const leftovers = this.#queues.map((queue) => ({ sink: queue.name, batches: queue.depth }));
    for (const queue of this.#queues) queue.close();
    this.#lifetime.abort(new Error('pipeline stopping'));

    // Phase 2: every component's stop(), each within stopTimeoutMs, concurrently.
    const problems = (
      await Promise.all(
        this.#components.map(async ({ component, name }) => {
          if (!component.stop) return undefined;
          const outcome = await new ComponentCall(this.#clock, name).run(stopTimeoutMs, undefined, async () =>
            component.stop?.(),
          );
          if (outcome.status === 'ok') return undefined;
          return outcome.status === 'failed'
            ? `${name}: ${errorMessage(outcome.error)}`
            : `${name}: did not stop within ${stopTimeoutMs} ms`;
        }),
      )
    ).filter((problem): problem is string => problem !== undefined);

    this.#logger.info({ leftovers, cyclesCompleted: this.#cyclesCompleted }, 'pipeline stopped');
    if (problems.length > 0) {
      this.#logger.error({ problems }, 'components failed to stop');
      throw new Error(`pipeline stop: ${problems.join('; ')}`);
    }
  }
}
