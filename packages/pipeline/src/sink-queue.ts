/**
 * One sink's bounded queue and its worker: the fix for Heapster's unbuffered hand-off that silently lost a batch
 * whenever a sink was busy (#1459). The cycle hands a batch over with `offer()` and never waits; the worker exports
 * one batch at a time under the export deadline, retries retryable failures with jittered backoff while the batch
 * stays at the head, and counts every batch and point it gives up on, with the reason.
 *
 * Capacity counts batches waiting behind the one being exported. When the queue is full:
 * - `drop-oldest` drops the oldest waiting batch (the one being exported is never dropped by overflow);
 * - `drop-newest` drops the offered batch;
 * - `block` parks the offered batch beside the queue until space frees, for at most exportTimeoutMs, then drops it.
 *   Only this sink's hand-off waits: the cycle, the next tick and the other sinks go on.
 */
import {
  countPoints,
  errorMessage,
  isPermanentError,
  sleep,
  type Clock,
  type DataBatch,
  type DiagnosticInput,
  type DiagnosticReason,
  type ExportResult,
  type Logger,
  type TimerHandle,
} from '@kubestats/core';
import { backoffDelayMs } from './backoff.js';
import { ComponentCall } from './component-call.js';
import type { SinkHealth } from './health.js';
import type { ResolvedRetry, ResolvedSinkRegistration } from './pipeline-options.js';
import type { SelfMetrics } from './self-metrics.js';
import type { WarnOnce } from './warn-once.js';

export interface SinkQueueDeps {
  readonly name: string;
  readonly registration: ResolvedSinkRegistration;
  readonly retry: ResolvedRetry;
  readonly clock: Clock;
  readonly metrics: SelfMetrics;
  /** Records a diagnostic (the pipeline adds the time and counts it). */
  readonly record: (input: DiagnosticInput) => void;
  readonly warnOnce: WarnOnce;
  readonly logger: Logger;
  /** Jitter source, [0, 1); Math.random by default. */
  readonly random?: () => number;
}

interface Entry {
  readonly batch: DataBatch;
  readonly points: number;
  /** Written or dropped: counted once, whatever races with stop(). */
  settled: boolean;
}

interface BlockedOffer {
  readonly entry: Entry;
  readonly timer: TimerHandle;
}

export class SinkQueue {
  readonly #deps: SinkQueueDeps;
  readonly #call: ComponentCall;
  readonly #closeController = new AbortController();
  readonly #waiting: Entry[] = [];
  readonly #blocked: BlockedOffer[] = [];
  readonly #idleListeners: (() => void)[] = [];
  #head: Entry | undefined;
  #workerRunning = false;
  #closed = false;
  #lastSuccessMs: number | undefined;
  #lastProblem: string | undefined;
  #droppedBatches = 0;
  #droppedPoints = 0;

  constructor(deps: SinkQueueDeps) {
    this.#deps = deps;
    this.#call = new ComponentCall(deps.clock, deps.name);
    this.#updateDepth();
  }

  get name(): string {
    return this.#deps.name;
  }

  /** Batches held: waiting plus the one being exported (parked `block` offers not included). */
  get depth(): number {
    return this.#waiting.length + (this.#head ? 1 : 0);
  }

