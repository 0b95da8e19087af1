/**
 * Per-body decoding state shared by the three decoders: the context (the node's label values), the collected sets
 * and diagnostics, and the value readers that turn kubelet numbers into exact bigints (or leave them out with a
 * reason). Keeping the checks here makes "missing is absent, never zero" and "bad is left out, with a diagnostic"
 * one rule for all.
 */
import {
  Metrics,
  intValue,
  resourceLabelsOf,
  type DiagnosticInput,
  type DiagnosticReason,
  type DiagnosticStage,
  type IntMetricValue,
  type LabeledMetric,
  type MetricDescriptor,
  type MetricSet,
  type MetricType,
  type MetricValue,
} from '@kubestats/core';
import type { DecodeContext, DecodeResult } from './decode-context.js';
import { describeJsonType } from './decode-error.js';

/**
 * cAdvisor writes "unlimited" as uint64 max (18446744073709551615) or int64 max rounded down to a page
 * (9223372036854771712, which a float round trip prints as 9223372036854772000). Nothing real gets this large, so
 * anything from 2^63 − 4096 up means "no value".
 */
export const unlimitedThreshold = 9_223_372_036_854_771_712n;
const unlimitedThresholdNumber = Number(unlimitedThreshold);
/** The largest uint64; anything above it (1e30, 1e400 → Infinity) is no counter cAdvisor can write. */
export const uint64Max = 18_446_744_073_709_551_615n;
/** uint64 max as a double prints it (2^64): the float form of "unlimited" is at most this. */
const uint64MaxNumber = Number(uint64Max);

/**
 * How a non-negative value reads: `unlimited` in cAdvisor's uint64 "no limit" range (absent, no diagnostic),
 * `out-of-range` above uint64 max or infinite (left out with a diagnostic), `number` otherwise.
 */
export function largeValueKind(value: number | bigint): 'number' | 'unlimited' | 'out-of-range' {
  if (typeof value === 'bigint') return value > uint64Max ? 'out-of-range' : value >= unlimitedThreshold ? 'unlimited' : 'number';
  if (!Number.isFinite(value) || value > uint64MaxNumber) return 'out-of-range';
  return value >= unlimitedThresholdNumber ? 'unlimited' : 'number';
}

/** Entries of a metric-values map under construction. */
export type MetricValues = Map<string, MetricValue>;

export class DecodeSession {
  readonly context: DecodeContext;
  readonly metricSets: MetricSet[] = [];
  readonly diagnostics: DiagnosticInput[] = [];

  constructor(context: DecodeContext) {
    this.context = context;
  }

  diagnose(key: string, stage: DiagnosticStage, reason: DiagnosticReason, detail: string): void {
    this.diagnostics.push({ key, stage, reason, detail, node: this.context.nodeName });
  }

  invalid(key: string, what: string, value: unknown, why: string): void {
    this.diagnose(key, 'decode', 'invalid-value', `${what} = ${formatValue(value)} left out: ${why}`);
  }

