/**
 * Summing metric values across entities. Ints stay exact (bigint); an int/float mix (Heapster returned an error and
 * dropped the whole batch) is summed as floats and converted to the catalogue's kind for the metric.
 */
import { floatValue, intValue, metricDescriptor, type MetricSet, type MetricValue } from '@kubestats/core';

export function sumMetricValues(name: string, values: readonly MetricValue[]): MetricValue {
  const allInt = values.every((value) => value.kind === 'int');
  const kind = metricDescriptor(name)?.valueKind ?? (allInt ? 'int' : 'float');
  if (allInt) {
    let total = 0n;
    for (const value of values) if (value.kind === 'int') total += value.value;
    return kind === 'int' ? intValue(total) : floatValue(Number(total));
  }
  let total = 0;
  for (const value of values) total += Number(value.value);
  return kind === 'int' ? intValue(Math.round(total)) : floatValue(total);
}

export interface SumResult {
  /** Metric name -> sum over the contributors that have it (metrics none of them has are left out). */
  readonly sums: Map<string, MetricValue>;
  /** Metric name -> names of contributors lacking it while others have it. */
  readonly missing: Map<string, string[]>;
}

/** Sums `metricNames` over `contributors` (named by `nameOf`), noting who lacked a metric others had. */
export function sumMetrics(
  metricNames: readonly string[],
  contributors: readonly MetricSet[],
  nameOf: (set: MetricSet) => string,
): SumResult {
  const sums = new Map<string, MetricValue>();
  const missing = new Map<string, string[]>();
  for (const name of metricNames) {
    const values: MetricValue[] = [];
    const lacking: string[] = [];
    for (const set of contributors) {
      const value = set.metricValues.get(name);
      if (value === undefined) lacking.push(nameOf(set));
      else values.push(value);
    }
    if (values.length === 0) continue;
    sums.set(name, sumMetricValues(name, values));
    if (lacking.length > 0) missing.set(name, lacking);
  }
  return { sums, missing };
}

/** `cpu/usage_rate: a, b; memory/usage: c` with at most `limit` names per metric. */
export function describeMissing(missing: ReadonlyMap<string, readonly string[]>, total: number, what: string, limit = 10): string {
  const parts: string[] = [];
  for (const [metric, names] of missing) {
    const listed = names.slice(0, limit).join(', ');
    const more = names.length > limit ? ` and ${names.length - limit} more` : '';
    parts.push(`${metric} absent for ${names.length} of ${total} ${what} (${listed}${more})`);
  }
  return parts.join('; ');
}

/** The smallest defined window of `sets`, for a sum whose parts cover different windows. */
export function smallestWindowMs(sets: readonly MetricSet[]): number | undefined {
  let smallest: number | undefined;
  for (const set of sets) {
    const windowMs = set.rateWindowMs;
    if (windowMs !== undefined && windowMs > 0 && (smallest === undefined || windowMs < smallest)) smallest = windowMs;
  }
  return smallest;
}

/**
 * The latest scrape time of `sets`, 0 when none is known. A loop, not `Math.max(...)`: spreading the pods of a large
 * namespace (more than ~150,000) into arguments overflows the call stack.
 */
export function latestScrapeTimeMs(sets: readonly MetricSet[]): number {
  let latest = 0;
  for (const set of sets) if (set.scrapeTimeMs > latest) latest = set.scrapeTimeMs;
  return latest;
}