  /** Hands a batch to this sink without waiting. */
  offer(batch: DataBatch): void {
    const entry: Entry = { batch, points: countPoints(batch), settled: false };
    const { queueCapacity, dropPolicy, exportTimeoutMs } = this.#deps.registration;
    if (this.#closed) {
      this.#drop(entry, 'sink-stopped', 'offered after the sink queue closed');
      return;
    }
    if (this.#waiting.length >= queueCapacity) {
      if (dropPolicy === 'drop-newest') {
        this.#drop(entry, 'sink-queue-overflow', `queue full (${queueCapacity} waiting), dropped the newest batch`);
        return;
      }
      if (dropPolicy === 'block') {
        const timer = this.#deps.clock.setTimeout(() => {
          const index = this.#blocked.findIndex((offer) => offer.entry === entry);
          if (index >= 0) this.#blocked.splice(index, 1);
          this.#drop(entry, 'sink-queue-overflow', `queue full (${queueCapacity} waiting) for ${exportTimeoutMs} ms`);
          this.#notifyIfIdle();
        }, exportTimeoutMs);
        this.#blocked.push({ entry, timer });
        return;
      }
      const oldest = this.#waiting.shift();
      if (oldest) {
        this.#drop(oldest, 'sink-queue-overflow', `queue full (${queueCapacity} waiting), dropped the oldest batch`);
      }
    }
    this.#waiting.push(entry);
    this.#updateDepth();
    this.#kick();
  }

  /** Resolves once nothing is held or parked for this sink, or when `signal` aborts. */
  whenIdle(signal?: AbortSignal): Promise<void> {
    if (this.#isIdle() || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const onAbort = (): void => resolve();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#idleListeners.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  /** Stops the worker (aborting an export in flight) and drops everything still held, with reason sink-stopped. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeController.abort(new Error(`${this.#deps.name}: pipeline stopping`));
    const leftovers = [...(this.#head ? [this.#head] : []), ...this.#waiting.splice(0)];
    for (const offer of this.#blocked.splice(0)) {
      this.#deps.clock.clearTimeout(offer.timer);
      leftovers.push(offer.entry);
    }
    this.#head = undefined;
    for (const entry of leftovers) this.#drop(entry, 'sink-stopped', 'still queued when the pipeline stopped');
    this.#updateDepth();
    this.#notifyIfIdle();
  }

  health(): SinkHealth {
    const { sink, queueCapacity } = this.#deps.registration;
    let own: { ready: boolean; detail: string } = { ready: true, detail: 'ok' };
    try {
      if (sink.health) own = sink.health();
    } catch (error) {
      own = { ready: false, detail: `health() failed: ${errorMessage(error)}` };
    }
    const parts = [own.detail, `${this.depth} queued (capacity ${queueCapacity} + 1 in export)`];
    const busySince = this.#call.busySinceMs;
    if (busySince !== undefined) parts.push(`export running for ${this.#deps.clock.now() - busySince} ms`);
    if (this.#lastProblem) parts.push(`last problem: ${this.#lastProblem}`);
    return {
      name: this.#deps.name,
      ready: own.ready,
      detail: parts.join('; '),
      queueDepth: this.depth,
      lastSuccessMs: this.#lastSuccessMs,
      droppedBatches: this.#droppedBatches,
      droppedPoints: this.#droppedPoints,
    };
  }

  #isIdle(): boolean {
    return this.#head === undefined && this.#waiting.length === 0 && this.#blocked.length === 0;
  }

  #notifyIfIdle(): void {
    if (!this.#isIdle()) return;
    for (const listener of this.#idleListeners.splice(0)) listener();
  }

  #updateDepth(): void {
    this.#deps.metrics.sinkQueueDepth.set({ sink: this.#deps.name }, this.depth);
  }

  #kick(): void {
    if (this.#workerRunning || this.#closed) return;
    this.#workerRunning = true;
    this.#work().catch((error: unknown) => {
      this.#deps.logger.error({ sink: this.#deps.name, err: error }, 'sink worker crashed');
    });
  }

  async #work(): Promise<void> {
    try {
      for (let entry = this.#takeNext(); entry; entry = this.#takeNext()) {
        this.#head = entry;
        this.#updateDepth();
        await this.#deliver(entry);
        if (this.#head === entry) this.#head = undefined;
        this.#updateDepth();
      }
    } finally {
      this.#workerRunning = false;
      this.#notifyIfIdle();
    }
  }

  #takeNext(): Entry | undefined {
    if (this.#closed) return undefined;
    const entry = this.#waiting.shift();
    // Space freed: parked `block` offers enter in the order they arrived.
    while (this.#waiting.length < this.#deps.registration.queueCapacity) {
      const offer = this.#blocked.shift();
      if (!offer) break;
      this.#deps.clock.clearTimeout(offer.timer);
      this.#waiting.push(offer.entry);
    }
    return entry;
  }

  async #deliver(entry: Entry): Promise<void> {
    const { name, registration, retry, metrics } = this.#deps;
    const signal = this.#closeController.signal;
    for (let attempt = 1; ; attempt++) {
      // An export abandoned at its deadline may still be running: never call the sink concurrently.
      await this.#call.whenIdle(signal);
      if (entry.settled || this.#closed) return;
      const outcome = await this.#call.run(registration.exportTimeoutMs, signal, (callSignal) =>
        registration.sink.export(entry.batch, callSignal),
      );
      metrics.componentDuration.observe({ component: name }, outcome.durationMs / 1000);
      // Closed meanwhile: close() has already counted the batch.
      if (entry.settled || this.#closed || outcome.status === 'aborted') return;
      if (outcome.status === 'ok') {
        this.#written(entry, outcome.value);
        return;
      }
      const permanent = outcome.status === 'failed' && isPermanentError(outcome.error);
      const reason: DiagnosticReason =
        outcome.status === 'deadline' ? 'component-deadline' : permanent ? 'sink-rejected' : 'component-failed';
      const detail =
        outcome.status === 'deadline'
          ? `${name}: export did not finish within ${registration.exportTimeoutMs} ms`
          : `${name}: export failed: ${errorMessage(outcome.error)}`;
      this.#failure(reason, detail, outcome.status === 'failed' ? outcome.error : undefined);
      if (permanent) {
        this.#drop(entry, 'sink-rejected', detail);
        return;
      }
      if (attempt >= retry.maxAttempts) {
        this.#drop(entry, reason, `${detail}; gave up after ${attempt} attempts`);
        return;
      }
      const delayMs = backoffDelayMs(attempt, retry, this.#deps.random);
      metrics.sinkRetries.inc({ sink: name });
      this.#deps.record({
        key: name,
        stage: 'export',
        reason: 'sink-retry',
        detail: `${detail}; attempt ${attempt + 1} of ${retry.maxAttempts} in ${delayMs} ms`,
      });
      // The sleep rejects only when the queue closes, and close() counts the batch; nothing is lost here.
      await sleep(this.#deps.clock, delayMs, signal).catch(() => undefined);
    }
  }

  #written(entry: Entry, result: ExportResult): void {
    const { name, metrics, clock } = this.#deps;
    entry.settled = true;
    this.#lastSuccessMs = clock.now();
    metrics.componentLastSuccess.set({ component: name }, this.#lastSuccessMs / 1000);
    metrics.sinkPointsWritten.inc({ sink: name }, result.pointsWritten);
    if (result.pointsRejected > 0) {
      this.#droppedPoints += result.pointsRejected;
      metrics.sinkDroppedPoints.inc({ sink: name, reason: 'sink-rejected' }, result.pointsRejected);
    }
    for (const failure of result.failures) {
      metrics.componentFailures.inc({ component: name, reason: failure.reason });
      this.#deps.record({
        key: failure.key,
        stage: 'export',
        reason: failure.reason,
        detail: failure.detail,
        ...(failure.node === undefined ? {} : { node: failure.node }),
      });
    }
    if (result.failures.length === 0 && result.pointsRejected === 0) {
      this.#deps.warnOnce.clear(name);
      this.#lastProblem = undefined;
    } else {
      this.#lastProblem = `${result.pointsRejected} points rejected, ${result.failures.length} failures`;
      this.#deps.warnOnce.warn(name, 'sink-rejected', { pointsRejected: result.pointsRejected }, 'sink rejected points');
    }
  }

  #failure(reason: DiagnosticReason, detail: string, error: unknown): void {
    const { name, metrics } = this.#deps;
    this.#lastProblem = detail;
    metrics.componentFailures.inc({ component: name, reason });
    this.#deps.record({ key: name, stage: 'export', reason, detail });
    this.#deps.warnOnce.warn(name, reason, { err: error, detail }, 'sink export failed');
  }

  #drop(entry: Entry, reason: DiagnosticReason, why: string): void {
    if (entry.settled) return;
    entry.settled = true;
    const { name, metrics } = this.#deps;
    this.#droppedBatches += 1;
    this.#droppedPoints += entry.points;
    metrics.sinkDroppedBatches.inc({ sink: name, reason });
    metrics.sinkDroppedPoints.inc({ sink: name, reason }, entry.points);
    const stamped = new Date(entry.batch.timestampMs).toISOString();
    this.#deps.record({
      key: name,
      stage: 'export',
      reason,
      detail: `${name}: dropped the batch of ${stamped} (${entry.points} points): ${why}`,
    });
    this.#deps.warnOnce.warn(name, `drop:${reason}`, { reason, points: entry.points }, 'sink dropped a batch');
  }
}