  /**
   * An unsigned integer field: bigint when valid, undefined when absent, "unlimited", or invalid (negative, NaN,
   * fractional, not a number, or already rounded above 2^53), the last with an `invalid-value` diagnostic naming
   * `what`, or `what.field` when `field` is given (joined only then, so callers build no path string per value).
   */
  readInt(value: unknown, key: string, what: string, field?: string): bigint | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number' && value >= 0 && Number.isSafeInteger(value)) return BigInt(value);
    return this.#readUnusualInt(value, key, field === undefined ? what : `${what}.${field}`);
  }

  /** readInt past its fast path: negative, fractional or unsafe numbers, bigints (lossless parse), non-numbers. */
  #readUnusualInt(value: unknown, key: string, what: string): bigint | undefined {
    if (typeof value === 'number') {
      if (Number.isSafeInteger(value)) {
        if (value >= 0) return BigInt(value);
        this.invalid(key, what, value, 'negative');
        return undefined;
      }
      if (!Number.isFinite(value) || value < 0) {
        this.invalid(key, what, value, 'not a finite non-negative number');
        return undefined;
      }
      const kind = largeValueKind(value);
      if (kind === 'unlimited') return undefined;
      this.invalid(key, what, value, kind === 'out-of-range' ? outOfRangeReason : invalidFloatReason(value));
      return undefined;
    }
    if (typeof value === 'bigint') {
      if (value < 0n) {
        this.invalid(key, what, value, 'negative');
        return undefined;
      }
      const kind = largeValueKind(value);
      if (kind === 'number') return value;
      if (kind === 'out-of-range') this.invalid(key, what, value, outOfRangeReason);
      return undefined;
    }
    this.invalid(key, what, value, `${describeJsonType(value)}, not a number`);
    return undefined;
  }

  /** An RFC 3339 timestamp as epoch ms; 0 when absent, zero (0001-01-01) or unparsable (with a diagnostic). */
  readTimeMs(value: unknown, key: string, what: string): number {
    if (value === undefined || value === null || value === '') return 0;
    if (typeof value === 'string') {
      const ms = parseTimeMs(value);
      if (Number.isFinite(ms)) return ms > 0 ? ms : 0;
    }
    this.invalid(key, what, value, 'not an RFC 3339 time');
    return 0;
  }

  /** `uptime` = now − start, when the start is known and not in the future. */
  addUptime(values: MetricValues, startMs: number, key: string): void {
    if (startMs <= 0) return;
    const uptimeMs = this.context.nowMs - startMs;
    if (uptimeMs < 0) {
      this.invalid(key, Metrics.uptime.name, uptimeMs, `start time ${new Date(startMs).toISOString()} is after the decode time`);
      return;
    }
    // Shared: the containers of a pod usually start in the same second.
    values.set(Metrics.uptime.name, sharedIntValue(Metrics.uptime, BigInt(Math.trunc(uptimeMs))));
  }

  result(): DecodeResult {
    return { metricSets: this.metricSets, diagnostics: this.diagnostics };
  }
}

/**
 * Epoch ms of a timestamp, exactly as Date.parse reads it. Kubelets write UTC RFC 3339 (`2026-11-30T13:00:09Z`,
 * sometimes with a fraction), read here digit by digit: Date.parse costs ~0.15 µs a call, a summary body has two
 * times per set, and start times differ between pods (too many to cache). Any other spelling (an offset, 24:00, a
 * field out of range) goes to Date.parse, through a small cache.
 */
export function parseTimeMs(text: string): number {
  const ms = parseUtcTimestampMs(text);
  return Number.isNaN(ms) ? parseTimeMsSlow(text) : ms;
}

/** `YYYY-MM-DDTHH:MM:SS[.fraction]Z` with every field in Date.parse's accepted range; NaN for anything else. */
function parseUtcTimestampMs(text: string): number {
  const length = text.length;
  if (length < 20 || text.charCodeAt(length - 1) !== 90 /* Z */) return Number.NaN;
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 /* - - T */) return Number.NaN;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58 /* : : */) return Number.NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  // NaN fails every comparison, so a non-digit fails here too. Day 29–31 of a shorter month is not rejected:
  // Date.parse rolls it over into the next month (2026-02-30 is 2026-03-02), and so does daysFromCivil.
  if (!(year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 59)) {
    return Number.NaN;
  }
  let millis = 0;
  if (length > 20) {
    // A fraction: '.' and 1–9 digits (Go writes at most 9). Date.parse keeps the milliseconds and drops the rest;
    // past 9 digits it misreads leading zeros (.0123456789 is 123 ms), so those go to it.
    const fractionDigits = length - 21;
    if (text.charCodeAt(19) !== 46 /* . */ || fractionDigits === 0 || fractionDigits > 9 || Number.isNaN(digits(text, 20, fractionDigits))) {
      return Number.NaN;
    }
    millis = digits(text, 20, Math.min(3, fractionDigits)) * (fractionDigits >= 3 ? 1 : fractionDigits === 2 ? 10 : 100);
  }
  return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis;
}

