/**
 * A Sink for tests of the host and of processors: it records every batch it is asked to export and can be told to
 * fail, hang until released (or aborted), or reject points, so queueing, retry and isolation can be tested without
 * a real backend.
 */
import {
  abortReason,
  countPoints,
  type ComponentHealth,
  type DataBatch,
  type DiagnosticReason,
  type ExportResult,
  type Sink,
} from '@kubestats/core';

type Behaviour =
  | { readonly mode: 'succeed' }
  | { readonly mode: 'fail'; readonly error: Error; remaining: number }
  | { readonly mode: 'hang' }
  | { readonly mode: 'reject'; readonly reason: DiagnosticReason; readonly detail: string };

interface HangingExport {
  readonly batch: DataBatch;
  readonly resolve: (result: ExportResult) => void;
}

export class RecordingSink implements Sink {
  readonly name: string;
  /** Batches exported successfully (including released hangs and rejected points), in order. */
  readonly exported: DataBatch[] = [];
  /** Every batch `export()` was called with, whatever the outcome. */
  readonly attempts: DataBatch[] = [];
  startCalls = 0;
  stopCalls = 0;
  #behaviour: Behaviour = { mode: 'succeed' };
  readonly #hanging = new Set<HangingExport>();
  readonly #waiters: { readonly count: number; readonly resolve: () => void }[] = [];

  constructor(name = 'sink/recording') {
    this.name = name;
  }

  /** The most recently exported batch. */
  get lastBatch(): DataBatch | undefined {
    return this.exported.at(-1);
  }

  /** Exports currently hanging. */
  get pending(): number {
    return this.#hanging.size;
  }

  /** Back to normal: every export succeeds. */
  succeed(): this {
    this.#behaviour = { mode: 'succeed' };
    return this;
  }

  /** The next `times` exports reject with `error` (then succeed again); a PermanentError makes them non-retryable. */
  failWith(error: Error, times = Number.POSITIVE_INFINITY): this {
    this.#behaviour = { mode: 'fail', error, remaining: times };
    return this;
  }

  /** Exports from now on never settle until `release()` or their signal aborts. */
  hang(): this {
    this.#behaviour = { mode: 'hang' };
    return this;
  }

  /** Exports resolve with every point rejected and one failure per batch. */
  rejectPoints(reason: DiagnosticReason = 'sink-rejected', detail = `${this.name}: points rejected by the test`): this {
    this.#behaviour = { mode: 'reject', reason, detail };
    return this;
  }

  /** Lets every hanging export succeed (recording its batch) and stops hanging. */
  release(): void {
    this.#behaviour = { mode: 'succeed' };
    for (const hanging of [...this.#hanging]) {
      this.#hanging.delete(hanging);
      hanging.resolve(this.#record(hanging.batch));
    }
  }

  /** Resolves once at least `count` batches have been exported in total. */
  waitForExports(count: number): Promise<void> {
    if (this.exported.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  start(signal: AbortSignal): Promise<void> {
    this.startCalls++;
    return signal.aborted ? Promise.reject(abortReason(signal)) : Promise.resolve();
  }

  stop(): Promise<void> {
    this.stopCalls++;
    return Promise.resolve();
  }

  health(): ComponentHealth {
    return { ready: true, detail: `${this.exported.length} batches recorded` };
  }

  export(batch: DataBatch, signal: AbortSignal): Promise<ExportResult> {
    this.attempts.push(batch);
    if (signal.aborted) return Promise.reject(abortReason(signal));
    const behaviour = this.#behaviour;
    switch (behaviour.mode) {
      case 'succeed':
        return Promise.resolve(this.#record(batch));
      case 'fail':
        behaviour.remaining--;
        if (behaviour.remaining <= 0) this.#behaviour = { mode: 'succeed' };
        return Promise.reject(behaviour.error);
      case 'reject': {
        const points = countPoints(batch);
        this.#recordBatch(batch);
        return Promise.resolve({
          pointsWritten: 0,
          pointsRejected: points,
          failures: [{ key: this.name, reason: behaviour.reason, detail: behaviour.detail }],
        });
      }
      case 'hang':
        return new Promise((resolve, reject) => {
          const hanging: HangingExport = { batch, resolve };
          this.#hanging.add(hanging);
          signal.addEventListener(
            'abort',
            () => {
              if (this.#hanging.delete(hanging)) reject(abortReason(signal));
            },
            { once: true },
          );
        });
    }
  }

  #record(batch: DataBatch): ExportResult {
    this.#recordBatch(batch);
    return { pointsWritten: countPoints(batch), pointsRejected: 0, failures: [] };
  }

  #recordBatch(batch: DataBatch): void {
    this.exported.push(batch);
    for (const waiter of [...this.#waiters]) {
      if (this.exported.length >= waiter.count) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }
}
