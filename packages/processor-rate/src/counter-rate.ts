/**
 * The pure heart of the rate processor: given the previous sample of one counter series and the current one,
 * decide whether a rate can be computed, over which window, and why not when it cannot. No state, no I/O.
 *
 * Policy (see README "How a rate is computed"):
 * - normal: rate = (value − previous) / (scrapeTime − previousScrapeTime);
 * - restart (the counter decreased, or the start time moved by ≥ `startTimeToleranceMs` to after the previous
 *   sample): the counter restarted from zero, so rate = value / (scrapeTime − restart), where the restart is the new
 *   start time when known and inside the window, else the previous scrape time (Prometheus' rate() assumption);
 * - a start time that moved but still lies before the previous sample, with a counter that did not fall, is kubelet
 *   start-time jitter (k/k #59524), not a restart: the normal rate applies;
 * - zero (unknown) start times never count as a change;
 * - a first sample gets a rate only for a fresh entity whose start lies within `freshWindowMs` (metrics-server);
 * - never a negative rate: garbage values (negative, ≥ 2^63, NaN) are refused with `invalid-value`.
 */
import type { DiagnosticReason, MetricDescriptor, MetricValue } from '@kubestats/core';
import { floatValue, intValue } from '@kubestats/core';

/** One reading of a counter series. */
export interface CounterSample {
  /** bigint for int counters, number when the source sent a float. */
  readonly value: bigint | number;
  /** When the kubelet sampled it, epoch ms. */
  readonly scrapeTimeMs: number;
  /** When the counter started counting (container/cgroup start), epoch ms; 0 when unknown. */
  readonly startTimeMs: number;
}

export interface RateOptions {
  /** A first sample of an entity that started at most this long ago gets a rate from its start (0 disables). */
  readonly freshWindowMs: number;
  /** Whether the fresh-entity rule applies to this series (pods and containers only: node counters start at boot). */
  readonly freshAllowed: boolean;
  /** Start-time moves smaller than this are jitter, not restarts (k/k #59524). */
  readonly startTimeToleranceMs: number;
}

export type RateOutcome =
  | {
      readonly kind: 'rate';
      readonly value: MetricValue;
      /** The real interval the rate averages over. */
      readonly windowMs: number;
      /** Set when the rate was computed across a restart; recorded as a diagnostic although a rate exists. */
      readonly restart?: { readonly reason: DiagnosticReason; readonly detail: string };
      readonly store: true;
    }
  | {
      readonly kind: 'skip';
      readonly reason: DiagnosticReason;
      readonly detail: string;
      /** Whether the current sample replaces the stored one (false keeps the last good sample). */
      readonly store: boolean;
    };

const int64Limit = 2n ** 63n;

function isValidCounter(value: bigint | number): boolean {
  if (typeof value === 'bigint') return value >= 0n && value < int64Limit;
  // Same int64 bound for floats: beyond it Δ·1000 can overflow to Infinity (a RangeError in BigInt, or an infinite rate).
  return Number.isFinite(value) && value >= 0 && value < 2 ** 63;
}

function describe(value: bigint | number): string {
  return typeof value === 'bigint' ? value.toString() : String(value);
}

function isoTime(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : String(ms);
}

/** Δ / window in the output's unit: millicores from nanoseconds (integer, truncated), else per second. */
export function rateValue(delta: bigint | number, windowMs: number, output: MetricDescriptor): MetricValue {
  if (output.unit === 'millicores') {
    // Heapster: 1000·Δns/Δt_ns in integer division; bigint keeps ns counters past 2^53 exact.
    const windowNs = BigInt(Math.max(1, Math.round(windowMs * 1e6)));
    const millicores =
      typeof delta === 'bigint' ? (delta * 1000n) / windowNs : BigInt(Math.trunc((delta * 1000) / Number(windowNs)));
    return output.valueKind === 'int' ? intValue(millicores) : floatValue(Number(millicores));
  }
  const perSecond = Number(delta) / (windowMs / 1000);
  return output.valueKind === 'int' ? intValue(Math.trunc(perSecond)) : floatValue(perSecond);
}

function subtract(current: bigint | number, previous: bigint | number): bigint | number {
  if (typeof current === 'bigint' && typeof previous === 'bigint') return current - previous;
  return Number(current) - Number(previous);
}

function isLess(current: bigint | number, previous: bigint | number): boolean {
  if (typeof current === 'bigint' && typeof previous === 'bigint') return current < previous;
  return Number(current) < Number(previous);
}

export function evaluateSample(
  previous: CounterSample | undefined,
  current: CounterSample,
  output: MetricDescriptor,
  options: RateOptions,
): RateOutcome {
  const { value, scrapeTimeMs: t, startTimeMs: start } = current;
  if (!isValidCounter(value)) {
    return {
      kind: 'skip',
      reason: 'invalid-value',
      detail: `counter value ${describe(value)} is negative or beyond int64 (a wrapped or garbage reading); the last good sample is kept`,
      store: false,
    };
  }
  if (previous === undefined) {
    const ageMs = t - start;
    if (options.freshAllowed && options.freshWindowMs > 0 && start > 0 && ageMs > 0 && ageMs <= options.freshWindowMs) {
      return { kind: 'rate', value: rateValue(value, ageMs, output), windowMs: ageMs, store: true };
    }
    return { kind: 'skip', reason: 'first-sample', detail: 'the rate comes from the next scrape', store: true };
  }
  if (t <= previous.scrapeTimeMs) {
    return {
      kind: 'skip',
      reason: 'stale-sample',
      detail: `sampled at ${isoTime(t)}, not after the previous sample at ${isoTime(previous.scrapeTimeMs)}`,
      store: false,
    };
  }
  const startChanged =
    start > 0 && previous.startTimeMs > 0 && Math.abs(start - previous.startTimeMs) >= options.startTimeToleranceMs;
  const decreased = isLess(value, previous.value);
  const restartedAfterPrevious = startChanged && start > previous.scrapeTimeMs;
  if (decreased || restartedAfterPrevious) {
    // The new start bounds the window when it is known and before this sample; otherwise assume the restart came
    // right after the previous sample (the counter counted from zero since then at most).
    const fromMs = startChanged && start < t ? start : previous.scrapeTimeMs;
    const windowMs = t - fromMs;
    const reason: DiagnosticReason = startChanged ? 'start-time-changed' : 'counter-reset';
    const why = startChanged
      ? `start time moved from ${isoTime(previous.startTimeMs)} to ${isoTime(start)}`
      : `counter fell from ${describe(previous.value)} to ${describe(value)}`;
    return {
      kind: 'rate',
      value: rateValue(value, windowMs, output),
      windowMs,
      restart: { reason, detail: `${why}; rate = value since ${isoTime(fromMs)} over ${windowMs} ms` },
      store: true,
    };
  }
  const windowMs = t - previous.scrapeTimeMs;
  return { kind: 'rate', value: rateValue(subtract(value, previous.value), windowMs, output), windowMs, store: true };
}
