/**
 * Small scripted Source, Processor and Sink fakes for the pipeline's tests: each records its calls and how many ran
 * at once, and behaves as the test says (answer, fail, hang with or without honouring the signal).
 */
import {
  abortReason,
  countPoints,
  Metrics,
  podKey,
  type ComponentHealth,
  type DataBatch,
  type ExportResult,
  type MetricSet,
  type ProcessResult,
  type Processor,
  type Sink,
  type Source,
  type SourceResult,
  type TimeWindow,
} from '@kubestats/core';
import { buildBatch, buildMetricSet } from '@kubestats/testing';

/** A pod set with two points (cpu and memory usage). */
export function podSetOf(pod: string, namespace = 'default'): MetricSet {
  return buildMetricSet({
    key: podKey(namespace, pod),
    metrics: { [Metrics.cpuUsage.name]: 100n, [Metrics.memoryUsage.name]: 2048n },
  });
}

/** A promise that never settles, whatever the signal says: a plugin that ignores its deadline. */
export function never<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}

/** A promise that settles only by rejecting when `signal` aborts: a hung backend behind a well-behaved plugin. */
export function untilAborted<T>(signal: AbortSignal): Promise<T> {
  return new Promise<T>((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(abortReason(signal)), { once: true });
  });
}

/** Counts calls running at once, so tests can assert a component is never called concurrently. */
class Concurrency {
  running = 0;
  max = 0;
  async track<T>(work: Promise<T>): Promise<T> {
    this.running += 1;
    this.max = Math.max(this.max, this.running);
    try {
      return await work;
    } finally {
      this.running -= 1;
    }
  }
}

export class FakeSource implements Source {
  readonly windows: TimeWindow[] = [];
  readonly concurrency = new Concurrency();
  started = 0;
  stopped = 0;
  behaviour: (window: TimeWindow, signal: AbortSignal) => Promise<SourceResult>;

  constructor(
    readonly name: string,
    readonly pods: readonly string[] = ['a'],
  ) {
    this.behaviour = (window) => Promise.resolve(this.resultFor(window));
  }

  resultFor(window: TimeWindow): SourceResult {
    return { batch: buildBatch(window.endMs, this.pods.map((pod) => podSetOf(pod))), failures: [], diagnostics: [] };
  }

  scrape(window: TimeWindow, signal: AbortSignal): Promise<SourceResult> {
    this.windows.push(window);
    return this.concurrency.track(this.behaviour(window, signal));
  }

  start(): Promise<void> {
    this.started += 1;
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.stopped += 1;
    return Promise.resolve();
  }
}

export class FakeProcessor implements Processor {
  readonly inputs: DataBatch[] = [];
  readonly concurrency = new Concurrency();
  behaviour: (batch: DataBatch, signal: AbortSignal) => Promise<ProcessResult>;

  constructor(
    readonly name: string,
    behaviour?: (batch: DataBatch, signal: AbortSignal) => Promise<ProcessResult>,
  ) {
    this.behaviour = behaviour ?? ((batch) => Promise.resolve({ batch, failures: [], diagnostics: [] }));
  }

  process(batch: DataBatch, signal: AbortSignal): Promise<ProcessResult> {
    this.inputs.push(batch);
    return this.concurrency.track(this.behaviour(batch, signal));
  }
}

/** Adds a pod set named after the processor, so tests see which processors contributed. */
export function addingProcessor(name: string, pod: string): FakeProcessor {
  return new FakeProcessor(name, (batch) =>
    Promise.resolve({
      batch: { timestampMs: batch.timestampMs, metricSets: new Map([...batch.metricSets, [podKey('default', pod), podSetOf(pod)]]) },
      failures: [],
      diagnostics: [],
    }),
  );
}

export function writtenAll(batch: DataBatch): ExportResult {
  return { pointsWritten: countPoints(batch), pointsRejected: 0, failures: [] };
}

export class FakeSink implements Sink {
  /** Every export call, in order (retries included). */
  readonly attempts: DataBatch[] = [];
  /** Batches the sink answered successfully. */
  readonly written: DataBatch[] = [];
  readonly concurrency = new Concurrency();
  stopped = 0;
  health?: () => ComponentHealth;
  behaviour: (batch: DataBatch, signal: AbortSignal, attempt: number) => Promise<ExportResult>;

  constructor(
    readonly name: string,
    behaviour?: (batch: DataBatch, signal: AbortSignal, attempt: number) => Promise<ExportResult>,
  ) {
    this.behaviour = behaviour ?? ((batch) => Promise.resolve(writtenAll(batch)));
  }

  async export(batch: DataBatch, signal: AbortSignal): Promise<ExportResult> {
    this.attempts.push(batch);
    const result = await this.concurrency.track(this.behaviour(batch, signal, this.attempts.length));
    this.written.push(batch);
    return result;
  }

  stop(): Promise<void> {
    this.stopped += 1;
    return Promise.resolve();
  }
}
