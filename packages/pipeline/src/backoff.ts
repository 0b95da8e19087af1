/**
 * Jittered exponential backoff for sink retries. "Equal jitter": half the exponential step is kept and half is
 * random, so retries of several sinks (or replicas) that failed together spread out, yet never retry at once.
 */
import type { ResolvedRetry } from './pipeline-options.js';

/**
 * The wait before retry number `retry` (1 = the first retry): base = min(max, initial · 2^(retry−1)), then a value in
 * [base/2, base]. `random` returns [0, 1) like Math.random.
 */
export function backoffDelayMs(retry: number, options: ResolvedRetry, random: () => number = Math.random): number {
  const base = Math.min(options.maxBackoffMs, options.initialBackoffMs * 2 ** Math.max(0, retry - 1));
  return Math.round(base / 2 + (base / 2) * random());
}
