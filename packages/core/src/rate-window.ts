/**
 * The real sample window a set's rates cover. The rate processor records it so the Metrics API can report the true
 * `window` (Heapster hard-coded 1m); `withChanges` (a spread) carries it through later processors.
 */
import type { MetricSet } from './metric-set.js';

/** Milliseconds covered by the set's rates (for `cpu/usage_rate` when it was computed); undefined when unknown. */
export function rateWindowMsOf(set: MetricSet): number | undefined {
  const windowMs = set.rateWindowMs;
  return typeof windowMs === 'number' && Number.isFinite(windowMs) && windowMs > 0 ? windowMs : undefined;
}

/** A copy of `set` that records the window its rates cover; every other field is shared. */
export function withRateWindowMs(set: MetricSet, windowMs: number): MetricSet {
  return { ...set, rateWindowMs: windowMs };
}
