/**
 * The real sample window a set's rates cover. The rate processor records it so the Metrics API can report the true
 * `window` (Heapster hard-coded 1m). It rides on the MetricSet object as an extra field rather than a new MetricSet
 * member, so existing code is unchanged and `withChanges` (a spread) carries it through later processors.
 */
import type { MetricSet } from './metric-set.js';

interface WithRateWindow {
  readonly rateWindowMs?: number;
}

/** Milliseconds covered by the set's rates (for `cpu/usage_rate` when it was computed); undefined when unknown. */
export function rateWindowMsOf(set: MetricSet): number | undefined {
  const windowMs = (set as MetricSet & WithRateWindow).rateWindowMs;
  return typeof windowMs === 'number' && Number.isFinite(windowMs) && windowMs > 0 ? windowMs : undefined;
}

/** A copy of `set` that records the window its rates cover; every other field is shared. */
export function withRateWindowMs(set: MetricSet, windowMs: number): MetricSet {
  const copy: MetricSet & WithRateWindow = { ...set, rateWindowMs: windowMs };
  return copy;
}
