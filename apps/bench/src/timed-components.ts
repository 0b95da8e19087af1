/**
 * Wrappers that charge each component call's CPU and wall time to a stage (`scrape`, `process/<name>`, `export`) in
 * a StageLedger, without changing what the component does. The pipeline sees the same names, lifecycles and
 * results, so its behaviour is the app's; the ledger gives the per-cycle split the CycleReport cannot.
 */
import type { DataBatch, ExportResult, Processor, ProcessResult, Sink, Source, SourceResult, TimeWindow } from '@kubestats/core';
import { elapsedSince, sampleNow, type Sample } from './cpu-time.js';

export const scrapeStage = 'scrape';
export const exportStage = 'export';
export const processStagePrefix = 'process/';

/** Per-stage CPU and wall time since the last take(). */
export class StageLedger {
  #stages = new Map<string, Sample>();

  add(stage: string, sample: Sample): void {
    const previous = this.#stages.get(stage);
    this.#stages.set(
      stage,
      previous ? { cpuMs: previous.cpuMs + sample.cpuMs, wallMs: previous.wallMs + sample.wallMs } : sample,
    );
  }

  /** Returns the stages booked since the previous take() and starts afresh. */
  take(): ReadonlyMap<string, Sample> {
    const stages = this.#stages;
    this.#stages = new Map();
    return stages;
  }
}

async function timed<T>(ledger: StageLedger, stage: string, call: () => Promise<T>): Promise<T> {
  const start = sampleNow();
  try {
    return await call();
  } finally {
    ledger.add(stage, elapsedSince(start));
  }
}

export function timedSource(source: Source, ledger: StageLedger): Source {
  return {
    name: source.name,
    ...(source.start ? { start: (signal: AbortSignal) => source.start?.(signal) ?? Promise.resolve() } : {}),
    ...(source.stop ? { stop: () => source.stop?.() ?? Promise.resolve() } : {}),
    ...(source.health ? { health: () => source.health?.() ?? { ready: true, detail: '' } } : {}),
    scrape: (window: TimeWindow, signal: AbortSignal): Promise<SourceResult> =>
      timed(ledger, scrapeStage, () => source.scrape(window, signal)),
  };
}

export function timedProcessor(processor: Processor, ledger: StageLedger): Processor {
  const stage = `${processStagePrefix}${processor.name}`;
  return {
    name: processor.name,
    ...(processor.start ? { start: (signal: AbortSignal) => processor.start?.(signal) ?? Promise.resolve() } : {}),
    ...(processor.stop ? { stop: () => processor.stop?.() ?? Promise.resolve() } : {}),
    ...(processor.health ? { health: () => processor.health?.() ?? { ready: true, detail: '' } } : {}),
    process: (batch: DataBatch, signal: AbortSignal): Promise<ProcessResult> =>
      timed(ledger, stage, () => processor.process(batch, signal)),
  };
}

/** A sink wrapper that also lets the bench wait for the export of the batch a cycle hands over. */
export class TimedSink implements Sink {
  readonly name: string;
  readonly #sink: Sink;
  readonly #ledger: StageLedger;
  #waiters: ((result: ExportResult | Error) => void)[] = [];

  constructor(sink: Sink, ledger: StageLedger) {
    this.name = sink.name;
    this.#sink = sink;
    this.#ledger = ledger;
  }

  async start(signal: AbortSignal): Promise<void> {
    await this.#sink.start?.(signal);
  }

  async stop(): Promise<void> {
    await this.#sink.stop?.();
  }

  /** Resolves with the result of the next export to finish (call it before the cycle that produces the batch). */
  nextExport(): Promise<ExportResult> {
    return new Promise((resolve, reject) => {
      this.#waiters.push((result) => (result instanceof Error ? reject(result) : resolve(result)));
    });
  }

  async export(batch: DataBatch, signal: AbortSignal): Promise<ExportResult> {
    let outcome: ExportResult | Error;
    try {
      outcome = await timed(this.#ledger, exportStage, () => this.#sink.export(batch, signal));
    } catch (error) {
      outcome = error instanceof Error ? error : new Error(`${this.name}: export failed: ${String(error)}`);
      this.#settle(outcome);
      throw error;
    }
    this.#settle(outcome);
    return outcome;
  }

  #settle(outcome: ExportResult | Error): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter(outcome);
  }
}
