/**
 * Pure mapping from a DataBatch to InfluxDB 1.x line protocol in Heapster's schema (metrics/sinks/influxdb): one line
 * per metric value and per labeled metric, at the batch timestamp in nanoseconds. Kept apart from the client so the
 * exact bytes are tested without a server.
 */
import {
  LabelKeys,
  metricDescriptor,
  rateDefinitions,
  type DataBatch,
  type ItemFailure,
  type MetricValue,
} from '@kubestats/core';

/** How lines are shaped; mirrors the Heapster URI options that affect the schema. */
export interface LineProtocolOptions {
  /** `withfields=true`: measurement = metric name up to the first `/`, field = the rest. */
  readonly withFields: boolean;
  /** Written as the `cluster_name` tag on every point. */
  readonly clusterName: string;
  /** `disable_counter_metrics=true`: leave out the cumulative inputs of rates. */
  readonly disableCounterMetrics: boolean;
}

/** One line plus the metric-set key it came from, so a rejected write can be attributed. */
export interface LinePoint {
  readonly key: string;
  readonly line: string;
}

export interface LineProtocolResult {
  readonly points: readonly LinePoint[];
  /** Values that cannot be written at all (NaN, out of int64 range, a newline in a name); not sent. */
  readonly failures: readonly ItemFailure[];
  /** Points left out on purpose (`disable_counter_metrics`); neither written nor rejected. */
  readonly skipped: number;
}

/** Labels Heapster never writes as tags (metrics/sinks/influxdb/influxdb.go): high-cardinality ids. */
export const excludedTagKeys: ReadonlySet<string> = new Set([
  LabelKeys.namespaceId,
  LabelKeys.podId,
  LabelKeys.hostname,
  LabelKeys.hostId,
]);

/** The tag Heapster adds to every point. */
export const clusterNameTag = 'cluster_name';

/** The field name of the default schema (and of unsplittable names in withfields mode). */
export const defaultFieldName = 'value';

const counterMetricNames: ReadonlySet<string> = new Set(rateDefinitions.map((definition) => definition.input.name));

const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

export function escapeMeasurement(name: string): string {
  return name.replace(/[, ]/g, (char) => `\\${char}`);
}

/** Tag keys, tag values and field keys escape the same three characters. */
export function escapeTag(text: string): string {
  return text.replace(/[,= ]/g, (char) => `\\${char}`);
}

/**
 * The shortest decimal that round-trips, never in exponent form (Go's `strconv.FormatFloat(v, 'f', -1, 64)`, which
 * the Heapster sink's client used); JavaScript's String() switches to exponents at >= 1e21 and < 1e-6.
 */
export function formatFloat(value: number): string {
  const shortest = String(value);
  const exponentAt = shortest.indexOf('e');
  if (exponentAt < 0) return shortest;
  const negative = shortest.startsWith('-');
  const mantissa = shortest.slice(negative ? 1 : 0, exponentAt);
  const exponent = Number(shortest.slice(exponentAt + 1));
  const pointAt = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const integerDigits = (pointAt < 0 ? mantissa.length : pointAt) + exponent;
  let text: string;
  if (integerDigits <= 0) text = `0.${'0'.repeat(-integerDigits)}${digits}`;
  else if (integerDigits >= digits.length) text = digits + '0'.repeat(integerDigits - digits.length);
  else text = `${digits.slice(0, integerDigits)}.${digits.slice(integerDigits)}`;
  return negative ? `-${text}` : text;
}

/** Epoch milliseconds as line-protocol nanoseconds, exact beyond 2^53. */
export function formatTimestampNs(timestampMs: number): string {
  const wholeMs = Math.floor(timestampMs);
  const extraNs = Math.round((timestampMs - wholeMs) * 1e6);
  return (BigInt(wholeMs) * 1_000_000n + BigInt(extraNs)).toString();
}

/** Measurement and field for a metric name in either schema. */
export function measurementAndField(metricName: string, withFields: boolean): { measurement: string; field: string } {
  if (!withFields) return { measurement: metricName, field: defaultFieldName };
  const slash = metricName.indexOf('/');
  return slash < 0
    ? { measurement: metricName, field: defaultFieldName }
    : { measurement: metricName.slice(0, slash), field: metricName.slice(slash + 1) };
}

