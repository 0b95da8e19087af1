/**
 * The heart of the rate processor: given the stored sample of one counter series and the current reading, decide
 * whether a rate can be computed, over which window, and why not when it cannot. No I/O; the only state is the
 * series' own sample, which `advanceCounter` updates in place (so a cycle allocates nothing per counter but the rate
 * value). `evaluateSample` is the same policy as a pure function.
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
import type { DiagnosticReason, IntMetricValue, MetricDescriptor, MetricValue } from '@kubestats/core';
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

/** The stored sample of a series, updated in place by `advanceCounter`. */
export interface SeriesSample {
  value: bigint | number;
  scrapeTimeMs: number;
  startTimeMs: number;
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

/**
 * What one `advanceCounter` call found besides the rate. The caller passes one instance for every call (no object
 * per counter); each call overwrites every field.
 */
export class RateStep {
  /** The interval the returned rate averages over, ms (0 when no rate). */
  windowMs = 0;
  /** Why no rate was returned, or the restart a returned rate spans (a diagnostic either way); undefined for none. */
  reason: DiagnosticReason | undefined = undefined;
  /** The diagnostic detail when `reason` is set, else ''. */
  detail = '';
  /** Whether the reading became the series' sample (false keeps the last good sample, or stores none). */
  stored = false;
}

const int64Limit = 2n ** 63n;
/** Below this, Δ·1000 is an exact double (⌊2^53 / 1000⌋), so the millicore division can run on doubles. */
const exactMillicoreDelta = 9_007_199_254_740;
const exactMillicoreDeltaBigInt = BigInt(exactMillicoreDelta);

/** Frozen `cpu/usage_rate`-style int gauges for small rates: values are immutable, so equal ones share an object. */
const sharedSmallGauges: readonly IntMetricValue[] = Array.from({ length: 4096 }, (_, index) => Object.freeze(intValue(BigInt(index))));
/** A zero float rate (idle network errors, major page faults) is the commonest float rate: shared likewise. */
const zeroFloatGauge = Object.freeze(floatValue(0));

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

function intGauge(value: number | bigint): IntMetricValue {
  const shared = value >= 0 && value < sharedSmallGauges.length ? sharedSmallGauges[Number(value)] : undefined;
  return shared ?? intValue(value);
}

/** Δ / window in the output's unit: millicores from nanoseconds (integer, truncated), else per second. */
export function rateValue(delta: bigint | number, windowMs: number, output: MetricDescriptor): MetricValue {
  if (output.unit === 'millicores') {
    const windowNs = Math.max(1, Math.round(windowMs * 1e6));
    // Heapster: 1000·Δns/Δt_ns in integer division. While Δ·1000 is an exact double, truncating the double quotient
    // is that division (its rounding error stays below 1/Δt_ns); larger bigint Δs (ns counters past 2^53) divide as
    // bigints, exact. A float Δ (from a float counter) is divided as a double.
    const millicores =
      typeof delta === 'bigint' && (delta > exactMillicoreDeltaBigInt || delta < -exactMillicoreDeltaBigInt)
        ? (delta * 1000n) / BigInt(windowNs)
        : Math.trunc((Number(delta) * 1000) / windowNs);
    return output.valueKind === 'int' ? intGauge(millicores) : floatValue(Number(millicores));
  }
  const perSecond = Number(delta) / (windowMs / 1000);
  if (output.valueKind === 'int') return intGauge(Math.trunc(perSecond));
  // Object.is: a -0 (from a -0 float counter) stays its own value, as before.
  return Object.is(perSecond, 0) ? zeroFloatGauge : floatValue(perSecond);
}

function subtract(current: bigint | number, previous: bigint | number): bigint | number {
  if (typeof current === 'bigint' && typeof previous === 'bigint') return current - previous;
  return Number(current) - Number(previous);
}

function isLess(current: bigint | number, previous: bigint | number): boolean {
  if (typeof current === 'bigint' && typeof previous === 'bigint') return current < previous;
  return Number(current) < Number(previous);
}

function skip(step: RateStep, reason: DiagnosticReason, detail: string, stored: boolean): undefined {
  step.windowMs = 0;
  step.reason = reason;
  step.detail = detail;
  step.stored = stored;
  return undefined;
}

function stored(step: RateStep, windowMs: number, restartReason?: DiagnosticReason, restartDetail = ''): void {
  step.windowMs = windowMs;
  step.reason = restartReason;
  step.detail = restartDetail;
  step.stored = true;
}

/**
 * One cycle of a counter series: compares the reading (`value` sampled at `scrapeTimeMs`, counting since
 * `startTimeMs`) with the stored sample (`previous`; undefined for a series without one), returns the rate or
 * undefined, and says in `step` over which window, or why not. A good reading replaces `previous` in place; for a
 * new series the caller stores it when `step.stored`.
 */
export function advanceCounter(
  previous: SeriesSample | undefined,
  value: bigint | number,
  scrapeTimeMs: number,
  startTimeMs: number,
  output: MetricDescriptor,
  options: RateOptions,
  step: RateStep,
): MetricValue | undefined {
  const t = scrapeTimeMs;
  const start = startTimeMs;
  if (!isValidCounter(value)) {
    return skip(step, 'invalid-value', `counter value ${describe(value)} is negative or beyond int64 (a wrapped or garbage reading); the last good sample is kept`, false);
  }
  if (previous === undefined) {
    const ageMs = t - start;
    if (options.freshAllowed && options.freshWindowMs > 0 && start > 0 && ageMs > 0 && ageMs <= options.freshWindowMs) {
      stored(step, ageMs);
      return rateValue(value, ageMs, output);
    }
    return skip(step, 'first-sample', 'the rate comes from the next scrape', true);
  }
  if (t <= previous.scrapeTimeMs) {
    return skip(step, 'stale-sample', `sampled at ${isoTime(t)}, not after the previous sample at ${isoTime(previous.scrapeTimeMs)}`, false);
  }
  const startChanged =
    start > 0 && previous.startTimeMs > 0 && Math.abs(start - previous.startTimeMs) >= options.startTimeToleranceMs;
  const decreased = isLess(value, previous.value);
  const restartedAfterPrevious = startChanged && start > previous.scrapeTimeMs;
  let rate: MetricValue;
  if (decreased || restartedAfterPrevious) {
    // The new start bounds the window when it is known and before this sample; otherwise assume the restart came
    // right after the previous sample (the counter counted from zero since then at most).
    const fromMs = startChanged && start < t ? start : previous.scrapeTimeMs;
    const windowMs = t - fromMs;
    const why = startChanged
      ? `start time moved from ${isoTime(previous.startTimeMs)} to ${isoTime(start)}`
      : `counter fell from ${describe(previous.value)} to ${describe(value)}`;
    stored(step, windowMs, startChanged ? 'start-time-changed' : 'counter-reset', `${why}; rate = value since ${isoTime(fromMs)} over ${windowMs} ms`);
    rate = rateValue(value, windowMs, output);
  } else {
    const windowMs = t - previous.scrapeTimeMs;
    stored(step, windowMs);
    rate = rateValue(subtract(value, previous.value), windowMs, output);
  }
  previous.value = value;
  previous.scrapeTimeMs = t;
  previous.startTimeMs = start;
  return rate;
}

/** The same policy as a pure function: `previous` is not modified; `store` says whether `current` would replace it. */
export function evaluateSample(
  previous: CounterSample | undefined,
  current: CounterSample,
  output: MetricDescriptor,
  options: RateOptions,
): RateOutcome {
  const step = new RateStep();
  const copy = previous === undefined ? undefined : { value: previous.value, scrapeTimeMs: previous.scrapeTimeMs, startTimeMs: previous.startTimeMs };
  const value = advanceCounter(copy, current.value, current.scrapeTimeMs, current.startTimeMs, output, options, step);
  if (value === undefined) return { kind: 'skip', reason: step.reason ?? 'first-sample', detail: step.detail, store: step.stored };
  if (step.reason === undefined) return { kind: 'rate', value, windowMs: step.windowMs, store: true };
  return { kind: 'rate', value, windowMs: step.windowMs, restart: { reason: step.reason, detail: step.detail }, store: true };
}
