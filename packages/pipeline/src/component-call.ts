/**
 * Calls one plugin instance under a deadline. The call gets an AbortSignal that aborts at the deadline (or when the
 * host aborts); a call that ignores the signal is abandoned at the deadline and its late result discarded. Because
 * the contract promises a plugin is never called concurrently, an abandoned call keeps the instance busy until it
 * settles, and the host skips it meanwhile instead of piling up calls (Heapster's leak of one goroutine per hung
 * kubelet, #1586).
 */
import { abortReason, type Clock } from '@kubestats/core';

export type CallOutcome<T> =
  | { readonly status: 'ok'; readonly value: T; readonly durationMs: number }
  | { readonly status: 'failed'; readonly error: unknown; readonly durationMs: number }
  | { readonly status: 'deadline'; readonly durationMs: number }
  | { readonly status: 'aborted'; readonly error: Error; readonly durationMs: number };

/** The reason a call's signal carries when its deadline passes. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

export class ComponentCall {
  readonly #clock: Clock;
  readonly #name: string;
  #pending: Promise<void> | undefined;
  #pendingSinceMs: number | undefined;

  constructor(clock: Clock, name: string) {
    this.#clock = clock;
    this.#name = name;
  }

  /** True while a previous call (usually one abandoned at its deadline) has not settled. */
  get busy(): boolean {
    return this.#pending !== undefined;
  }

  /** When the unsettled call started, if any. */
  get busySinceMs(): number | undefined {
    return this.#pendingSinceMs;
  }

  /** Resolves when the unsettled call settles (immediately when there is none), or when `signal` aborts. */
  whenIdle(signal?: AbortSignal): Promise<void> {
    const pending = this.#pending;
    if (!pending || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const onAbort = (): void => resolve();
      signal?.addEventListener('abort', onAbort, { once: true });
      void pending.then(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  /**
   * Runs `call` with a signal that aborts after `timeoutMs` or when `parent` aborts. Resolves (never rejects) with
   * the outcome as soon as the call settles, the deadline passes, or `parent` aborts, whichever is first.
   */
  run<T>(
    timeoutMs: number,
    parent: AbortSignal | undefined,
    call: (signal: AbortSignal) => Promise<T>,
  ): Promise<CallOutcome<T>> {
    const startedMs = this.#clock.now();
    const elapsed = (): number => this.#clock.now() - startedMs;
    if (this.#pending) {
      throw new Error(`${this.#name}: called while a previous call is still running (host bug)`);
    }
    if (parent?.aborted) return Promise.resolve({ status: 'aborted', error: abortReason(parent), durationMs: 0 });

    const controller = new AbortController();
    let promise: Promise<T>;
    try {
      promise = call(controller.signal);
    } catch (error) {
      // A plugin that throws synchronously failed the call just like one that rejects.
      promise = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    this.#pending = settled;
    this.#pendingSinceMs = startedMs;
    void settled.then(() => {
      if (this.#pending === settled) {
        this.#pending = undefined;
        this.#pendingSinceMs = undefined;
      }
    });

    return new Promise((resolve) => {
      let done = false;
      const finish = (outcome: CallOutcome<T>): void => {
        if (done) return;
        done = true;
        this.#clock.clearTimeout(timer);
        parent?.removeEventListener('abort', onParentAbort);
        resolve(outcome);
      };
      const onParentAbort = (): void => {
        const error = abortReason(parent);
        controller.abort(error);
        finish({ status: 'aborted', error, durationMs: elapsed() });
      };
      const timer = this.#clock.setTimeout(() => {
        controller.abort(new DeadlineError(`${this.#name}: no answer within ${timeoutMs} ms`));
        finish({ status: 'deadline', durationMs: elapsed() });
      }, timeoutMs);
      parent?.addEventListener('abort', onParentAbort, { once: true });
      promise.then(
        (value) => finish({ status: 'ok', value, durationMs: elapsed() }),
        (error: unknown) => finish({ status: 'failed', error, durationMs: elapsed() }),
      );
    });
  }
}