/** The decimal value of `count` digits at `start`; NaN when any is not a digit. */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let index = start; index < start + count; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil); day may pass the month end. */
function daysFromCivil(year: number, month: number, day: number): number {
  const shiftedYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(shiftedYear / 400);
  const yearOfEra = shiftedYear - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Other spellings repeat within a body and across nodes, so their Date.parse results are remembered (bounded). */
const slowTimeCache = new Map<string, number>();

function parseTimeMsSlow(text: string): number {
  let ms = slowTimeCache.get(text);
  if (ms === undefined) {
    ms = Date.parse(text);
    if (slowTimeCache.size >= 4096) slowTimeCache.clear();
    slowTimeCache.set(text, ms);
  }
  return ms;
}

/** Why a value above uint64 max (or infinite) is left out. */
export const outOfRangeReason = 'out of range: above uint64 max';

function invalidFloatReason(value: number): string {
  return Number.isInteger(value) ? 'above 2^53, already rounded by whoever wrote it' : 'not an integer';
}

function formatValue(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Values are immutable and compared by content downstream, so one frozen object can stand for every equal point.
 * A summary body repeats values heavily (each container reports its node's filesystem capacity, inodes and
 * available bytes; error and major-fault counters are 0), and every object saved is one less for the GC per cycle.
 * Two cheap shares, no unbounded cache: a table of 0…255 per type, and the last value built per descriptor (equal
 * values arrive back to back, container after container).
 */
const smallIntLimit = 256n;
const smallInts: Readonly<Record<MetricType, readonly IntMetricValue[]>> = {
  gauge: frozenSmallInts('gauge'),
  cumulative: frozenSmallInts('cumulative'),
};
const lastIntValue = new Map<MetricDescriptor, IntMetricValue>();

function frozenSmallInts(type: MetricType): readonly IntMetricValue[] {
  return Array.from({ length: Number(smallIntLimit) }, (_, index) => Object.freeze(intValue(BigInt(index), type)));
}

/** An int value of `descriptor`, shared with an equal one built before when that is cheap to find. */
export function sharedIntValue(descriptor: MetricDescriptor, value: bigint): IntMetricValue {
  if (value < smallIntLimit) {
    const small = smallInts[descriptor.type][Number(value)];
    if (small !== undefined) return small;
  }
  const last = lastIntValue.get(descriptor);
  if (last !== undefined && last.value === value) return last;
  const built = Object.freeze(intValue(value, descriptor.type));
  lastIntValue.set(descriptor, built);
  return built;
}

/** Sets `descriptor` to `value` when present. */
export function setInt(values: MetricValues, descriptor: MetricDescriptor, value: bigint | undefined): void {
  if (value !== undefined) values.set(descriptor.name, sharedIntValue(descriptor, value));
}

/** Adds a labeled int metric when present. */
export function pushLabeledInt(
  labeled: LabeledMetric[],
  descriptor: MetricDescriptor,
  labels: Readonly<Record<string, string>>,
  value: bigint | undefined,
): void {
  if (value !== undefined) labeled.push({ name: descriptor.name, labels, value: sharedIntValue(descriptor, value) });
}

/** A labeled metric whose value is an int. */
interface LabeledIntMetric extends LabeledMetric {
  readonly value: IntMetricValue;
}

/**
 * Labeled int metrics under one fixed labels object (e.g. `resource_id=/`), frozen and shared between sets like
 * sharedIntValue: the metric built last for a descriptor is pushed again while its value is equal. Compared by
 * value, so two label sets alternating (a container's `/` then its `logs`) do not evict each other's metrics, as
 * they do in sharedIntValue's one slot per descriptor. Holds one metric per descriptor.
 */
export class SharedLabeledInts {
  readonly labels: Readonly<Record<string, string>>;
  readonly #last = new Map<MetricDescriptor, LabeledIntMetric>();

  constructor(labels: Readonly<Record<string, string>>) {
    this.labels = labels;
  }

  /** Adds `descriptor` = `value` under these labels when present. */
  push(labeled: LabeledMetric[], descriptor: MetricDescriptor, value: bigint | undefined): void {
    if (value === undefined) return;
    const last = this.#last.get(descriptor);
    if (last !== undefined && last.value.value === value) {
      labeled.push(last);
      return;
    }
    const metric: LabeledIntMetric = Object.freeze({ name: descriptor.name, labels: this.labels, value: sharedIntValue(descriptor, value) });
    this.#last.set(descriptor, metric);
    labeled.push(metric);
  }
}

/** `resource_id` label objects, shared by every set that uses the same id. */
const resourceLabelCache = new Map<string, Readonly<Record<string, string>>>();

export function resourceLabels(resourceId: string): Readonly<Record<string, string>> {
  let labels = resourceLabelCache.get(resourceId);
  if (labels === undefined) {
    labels = Object.freeze(resourceLabelsOf(resourceId));
    // Bounded: volume and device names repeat across nodes; a pathological payload must not grow it forever.
    if (resourceLabelCache.size < 10_000) resourceLabelCache.set(resourceId, labels);
  }
  return labels;
}