/** A formatted value or line, or why it cannot be written. */
export type Formatted = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly detail: string };

/**
 * The field value, typed by the catalogue when the metric is known, so one field never flips between integer and
 * float (InfluxDB rejects the second type with a field type conflict). Unknown (custom) metrics keep their own kind.
 */
export function formatFieldValue(metricName: string, value: MetricValue): Formatted {
  const kind = metricDescriptor(metricName)?.valueKind ?? value.kind;
  if (kind === 'int') {
    let integer: bigint;
    if (value.kind === 'int') integer = value.value;
    else if (Number.isFinite(value.value)) integer = BigInt(Math.round(value.value));
    else return { ok: false, detail: `${metricName}: ${value.value} is not a number InfluxDB can store` };
    if (integer < int64Min || integer > int64Max) {
      return { ok: false, detail: `${metricName}: ${integer} is outside InfluxDB's int64 range` };
    }
    return { ok: true, text: `${integer}i` };
  }
  const float = value.kind === 'int' ? Number(value.value) : value.value;
  if (!Number.isFinite(float)) return { ok: false, detail: `${metricName}: ${float} is not a number InfluxDB can store` };
  return { ok: true, text: formatFloat(float) };
}

function addTags(tags: Map<string, string>, labels: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(labels)) {
    if (value !== '' && !excludedTagKeys.has(key)) tags.set(key, value);
  }
}

function byKey(a: readonly [string, string], b: readonly [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** Line protocol cannot carry a newline in a measurement, tag or field key; such a point is rejected, not mangled. */
const lineBreak = /[\r\n]/;

/** Formats one point: measurement, sorted escaped tags, one field, timestamp. */
export function formatLine(
  metricName: string,
  value: MetricValue,
  tags: ReadonlyMap<string, string>,
  timestampNs: string,
  withFields: boolean,
): Formatted {
  const { measurement, field } = measurementAndField(metricName, withFields);
  const fieldValue = formatFieldValue(metricName, value);
  if (!fieldValue.ok) return fieldValue;
  const sortedTags = [...tags].sort(byKey);
  for (const [key, tagValue] of sortedTags) {
    if (lineBreak.test(key) || lineBreak.test(tagValue)) {
      return { ok: false, detail: `${metricName}: tag ${JSON.stringify(key)} contains a line break` };
    }
  }
  if (lineBreak.test(metricName)) return { ok: false, detail: `${JSON.stringify(metricName)}: the metric name contains a line break` };
  let line = escapeMeasurement(measurement);
  for (const [key, tagValue] of sortedTags) line += `,${escapeTag(key)}=${escapeTag(tagValue)}`;
  line += ` ${escapeTag(field)}=${fieldValue.text} ${timestampNs}`;
  return { ok: true, text: line };
}

/** Every point of `batch` as Heapster's InfluxDB sink writes it. Never mutates the batch. */
export function toLineProtocol(batch: DataBatch, options: LineProtocolOptions): LineProtocolResult {
  const timestampNs = formatTimestampNs(batch.timestampMs);
  const points: LinePoint[] = [];
  const failures: ItemFailure[] = [];
  let skipped = 0;
  const emit = (key: string, metricName: string, value: MetricValue, tags: ReadonlyMap<string, string>): void => {
    if (options.disableCounterMetrics && counterMetricNames.has(metricName)) {
      skipped++;
      return;
    }
    const line = formatLine(metricName, value, tags, timestampNs, options.withFields);
    if (line.ok) points.push({ key, line: line.text });
    else failures.push({ key, reason: 'invalid-value', detail: line.detail });
  };
  for (const set of batch.metricSets.values()) {
    const setTags = new Map<string, string>();
    addTags(setTags, set.labels);
    setTags.set(clusterNameTag, options.clusterName);
    for (const [metricName, value] of set.metricValues) emit(set.key, metricName, value, setTags);
    for (const labeled of set.labeledMetrics) {
      const tags = new Map(setTags);
      addTags(tags, labeled.labels);
      tags.set(clusterNameTag, options.clusterName);
      emit(set.key, labeled.name, labeled.value, tags);
    }
  }
  return { points, failures, skipped };
}
