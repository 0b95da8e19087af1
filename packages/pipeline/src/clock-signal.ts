/**
 * AbortSignals driven by the injected Clock, so stop bounds and deadlines follow the fake clock in tests
 * (AbortSignal.timeout would follow real time).
 */
import type { Clock } from '@kubestats/core';

export interface ClockSignal {
  readonly signal: AbortSignal;
  /** Releases the timer once the bound is no longer needed. */
  cancel(): void;
}

export function clockTimeoutSignal(clock: Clock, timeoutMs: number, reason: string): ClockSignal {
  const controller = new AbortController();
  const timer = clock.setTimeout(() => controller.abort(new Error(reason)), timeoutMs);
  return { signal: controller.signal, cancel: () => clock.clearTimeout(timer) };
}

/** Resolves true when `promise` settles first, false when `signal` aborts first. Never rejects. */
export function settlesBeforeAbort(promise: Promise<unknown>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(false);
    signal.addEventListener('abort', onAbort, { once: true });
    const settled = (): void => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    };
    promise.then(settled, settled);
  });
}
